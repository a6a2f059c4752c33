/**
 * A loopback proxy in front of the SES emulator that makes it answer like SES over a network:
 * each SendEmail is held for `latencyMs ± jitterMs` (uniform) before it is forwarded, and the
 * time it arrived is recorded, so the bench can see the rate the dispatcher really achieved
 * and the busiest one-second window. GetAccount is answered here with the quota under test
 * (the emulator's own answer is fixed at its start). Everything else is passed through.
 *
 * The server runs in a process of its own (latency-proxy-server.ts), at real-time priority where
 * the OS allows (ProxyPriority): the arrival stamps are the measurement, and another process's
 * work must not delay them.
 */
import { execFileSync, fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface ProxyQuota {
  maxSendRate: number;
  max24HourSend: number;
}

/** What the bench asks the proxy's process; each request carries an id its answer repeats. */
export type ProxyAsk =
  | { kind: 'take' }
  | { kind: 'body-bytes' }
  | { kind: 'loop-delay' }
  | { kind: 'quota'; quota: ProxyQuota }
  | { kind: 'close' };
export type ProxyRequest = ProxyAsk & { id: number };

export interface LatencyProxy {
  url: string;
  /** Arrival times (epoch ms) of newsletter SendEmail calls since the last `take()`. */
  take(): Promise<number[]>;
  /** The median request bytes per reader of those calls, since the last `take()`: whole parts, template sends or bulk entries. */
  bodyBytes(): Promise<number>;
  /**
   * How late the proxy's event loop ran since the last `take()` (ms, 99th percentile and
   * most): an arrival is stamped when the loop gets to it, so a late loop stamps several together.
   */
  loopDelay(): Promise<{ p99: number; max: number }>;
  setQuota(q: ProxyQuota): Promise<void>;
  /** The priority the proxy's process runs at (the OS may refuse a raised one). */
  raised: ProxyPriority;
  close(): Promise<void>;
}

/**
 * 'real-time': SCHED_FIFO (`chrt`), so a request that reaches the socket wakes the proxy at once,
 * ahead of the emulators and the dispatcher on the two shared cores, as SES's own front end,
 * on machines of its own, never waits for ours. At nice -10, from a request's creation to its
 * stamp took up to 9–17 ms at 100/s and 30 ms at 500/s (part of it the proxy's wait for a core);
 * at real-time priority, from its write to its stamp at most ~2 ms.
 */
export type ProxyPriority = 'real-time' | 'raised' | 'normal';

function raise(pid: number): ProxyPriority {
  try {
    execFileSync('chrt', ['--fifo', '--all-tasks', '--pid', '20', String(pid)], { stdio: 'ignore' });
    return 'real-time';
  } catch {
    // No chrt, or not allowed without CAP_SYS_NICE: a raised nice level, or the normal one.
  }
  try {
    setPriority(pid, -10);
    return 'raised';
  } catch {
    return 'normal';
  }
}

export async function startLatencyProxy(opts: {
  target: string;
  latencyMs: number;
  jitterMs: number;
}): Promise<LatencyProxy> {
  const script = fileURLToPath(new URL('./latency-proxy-server.ts', import.meta.url));
  const child = fork(script, [opts.target, String(opts.latencyMs), String(opts.jitterMs)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const raised = raise(child.pid!);
  const waiting = new Map<number, (value: unknown) => void>();
  let next = 1;
  child.on('message', (m: { id: number; value: unknown }) => {
    waiting.get(m.id)?.(m.value);
    waiting.delete(m.id);
  });
  const port = await new Promise<number>((resolve, reject) => {
    waiting.set(0, (v) => resolve(v as number));
    child.once('exit', (code) => reject(new Error(`latency proxy exited (${code}) before it listened`)));
  });
  const ask = <T>(m: ProxyAsk) =>
    new Promise<T>((resolve) => {
      const id = next++;
      waiting.set(id, (v) => resolve(v as T));
      child.send({ ...m, id });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    raised,
    take: () => ask<number[]>({ kind: 'take' }),
    bodyBytes: () => ask<number>({ kind: 'body-bytes' }),
    loopDelay: () => ask<{ p99: number; max: number }>({ kind: 'loop-delay' }),
    setQuota: (quota) => ask<void>({ kind: 'quota', quota }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ id: next++, kind: 'close' });
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

/** The most of `times` in a one-second window [t, t + 1000) that holds `moment`. */
export function busiestAcross(times: readonly number[], moment: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (const start of t.filter((x) => x <= moment && x > moment - 1000)) {
    best = Math.max(best, t.filter((x) => x >= start && x < start + 1000).length);
  }
  return best;
}
