/**
 * Counts AWS SDK calls and their latency by command, through a middleware on the shared
 * clients of functions/adapters/aws/*.ts — so the real dispatch handler can be measured as is,
 * without wrapping its ports. The middleware sits at the initialize step: retries are inside.
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
      (next, context) => async (args) => {
        const start = performance.now();
        if (this.inFlight++ === 0) this.busySince = start;
        try {
          return await next(args);
        } finally {
          const end = performance.now();
          if (--this.inFlight === 0) this.busy += end - this.busySince;
          const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
          const s = this.tally.get(name) ?? { calls: 0, ms: 0 };
          s.calls++;
          s.ms += end - start;
          this.tally.set(name, s);
        }
      },
      { step: 'initialize', name: 'kawarabanBenchTimings', priority: 'high' },
    );
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
