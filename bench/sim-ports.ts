/**
 * The simulation's ports on the virtual clock (send-rate-sim.ts): a seeded random source, a
 * wrapper that makes each call of a port take its latency, and SES (admission as the real mailer
 * asks it, the answer after SES's latency, throttling over MaxSendRate), with the busiest second.
 */
import type { Mailer, OutgoingEmail, SendOptions } from '../functions/core/ports.ts';
import type { Range } from './sim-latencies.ts';
import type { VirtualScheduler } from './virtual-scheduler.ts';

/** mulberry32: the same latencies every run for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each listed method of `target` takes a latency drawn from its range: half before its effect, half after. */
export function timed<T extends object>(
  target: T,
  sched: VirtualScheduler,
  pick: (r: Range) => number,
  ranges: Partial<Record<keyof T, Range>>,
): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const range = ranges[key as keyof T];
      if (!range) return value.bind(obj);
      return async (...args: unknown[]) => {
        const ms = pick(range);
        await sched.sleep(ms / 2);
        const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        await sched.sleep(ms / 2);
        return out;
      };
    },
  });
}

/** SES on the virtual clock: admission as the real mailer asks it, then the latency; throttles over the rate. */
export class SimMailer implements Mailer {
  private times = new Float64Array(1 << 16);
  count = 0;
  throttled = 0;
  /** Index of the oldest admission inside the current one-second window. */
  private windowStart = 0;
  constructor(
    private readonly sched: VirtualScheduler,
    private readonly latency: () => number,
    private readonly maxSendRate: number,
  ) {}

  async send(_m: OutgoingEmail, opts?: SendOptions): Promise<{ messageId: string }> {
    if (opts?.admit) for (let w = opts.admit(); w !== 0; w = opts.admit()) await w;
    const at = this.sched.stopwatch();
    this.record(at);
    while (this.times[this.windowStart]! <= at - 1000) this.windowStart++;
    const over = this.count - this.windowStart > Math.floor(this.maxSendRate);
    await this.sched.sleep(this.latency());
    if (over) {
      this.throttled++;
      throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    }
    return { messageId: `sim-${this.count}` };
  }

  private record(at: number): void {
    if (this.count === this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.count++] = at;
  }

  /** Admission times, in order. */
  get admissions(): Float64Array {
    return this.times.subarray(0, this.count);
  }
}

/** The most admissions in any window [t, t + 1 s). */
export function busiestSecond(times: ArrayLike<number>): number {
  let best = 0;
  let from = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i]! - times[from]! >= 1000) from++;
    best = Math.max(best, i - from + 1);
  }
  return best;
}
