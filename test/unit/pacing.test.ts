import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SendPacer, TokenBucket, WINDOW_GUARD_MS } from '../../functions/core/pacing.ts';
import { backoffMs, runBudget } from '../../functions/core/run-limits.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';
import { busiest } from '../helpers/windows.ts';

/** Per send: the delay before it is planned, and how long the event loop then holds it. */
const SENDS = fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 })), {
  minLength: 1,
  maxLength: 150,
});

describe('TokenBucket', () => {
  it('spaces reservations made at the same instant by 1/rate', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(5, 1, clock);
    expect(Array.from({ length: 5 }, () => bucket.reserve())).toEqual([0, 200, 400, 600, 800]);
  });

  it('refills with time, never above its capacity', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(10, 3, clock, 0);
    expect(bucket.reserve()).toBe(100);
    clock.advance(60_000);
    // A long idle spell buys a burst of `capacity`, not of a minute's worth.
    expect(Array.from({ length: 5 }, () => bucket.reserve())).toEqual([0, 0, 0, 100, 200]);
  });

  it('keeps any sequence of takes within rate × elapsed + capacity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 200 }),
        async (rate, capacity, n) => {
          const clock = new VirtualClock();
          const start = clock.now().getTime();
          const bucket = new TokenBucket(rate, capacity, clock);
          for (let i = 0; i < n; i++) await bucket.take(clock);
          const elapsedS = (clock.now().getTime() - start) / 1000;
          expect(n).toBeLessThanOrEqual(rate * elapsedS + capacity + 1e-9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a rate or capacity that cannot work', () => {
    const clock = new VirtualClock();
    expect(() => new TokenBucket(0, 1, clock)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, clock)).toThrow(RangeError);
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter and stays under its cap', () => {
    expect(backoffMs(0, 200, 10_000, () => 0)).toBe(100);
    expect(backoffMs(0, 200, 10_000, () => 1)).toBe(200);
    expect(backoffMs(3, 200, 10_000, () => 1)).toBe(1600);
    expect(backoffMs(20, 200, 10_000, () => 1)).toBe(10_000);
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, r) => backoffMs(n, 200, 10_000, () => r) <= 10_000,
      ),
    );
  });
});

describe('runBudget', () => {
  it('keeps each dispatcher run well inside the Lambda timeout', () => {
    expect(runBudget(600_000, undefined)).toBe(600_000);
    expect(runBudget(600_000, 900_000)).toBe(600_000);
    expect(runBudget(600_000, 60_000)).toBe(48_000);
    expect(runBudget(600_000, 30_000)).toBe(20_000);
    expect(runBudget(600_000, 5_000)).toBe(0);
  });
});

/** What a mailer does with SendOptions.admit: ask, wait until told to ask again. */
async function admitted(gate: { admit: () => 0 | Promise<void> }): Promise<void> {
  for (let later = gate.admit(); later !== 0; later = gate.admit()) await later;
}

/**
 * Drives `sends` (SENDS) through a pacer at `rate`, each after its gap by `send`, which returns
 * once the send is written; the times they were written.
 */
async function writtenTimes(
  rate: number,
  sends: [number, number][],
  send: (pacer: SendPacer, clock: VirtualClock, held: number) => Promise<void>,
): Promise<number[]> {
  const clock = new VirtualClock();
  const pacer = new SendPacer(rate, clock);
  const written: number[] = [];
  for (const [gap, held] of sends) {
    clock.advance(gap);
    await send(pacer, clock, held);
    written.push(clock.now().getTime());
  }
  return written;
}

