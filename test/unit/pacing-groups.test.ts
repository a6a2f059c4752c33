/**
 * The pacer with groups (functions/core/pacing.ts, `k`): one request that carries k sends, as a
 * SendBulkEmail carries k readers, is planned, admitted and counted as k sends at once, so the
 * one-second window holds whatever mix of group sizes goes out, and full groups leave one window
 * apart (not a window after the last of k spread-out slots).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SendPacer, WINDOW_GUARD_MS } from '../../functions/core/pacing.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';
import { busiest } from '../helpers/windows.ts';

/** Asks until admitted; how many times it was told to wait (0: the plan had it right, one wake-up). */
async function admitted(gate: { admit: () => 0 | Promise<void> }): Promise<number> {
  let waits = 0;
  for (let later = gate.admit(); later !== 0; later = gate.admit()) {
    waits++;
    await later;
  }
  return waits;
}

/**
 * Sends groups of the given sizes, each after its gap, held after its plan, and held again after
 * its admission before its request is written; every send's written time.
 */
async function groups(rate: number, plan: [number, number, number, number?][]) {
  const clock = new VirtualClock();
  const pacer = new SendPacer(rate, clock);
  const written: number[] = [];
  let secondWaits = 0;
  for (const [size, gap, held, writtenAfter = 0] of plan) {
    const k = Math.min(size, pacer.groupLimit);
    clock.advance(gap);
    const slot = await pacer.wait(clock, k);
    clock.advance(held);
    const g = pacer.gate(clock, slot, k);
    secondWaits += await admitted(g);
    clock.advance(writtenAfter);
    g.written();
    g.done();
    for (let i = 0; i < k; i++) written.push(clock.now().getTime());
  }
  return Object.assign(written, { secondWaits });
}

describe('SendPacer with groups', () => {
  it('keeps every one-second window within floor(rate), whatever the group sizes and delays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 120 }),
            fc.integer({ min: 0, max: 300 }),
            fc.integer({ min: 0, max: 400 }),
            fc.integer({ min: 0, max: 400 }),
          ),
          { minLength: 1, maxLength: 80 },
        ),
        async (rate, plan) => {
          const written = await groups(rate, plan);
          expect(busiest(written, 1000)).toBeLessThanOrEqual(rate);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('sends full groups one window apart: at 14/s, 13 readers every 1.01 s', async () => {
    const written = await groups(
      14,
      Array.from({ length: 10 }, () => [13, 0, 0] as [number, number, number]),
    );
    const starts = written.filter((_, i) => i % 13 === 0);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(new Set(gaps)).toEqual(new Set([1000 + WINDOW_GUARD_MS]));
    // Planned a window apart, so no admission waits again: one wake-up per group.
    expect(written.secondWaits).toBe(0);
    // 13 of 14 a second: the rate this account's pacer keeps with one reader a request too.
    expect(written.length / ((written.at(-1)! - written[0]! + 1000 + WINDOW_GUARD_MS) / 1000)).toBeCloseTo(
      12.87,
      1,
    );
  });

  it('mixes groups and single sends within the window', async () => {
    const written = await groups(10, [
      [6, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
      [4, 0, 0],
      [1, 0, 0],
    ]);
    expect(busiest(written, 1000)).toBeLessThanOrEqual(10);
  });

  it('admits a group only when the window has room for all of it, and counts all of it', () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(14, clock);
    expect(pacer.admit(10)).toBe(0);
    clock.advance(100);
    // 10 + 5 would pass 14 in the window: wait until the 10 are a window old; 4 fit now.
    expect(pacer.admit(5)).toBe(1000 + WINDOW_GUARD_MS - 100);
    expect(pacer.admit(4)).toBe(0);
    expect(pacer.admit(1)).toBe(1000 + WINDOW_GUARD_MS - 100);
  });

  it('moves all of a group to when its request was written', async () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(14, clock);
    const g = pacer.gate(clock, undefined, 7);
    await admitted(g);
    clock.advance(300);
    g.written();
    // All 7 count from the write: 7 more fit at once, the 15th waits a window from the write.
    expect(pacer.admit(7)).toBe(0);
    expect(pacer.admit(1)).toBe(1000 + WINDOW_GUARD_MS);
  });

  it('refuses a group bigger than the window holds, or not a whole number', () => {
    const pacer = new SendPacer(14, new VirtualClock());
    expect(pacer.groupLimit).toBe(14);
    expect(() => pacer.reserve(15)).toThrow(RangeError);
    expect(() => pacer.admit(0)).toThrow(RangeError);
    expect(() => pacer.gate(new VirtualClock(), undefined, 1.5)).toThrow(RangeError);
  });
});
