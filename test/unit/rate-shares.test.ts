/** How parallel workers split the rate (functions/core/rate-shares.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partShards, partWeights, rateShare, weightedShare } from '../../functions/core/rate-shares.ts';

const shares = (total: number, weights: readonly number[]) =>
  weights.map((_, k) => weightedShare(total, weights, k));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('weightedShare', () => {
  it('follows the readers: a part with three times the readers gets about three times the rate', () => {
    expect(shares(14, [36, 12])).toEqual([10, 4]);
    expect(shares(500, [1040, 1000, 990, 970])).toEqual([130, 125, 124, 121]);
    // Even parts: the same as the equal split.
    expect(shares(13, [5, 5, 5, 5])).toEqual([0, 1, 2, 3].map((k) => rateShare(13, 4, k)));
  });

  it('gives an empty part one send a second (its worker still finishes), and equal shares when nothing was counted', () => {
    expect(shares(14, [40, 0])).toEqual([13, 1]);
    expect(shares(14, [0, 0])).toEqual([7, 7]);
    expect(shares(14, [Number.NaN, -3, 10])).toEqual([1, 1, 12]);
  });

  it('below one send a second per part: equal fractions, as rateShare', () => {
    expect(shares(3, [10, 1, 1, 1])).toEqual([0.75, 0.75, 0.75, 0.75]);
    expect(weightedShare(14.5, [7], 0)).toBe(14.5);
  });

  it('adds up to floor(total), never below one each, and only grows with the total for every part', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 2, maxLength: 16 }),
        fc.integer({ min: 16, max: 2_000 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (weights, whole, fraction) => {
          const total = whole + fraction;
          const now = shares(total, weights);
          expect(sum(now)).toBe(whole);
          for (const s of now) expect(s).toBeGreaterThanOrEqual(1);
          // No "Alabama paradox": one more send a second takes nothing from anyone.
          const more = shares(total + 1, weights);
          for (const [k, s] of more.entries()) expect(s).toBeGreaterThanOrEqual(now[k]!);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every part within as many sends a second as there are parts of its exact proportion', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1_000, max: 100_000 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 100, max: 2_000 }),
        (weights, whole) => {
          const exact = weights.map((w) => (whole * w) / sum(weights));
          for (const [k, s] of shares(whole, weights).entries())
            expect(Math.abs(s - exact[k]!)).toBeLessThan(weights.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('partWeights', () => {
  it("adds up each part's shards, the same ranges the parts send", () => {
    const byShard = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(partWeights(byShard, 4)).toEqual([10, 26, 42, 58]);
    expect(sum(partWeights(byShard, 3))).toBe(sum(byShard));
    for (const n of [1, 2, 3, 5, 8, 16]) {
      const w = partWeights(byShard, n);
      w.forEach((x, k) => {
        const { from, to } = partShards(k, n);
        expect(x).toBe(sum(byShard.slice(from, to)));
      });
    }
  });
});
