/**
 * A virtual clock for simulations that run the real sending code: time moves only when nothing
 * else can run. Every sleep (the pacer, back-off, modelled latencies of SES, DynamoDB and Lambda)
 * is a timer on this clock; `run()` drains the microtasks and the setImmediate queue, then jumps
 * to the earliest timer and wakes every sleeper due then, in the order they slept.
 *
 * Unlike test/helpers/virtual-clock.ts (where each sleep moves the clock by itself, enough for one
 * run), concurrent sleepers here share one timeline, so many workers and in-flight sends
 * interleave as they would in real time.
 *
 * A hand-written binary heap: a few lines, and the order (time, then sleep order) must be exact.
 */
import type { Clock } from '../functions/core/ports.ts';
import type { Sleeper } from '../functions/core/pacing.ts';

interface Timer {
  at: number;
  seq: number;
  wake: () => void;
}

export class VirtualScheduler implements Clock, Sleeper {
  private t: number;
  private seq = 0;
  private readonly heap: Timer[] = [];
  /** Distinct moments the clock jumped to (for the simulation's own cost). */
  advances = 0;

  constructor(private readonly start = Date.parse('2030-04-01T00:00:00.000Z')) {
    this.t = start;
  }

  now(): Date {
    return new Date(Math.floor(this.t));
  }

  /** Milliseconds since the start (fractional): the runs' stopwatch. */
  readonly stopwatch = (): number => this.t - this.start;

  sleep(ms: number): Promise<void> {
    const at = this.t + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    return new Promise<void>((wake) => this.push({ at, seq: this.seq++, wake }));
  }

  /** Timers not yet due. */
  get pending(): number {
    return this.heap.length;
  }

  /**
   * Runs `main` to its end on virtual time. Throws when `main` is still waiting but nothing can
   * run and no timer is set (it would wait forever).
   */
  async run<T>(main: () => Promise<T>): Promise<T> {
    const end: { settled?: { ok: true; value: T } | { ok: false; error: unknown } } = {};
    main().then(
      (value) => (end.settled = { ok: true, value }),
      (error: unknown) => (end.settled = { ok: false, error }),
    );
    for (;;) {
      // Everything that can run now runs first: microtasks, then the setImmediate queue
      // (a setImmediate callback's own microtasks run before the next check).
      await drain();
      const done = end.settled;
      if (done) {
        if (done.ok) return done.value;
        throw done.error;
      }
      const first = this.heap[0];
      if (!first) throw new Error('virtual scheduler: nothing can run and no timer is set');
      this.t = Math.max(this.t, first.at);
      this.advances++;
      while (this.heap[0] && this.heap[0].at <= this.t) this.pop().wake();
    }
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Resolves after every queued microtask and setImmediate callback (twice: one may queue another). */
async function drain(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}
