/** When a run claims more rows: early enough to cover the claim's own latency, never past the crash bound. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InFlightWindow } from '../../functions/core/in-flight.ts';

describe('InFlightWindow: claims', () => {
  it('starts a claim earlier when claims are slow, so the sends do not run dry while it is written', () => {
    const w = new InFlightWindow(125, 64, 80);
    const fast = w.claimAt;
    for (let i = 0; i < 20; i++) w.observeClaim(200);
    // 125/s for 200 ms (+ a quarter) is 32 sends: claim when that many are left, fill beyond.
    expect(fast).toBeLessThan(w.claimAt);
    expect(w.claimAt).toBe(32);
    expect(w.fillTo).toBe(64);
  });

  it('never claims at more than half the crash bound nor fills past it, and always has room for one', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 2000, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 5000, noNaN: true }), fc.boolean()), { maxLength: 30 }),
        (rate, max, observed) => {
          const w = new InFlightWindow(rate, max);
          for (const [ms, claim] of observed) {
            if (claim) w.observeClaim(ms);
            else w.observe(ms);
          }
          expect(w.claimBound).toBe(max);
          expect(w.claimAt).toBeLessThanOrEqual(Math.floor(max / 2));
          expect(w.fillTo).toBeLessThanOrEqual(max);
          expect(w.fillTo).toBeGreaterThan(w.claimAt);
        },
      ),
    );
  });

  it('fills a slow run a second ahead, so it writes a claim transaction per second, not per few rows', () => {
    const w = new InFlightWindow(14, 100, 80, 0.1, 20);
    // 14/s with 80 ms answers keeps 3 in flight; half a second would be 7 rows a claim.
    expect(w.target).toBe(3);
    expect(w.fillTo).toBe(14);
    // …within the crash bound, and no more than one transaction holds (with its marks and gate).
    expect(new InFlightWindow(14, 10, 80, 0.1, 20).fillTo).toBe(10);
    expect(new InFlightWindow(50, 100, 80, 0.1, 20).fillTo).toBe(33);
  });

  it('ignores observations that are not times', () => {
    const w = new InFlightWindow(100, 32);
    const before = w.claimAt;
    w.observeClaim(Number.NaN);
    w.observeClaim(-5);
    expect(w.claimAt).toBe(before);
  });
});
