/**
 * The latency proxy's server (latency-proxy.ts), run in a process of its own: it stamps each
 * SendEmail's arrival (each reader of a SendBulkEmail's) when its event loop gets to it, and in the bench's process (with s3rver
 * and the samplers) that loop ran up to 30–50 ms late at 500/s, stamping a second and a bit of
 * sends into one second. Its own process, at a raised priority where the OS allows, keeps the
 * stamps close to the arrivals. Talks to the bench over the IPC channel of `fork`.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ProxyQuota, ProxyRequest } from './latency-proxy.ts';

const ACCOUNT_PATH = '/v2/email/account';
const SEND_PATH = '/v2/email/outbound-emails';
const BULK_PATH = '/v2/email/outbound-bulk-emails';

async function serve(opts: { target: string; latencyMs: number; jitterMs: number }) {
  const target = new URL(opts.target);
  let quota: ProxyQuota = { maxSendRate: 14, max24HourSend: 50_000 };
  let arrivals: number[] = [];
  let bodies: number[] = [];
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
      const bulk = req.url?.startsWith(BULK_PATH);
      if (req.method === 'POST' && (bulk || req.url?.startsWith(SEND_PATH))) {
        // Only newsletters count (the editors' notice goes through here too), and each reader of
        // a SendBulkEmail as one send, as SES counts them against the rate.
        if (body.includes('"Value":"newsletter"')) {
          const readers = bulk ? (JSON.parse(body.toString('utf8')).BulkEmailEntries?.length ?? 0) : 1;
          for (let i = 0; i < readers; i++) arrivals.push(performance.timeOrigin + arrived);
          if (readers) bodies.push(body.length / readers);
        }
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
    port,
    take() {
      const out = arrivals;
      arrivals = [];
      return out;
    },
    bodyBytes() {
      const sorted = bodies.sort((a, b) => a - b);
      bodies = [];
      return sorted[Math.floor(sorted.length / 2)] ?? 0;
    },
    loopDelay() {
      // The histogram counts in nanoseconds, the timer's own resolution included.
      const out = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
      delay.reset();
      return out;
    },
    setQuota(q: ProxyQuota) {
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

const [target, latencyMs, jitterMs] = process.argv.slice(2);
const proxy = await serve({ target: target!, latencyMs: Number(latencyMs), jitterMs: Number(jitterMs) });
process.on('message', (m: ProxyRequest) => {
  if (m.kind === 'take') process.send!({ id: m.id, value: proxy.take() });
  else if (m.kind === 'body-bytes') process.send!({ id: m.id, value: proxy.bodyBytes() });
  else if (m.kind === 'loop-delay') process.send!({ id: m.id, value: proxy.loopDelay() });
  else if (m.kind === 'quota') {
    proxy.setQuota(m.quota);
    process.send!({ id: m.id, value: null });
  } else if (m.kind === 'close') void proxy.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, value: proxy.port });
