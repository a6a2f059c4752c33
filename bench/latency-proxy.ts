/**
 * A loopback proxy in front of the SES emulator that makes it answer like SES over a network:
 * each SendEmail is held for `latencyMs ± jitterMs` (uniform) before it is forwarded, and the
 * time it arrived is recorded, so the bench can see the rate the dispatcher really achieved
 * and the busiest one-second window. GetAccount is answered here with the quota under test
 * (the emulator's own answer is fixed at its start). Everything else is passed through.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface ProxyQuota {
  maxSendRate: number;
  max24HourSend: number;
}

export interface LatencyProxy {
  url: string;
  /** Arrival times (performance.now ms) of newsletter SendEmail calls since the last `take()`. */
  take(): number[];
  /**
   * How late this process's event loop ran since the last `take()` (ms, 99th percentile and
   * most): an arrival is stamped when the loop gets to it, so a late loop stamps several together.
   */
  loopDelay(): { p99: number; max: number };
  setQuota(q: ProxyQuota): void;
  close(): Promise<void>;
}

const ACCOUNT_PATH = '/v2/email/account';
const SEND_PATH = '/v2/email/outbound-emails';

export async function startLatencyProxy(opts: {
  target: string;
  latencyMs: number;
  jitterMs: number;
}): Promise<LatencyProxy> {
  const target = new URL(opts.target);
  let quota: ProxyQuota = { maxSendRate: 14, max24HourSend: 50_000 };
  let arrivals: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'GET' && req.url?.startsWith(ACCOUNT_PATH)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            SendingEnabled: true,
            ProductionAccessEnabled: true,
            EnforcementStatus: 'HEALTHY',
            SendQuota: {
              MaxSendRate: quota.maxSendRate,
              Max24HourSend: quota.max24HourSend,
              SentLast24Hours: 0,
            },
          }),
        );
        return;
      }
      if (req.method === 'POST' && req.url?.startsWith(SEND_PATH)) {
        // Only newsletters count (the editors' notice goes through here too).
        if (body.includes('"Value":"newsletter"')) arrivals.push(arrived);
        const delay = opts.latencyMs + (Math.random() * 2 - 1) * opts.jitterMs;
        setTimeout(() => forward(req, res, body), Math.max(0, delay));
        return;
      }
      forward(req, res, body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const out = arrivals;
      arrivals = [];
      return out;
    },
    loopDelay() {
      // The histogram counts in nanoseconds, the timer's own resolution included.
      const out = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
      delay.reset();
      return out;
    },
    setQuota(q) {
      quota = q;
    },
    close: () =>
      new Promise<void>((resolve) => {
        delay.disable();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most arrivals in any one-second window (sliding, not aligned to whole seconds). */
export function busiestSecond(arrivals: readonly number[]): number {
  return busiestWindow(arrivals).count;
}

/** The busiest one-second window: how many, and the first arrival in it. */
export function busiestWindow(arrivals: readonly number[]): { count: number; from: number } {
  const t = [...arrivals].sort((a, b) => a - b);
  let best = { count: 0, from: Number.NaN };
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= 1000) i++;
    if (j - i + 1 > best.count) best = { count: j - i + 1, from: t[i]! };
  }
  return best;
}

/** Sends per second between the first and the last arrival. */
export function achievedRate(arrivals: readonly number[]): number {
  if (arrivals.length < 2) return 0;
  const first = Math.min(...arrivals);
  const last = Math.max(...arrivals);
  return ((arrivals.length - 1) * 1000) / (last - first);
}
