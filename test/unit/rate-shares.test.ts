/** How parallel workers split the rate (functions/core/rate-shares.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  freedParts,
  partShards,
  partWeights,
  rateShare,
  weightedShare,
} from '../../functions/core/rate-shares.ts';

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

describe("a finished part's share (freed)", () => {
  it('goes to the parts still sending, in proportion to their readers', () => {
    expect(weightedShare(14, [1, 1], 0, new Set([1]))).toBe(14);
    expect([0, 1].map((k) => weightedShare(500, [10, 30, 60], k, new Set([2])))).toEqual([125, 375]);
    // Nothing counted (equal weights): the freed share splits as rateShare would among the rest.
    expect([0, 1, 3].map((k) => weightedShare(13, [0, 0, 0, 0], k, new Set([2])))).toEqual([5, 4, 4]);
  });

  it('only ever grows each remaining share, and the remaining shares add up to floor(total) (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 2, maxLength: 16 }),
        fc.double({ min: 1, max: 2_000, noNaN: true }),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        (weights, total, done) => {
          const freed = new Set(weights.map((_, k) => k).filter((k) => done[k]));
          const open = weights.map((_, k) => k).filter((k) => !freed.has(k));
          fc.pre(open.length > 0);
          const before = weights.map((_, k) => weightedShare(total, weights, k));
          const after = open.map((k) => weightedShare(total, weights, k, freed));
          for (const [i, k] of open.entries()) expect(after[i]!).toBeGreaterThanOrEqual(before[k]!);
          // One left: the whole total, as a single dispatcher has it; else whole sends (or fractions below one each).
          if (open.length === 1) expect(after[0]).toBe(total);
          else if (Math.floor(total) >= open.length) expect(sum(after)).toBe(Math.floor(total));
          else expect(sum(after)).toBeCloseTo(total, 9);
          // And step by step: freeing one more part never takes from anyone still sending.
          for (const k of open) {
            const more = new Set([...freed, k]);
            for (const j of open.filter((j) => j !== k))
              expect(weightedShare(total, weights, j, more)).toBeGreaterThanOrEqual(
                weightedShare(total, weights, j, freed),
              );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('freedParts: a window and twice the skew after the finish, on the finishing clock; nonsense left out', () => {
    const at = Date.parse('2030-04-01T00:00:10.000Z');
    const finished = [
      { part: 1, at: '2030-04-01T00:00:10.000Z' },
      { part: 2, at: 'yesterday' },
      { part: 1.5, at: '2030-04-01T00:00:00.000Z' },
    ];
    expect(freedParts(finished, at + 1010 + 99, 1010, 50)).toEqual(new Set());
    expect(freedParts(finished, at + 1010 + 100, 1010, 50)).toEqual(new Set([1]));
    expect(freedParts(undefined, at, 1010, 50)).toEqual(new Set());
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
