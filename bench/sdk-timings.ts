/**
 * Counts AWS calls and their latency by command on the shared clients of
 * functions/adapters/aws/*.ts (a middleware on an SDK client, the methods of a lean one wrapped
 * in place) — so the real dispatch handler can be measured as is. Retries are inside.
 */
import { performance } from 'node:perf_hooks';

export interface CallStat {
  calls: number;
  ms: number;
}

export type CallTally = Map<string, CallStat>;

interface StackLike {
  add(
    middleware: (
      next: (args: never) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: never) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

export class SdkTimings {
  private tally: CallTally = new Map();
  /** Calls in flight right now, and since when at least one has been. */
  private inFlight = 0;
  private busySince = 0;
  private busy = 0;

  /** Attaches to a client's middleware stack (once per client). */
  attach(client: { middlewareStack: unknown }): void {
    (client.middlewareStack as StackLike).add(
      (next, context) => (args) =>
        this.time((context.commandName ?? 'unknown').replace(/Command$/, ''), () => next(args)),
      { step: 'initialize', name: 'kawarabanBenchTimings', priority: 'high' },
    );
  }

  /**
   * Attaches to a lean client (functions/adapters/aws/lean), a plain object with one method per
   * operation (`getObject` counts as GetObject): its methods are wrapped in place, once per client,
   * so the module's shared client is measured wherever the handler uses it. Retries are inside.
   */
  attachPort(port: object): void {
    const methods = port as Record<string, unknown>;
    for (const [key, method] of Object.entries(methods)) {
      if (typeof method !== 'function') continue;
      const name = key[0]!.toUpperCase() + key.slice(1);
      methods[key] = (...args: unknown[]) =>
        this.time(name, () => method.apply(port, args) as Promise<unknown>);
    }
  }

  private async time<T>(name: string, call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    if (this.inFlight++ === 0) this.busySince = start;
    try {
      return await call();
    } finally {
      const end = performance.now();
      if (--this.inFlight === 0) this.busy += end - this.busySince;
      const s = this.tally.get(name) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += end - start;
      this.tally.set(name, s);
    }
  }

  /** The calls since the last take, and a fresh start. */
  take(): CallTally {
    const t = this.tally;
    this.tally = new Map();
    return t;
  }

  /**
   * Wall time since the last call during which at least one SDK call was in flight (calls
   * still in flight count up to now), and a fresh start: the rest of a run's wall time is
   * spent outside the SDK.
   */
  takeBusyMs(): number {
    const now = performance.now();
    const busy = this.busy + (this.inFlight > 0 ? now - this.busySince : 0);
    this.busy = 0;
    if (this.inFlight > 0) this.busySince = now;
    return busy;
  }
}

export function mergeTallies(tallies: readonly CallTally[]): CallTally {
  const out: CallTally = new Map();
  for (const t of tallies) {
    for (const [name, s] of t) {
      const acc = out.get(name) ?? { calls: 0, ms: 0 };
      acc.calls += s.calls;
      acc.ms += s.ms;
      out.set(name, acc);
    }
  }
  return out;
}

/** "SendEmail 1.00 × 4.1 ms · TransactWriteItems 1.00 × 9.8 ms …", busiest first (calls per item × mean latency). */
export function describeTally(t: CallTally, items: number, formatMs: (ms: number) => string): string {
  return [...t]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([name, s]) => `${name} ${(s.calls / items).toFixed(2)} × ${formatMs(s.ms / s.calls)}`)
    .join(' · ');
}
