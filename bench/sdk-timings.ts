/**
 * Counts AWS SDK calls and their latency by command, through a middleware on the shared
 * clients of functions/adapters/clients.ts — so the real dispatch handler can be measured as is,
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
    middleware: (next: (args: never) => Promise<unknown>, context: { commandName?: string }) => (args: never) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

export class SdkTimings {
  private tally: CallTally = new Map();

  /** Attaches to a client's middleware stack (once per client). */
  attach(client: { middlewareStack: unknown }): void {
    (client.middlewareStack as StackLike).add(
      (next, context) => async (args) => {
        const start = performance.now();
        try {
          return await next(args);
        } finally {
          const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
          const s = this.tally.get(name) ?? { calls: 0, ms: 0 };
          s.calls++;
          s.ms += performance.now() - start;
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
