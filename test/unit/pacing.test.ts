import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffMs, runBudget, TokenBucket } from '../../functions/core/pacing.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';

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
