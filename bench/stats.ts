/**
 * Order statistics over repeated rounds. Rounds are few (5–10), so the spread is reported as
 * min–max and p10–p90 from linear interpolation between the sorted values (the R-7 rule of
 * spreadsheets and numpy), not as a standard deviation that assumes a normal shape.
 */

export interface Summary {
  n: number;
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of `values`, interpolating between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('quantile of a non-finite value');
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    min: quantile(values, 0),
    p10: quantile(values, 0.1),
    median: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    max: quantile(values, 1),
  };
}

/**
 * Per-round ratios baseline ÷ ours of paired measurements (same round, same work), so drift
 * of a shared machine between rounds cancels out of each ratio.
 */
export function pairedRatios(baseline: readonly number[], ours: readonly number[]): number[] {
  if (baseline.length !== ours.length)
    throw new RangeError('paired ratios need as many baseline as ours values');
  return baseline.map((b, i) => {
    const o = ours[i]!;
    if (!(o > 0) || !(b > 0)) throw new RangeError(`ratio of non-positive times (${b} / ${o})`);
    return b / o;
  });
}
