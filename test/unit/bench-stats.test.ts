/** The bench's helpers: statistics, flags and the printed table (no timing is asserted here). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { median, pairedRatios, quantile, summarize } from '../../bench/stats.ts';
import { parseBenchArgs, UsageError } from '../../bench/options.ts';
import { formatMs, formatRatio, formatTable } from '../../bench/format.ts';
import type { CaseResult } from '../../bench/runner.ts';

describe('bench stats', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the input order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates quantiles between neighbours (R-7)', () => {
    const v = [10, 20, 30, 40, 50];
    expect(quantile(v, 0)).toBe(10);
    expect(quantile(v, 1)).toBe(50);
    expect(quantile(v, 0.1)).toBeCloseTo(14, 10);
    expect(quantile(v, 0.9)).toBeCloseTo(46, 10);
    expect(quantile([1, 2], 0.25)).toBeCloseTo(1.25, 10);
  });

  it('leaves the input unsorted', () => {
    const v = [3, 1, 2];
    summarize(v);
    expect(v).toEqual([3, 1, 2]);
  });

  it('refuses no values, a quantile outside 0..1 and non-finite values', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], -0.1)).toThrow(RangeError);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(RangeError);
    expect(() => quantile([1, Number.POSITIVE_INFINITY], 0.5)).toThrow(RangeError);
  });

  // `x + 0` turns -0 into 0: Math.min and the sort disagree on which zero comes first.
  it('keeps min ≤ p10 ≤ median ≤ p90 ≤ max, all within the values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.double({ min: -1e9, max: 1e9, noNaN: true }).map((x) => x + 0),
          { minLength: 1, maxLength: 40 },
        ),
        (v) => {
          const s = summarize(v);
          expect(s.n).toBe(v.length);
          expect(s.min).toBe(Math.min(...v));
          expect(s.max).toBe(Math.max(...v));
          expect(s.min).toBeLessThanOrEqual(s.p10);
          expect(s.p10).toBeLessThanOrEqual(s.median);
          expect(s.median).toBeLessThanOrEqual(s.p90);
          expect(s.p90).toBeLessThanOrEqual(s.max);
        },
      ),
    );
  });

  it('pairs ratios round by round, baseline ÷ ours', () => {
    expect(pairedRatios([10, 30, 8], [5, 10, 16])).toEqual([2, 3, 0.5]);
    expect(() => pairedRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatios([1], [0])).toThrow(RangeError);
    expect(() => pairedRatios([-1], [1])).toThrow(RangeError);
  });
});

describe('bench flags', () => {
  it('has full sizes by default and small ones with --quick; explicit sizes win', () => {
    const full = parseBenchArgs([]);
    expect(full).toMatchObject({
      quick: false,
      recipients: 200,
      subscribers: 500,
      rounds: 5,
      warmup: 1,
      rateWarmup: 2,
    });
    expect(full.only).toEqual(['render', 'dispatch', 'validate', 'dynamo', 'bundles']);
    const quick = parseBenchArgs(['--quick']);
    expect(quick.quick).toBe(true);
    expect(quick.recipients).toBeLessThan(full.recipients);
    expect(quick.subscribers).toBeLessThan(full.subscribers);
    expect(quick.rounds).toBeLessThan(full.rounds);
    expect(quick.rateWarmup).toBe(0);
    expect(parseBenchArgs(['--rate-warmup', '0']).rateWarmup).toBe(0);
    expect(parseBenchArgs(['--quick', '--subscribers', '123', '--rounds=3'])).toMatchObject({
      subscribers: 123,
      rounds: 3,
    });
  });

  it('runs only the named cases, in the usual order', () => {
    expect(parseBenchArgs(['--only', 'validate,render']).only).toEqual(['render', 'validate']);
  });

  it.each([
    [['--subscribers', '0']],
    [['--rounds', '2.5']],
    [['--recipients', 'many']],
    [['--warmup', '-1']],
    [['--rate-warmup', 'two']],
    [['--only', 'render,fast']],
    [['--only', ',']],
    [['--turbo']],
    [['extra']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
  });
});

describe('bench table', () => {
  const result: CaseResult = {
    title: 'demo case',
    unit: 'send',
    items: 100,
    baseline: { label: 'slow way', ms: summarize([400, 200, 300]) },
    ours: { label: 'fast way', ms: summarize([100, 100, 100]) },
    ratio: summarize([4, 2, 3]),
    notes: ['a note'],
  };

  it('prints medians, the min–max spread, per-item cost, rate and the median ratio', () => {
    const text = formatTable([result]);
    expect(text).toContain('demo case  [100 sends × 3 rounds]');
    const base = text.split('\n').find((l) => l.includes('slow way'))!;
    expect(base).toMatch(/300 ms\s+200–400 ms\s+3\.00 ms\s+333$/);
    const ratio = text.split('\n').find((l) => l.trimStart().startsWith('ratio'))!;
    expect(ratio).toMatch(/3\.00×\s+2\.00×–4\.00×$/);
    expect(text).toContain('\n  a note');
  });

  it('picks a readable unit', () => {
    expect(formatMs(1234.4)).toBe('1,234 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1.234)).toBe('1.23 ms');
    expect(formatMs(0.1234)).toBe('123 µs');
    expect(formatMs(0.01234)).toBe('12.3 µs');
    expect(formatMs(0.0000123)).toBe('12 ns');
  });

  it('never rounds a small ratio to zero', () => {
    expect(formatRatio(86.84)).toBe('86.8×');
    expect(formatRatio(1.934)).toBe('1.93×');
    expect(formatRatio(0.2345)).toBe('0.23×');
    expect(formatRatio(0.003456)).toBe('0.0035×');
  });
});