describe('SendPacer: what SES counts', () => {
  it('admits at the moment the mailer calls admit, not when the send was planned', async () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(2, clock);
    // Two sends planned at once, then held up before their requests (SDK work, a busy event loop).
    await pacer.wait(clock);
    await pacer.wait(clock);
    const planned = clock.now().getTime();
    clock.advance(700);
    const a = pacer.gate(clock);
    const b = pacer.gate(clock);
    await admitted(a);
    await admitted(b);
    // The window counts from the real starts (700 ms late), so a third waits a whole window after the first.
    const c = pacer.gate(clock);
    const before = clock.now().getTime();
    await admitted(c);
    expect(before - planned).toBe(700);
    expect(clock.now().getTime() - before).toBe(1000 + WINDOW_GUARD_MS);
  });

  it('counts a send whose mailer never called admit when it returns, so the window never forgets one', async () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(1, clock);
    pacer.gate(clock).done();
    expect(pacer.admit()).toBe(1000 + WINDOW_GUARD_MS);
    // A mailer that did call it is not counted twice.
    clock.advance(1000 + WINDOW_GUARD_MS);
    const g = pacer.gate(clock);
    await admitted(g);
    g.done();
    clock.advance(1000 + WINDOW_GUARD_MS);
    expect(pacer.admit()).toBe(0);
  });

  it('counts a send where the mailer says it was written, so a send held back after its admission keeps the window', async () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(2, clock);
    const first = pacer.gate(clock);
    await admitted(first);
    // The event loop holds the request 300 ms after its admission: it leaves then.
    clock.advance(300);
    first.written();
    const leftAt = clock.now().getTime();
    await admitted(pacer.gate(clock));
    // A third may start only a window after the first left, not after it was admitted.
    expect(pacer.admit()).toBe(leftAt + 1000 + WINDOW_GUARD_MS - clock.now().getTime());
    // Written before it was admitted (a mailer's slip) never moves a count earlier.
    const g = pacer.gate(clock);
    g.written();
    expect(pacer.admit()).toBe(1000 + WINDOW_GUARD_MS);
  });

  it('keeps the written requests within floor(rate) in any one-second window, however long each was held after admission', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), SENDS, async (rate, sends) => {
        // Held after its admission: the event loop writes it `held` ms later.
        const written = await writtenTimes(rate, sends, async (pacer, clock, held) => {
          await pacer.wait(clock);
          const g = pacer.gate(clock);
          await admitted(g);
          clock.advance(held);
          g.written();
          g.done();
        });
        expect(busiest(written, 1000)).toBeLessThanOrEqual(rate);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps arrivals within floor(rate) in any one-second window when each arrives up to the guard after its admission', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 1, max: 120, noNaN: true }),
        // Per send: the delay before it is planned, the delay between plan and request, the network's jitter.
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 300 }),
            fc.integer({ min: 0, max: 400 }),
            fc.double({ min: 0, max: WINDOW_GUARD_MS, noNaN: true }),
          ),
          { minLength: 1, maxLength: 200 },
        ),
        async (rate, sends) => {
          const clock = new VirtualClock();
          const pacer = new SendPacer(rate, clock);
          const arrivals: number[] = [];
          for (const [gap, held, jitter] of sends) {
            clock.advance(gap);
            await pacer.wait(clock);
            clock.advance(held);
            const g = pacer.gate(clock);
            await admitted(g);
            g.done();
            arrivals.push(clock.now().getTime() + jitter);
          }
          expect(busiest(arrivals, 1000)).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('SendPacer: the start of a run', () => {
  it('gives no catch-up burst for the time before its first send (the run preparing is no stall)', () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(100, clock);
    // The quota, the rendered output and the first claim: half a second before the first plan.
    clock.advance(500);
    // Spaced at the rate from the first send, not 25 at once (a quarter second of catch-up).
    expect(Array.from({ length: 4 }, () => pacer.reserve())).toEqual([0, 10, 20, 30]);
    // A stall later on is caught up, within the bucket's quarter second.
    clock.advance(1_000);
    const after = Array.from({ length: 30 }, () => pacer.reserve());
    expect(after.filter((w) => w <= 0).length).toBe(25);
  });
});

describe('SendPacer: one wake-up per send', () => {
  /** `n` sends one after another, each leaving its planned time `lag(i)` ms late; the admissions that had to wait again, and when each was written. */
  async function steady(rate: number, n: number, lag: (i: number) => number, slots: boolean) {
    const clock = new VirtualClock();
    const pacer = new SendPacer(rate, clock);
    let secondWaits = 0;
    const written: number[] = [];
    for (let i = 0; i < n; i++) {
      const slot = await pacer.wait(clock);
      clock.advance(lag(i));
      const g = pacer.gate(clock, slots ? slot : undefined);
      for (let later = g.admit(); later !== 0; later = g.admit()) {
        secondWaits++;
        await later;
      }
      g.written();
      g.done();
      written.push(clock.now().getTime());
    }
    return { secondWaits, written };
  }
  // A few ms between the planned time and the request, varying (timer, message, signature).
  const lag = (i: number) => (i * 7919) % 6;

  it('plans each send from when the send a window back was really counted, so its admission need not wait again', async () => {
    for (const rate of [13, 14, 99, 100]) {
      const without = await steady(rate, rate * 6, lag, false);
      const withSlots = await steady(rate, rate * 6, lag, true);
      // Planned from the plans alone, a send that left sooner after its plan than the one a window back waits twice.
      expect(without.secondWaits).toBeGreaterThan(rate);
      expect(withSlots.secondWaits).toBe(0);
      // The pace: a window per floor(rate) sends, each window later by at most the lag (the price of one wake-up per send).
      const windows = (rate * 6) / Math.floor(rate);
      expect(withSlots.written.at(-1)! - withSlots.written[0]!).toBeLessThanOrEqual(
        windows * (1000 + WINDOW_GUARD_MS + 5),
      );
      expect(busiest(withSlots.written, 1000)).toBeLessThanOrEqual(rate);
    }
  });

  it('keeps the written requests within floor(rate) in any one-second window with slots, however late each left its plan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), SENDS, async (rate, sends) => {
        // Left its plan `held` ms late, then admitted and written at once.
        const written = await writtenTimes(rate, sends, async (pacer, clock, held) => {
          const slot = await pacer.wait(clock);
          clock.advance(held);
          const g = pacer.gate(clock, slot);
          await admitted(g);
          g.written();
          g.done();
        });
        expect(busiest(written, 1000)).toBeLessThanOrEqual(rate);
      }),
      { numRuns: 60 },
    );
  });
});
