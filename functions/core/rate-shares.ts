/**
 * How parallel workers split the account's rate. Each worker paces its own share, in whole sends
 * per second that add up to floor(total), so their one-second windows together stay within it.
 *
 * - Equal shares (`rateShare`), or
 * - shares in proportion to each part's readers (`weightedShare`), so that a bigger part does
 *   not finish last alone while the others' shares sit unused: the parts end together. The
 *   readers are counted per shard when the report is split (`partWeights`).
 *
 * Both only ever grow with the total, for every worker (a divisor method has no "Alabama
 * paradox"): when the quota or the confirmations' reserve moves, all shares move the same way,
 * which is what keeps the hand-over between runs within the rate (hand-over.ts).
 *
 * A part that finished early leaves its share to the others (`freedParts`), once a window has
 * passed since its finish (its last send started before it): no window then holds both its
 * sends and the others' bigger shares. Leaving a part out of a divisor method only ever gives the
 * others more (the awards among them come in the same order, with more to award), so every
 * share still only grows and the shares still add up to the total.
 */
import { SHARD_COUNT } from './subscriber.ts';

/** Shards [from, to) of part k of n: contiguous ranges, as even as whole shards allow. */
export function partShards(k: number, n: number): { from: number; to: number } {
  return { from: Math.floor((k * SHARD_COUNT) / n), to: Math.floor(((k + 1) * SHARD_COUNT) / n) };
}

/** The readers of each of `n` parts, from the readers of each shard. */
export function partWeights(byShard: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, k) => {
    const { from, to } = partShards(k, n);
    return byShard.slice(from, to).reduce((a, b) => a + b, 0);
  });
}

/**
 * Worker `index` of `share`'s rate: whole sends per second that add up to floor(total), so the
 * workers' one-second windows together stay within it; a fraction only below one each.
 */
export function rateShare(total: number, share: number, index: number): number {
  if (share <= 1) return total;
  const whole = Math.floor(total);
  if (whole < share) return total / share;
  return Math.floor(whole / share) + (index < whole % share ? 1 : 0);
}

/**
 * Worker `index`'s share when the parts weigh `weights` (readers): floor(total) whole sends per
 * second by Adams' divisor method — every part gets one first (an empty part's worker still
 * finishes), then each next one goes to the part with the most readers per send it has
 * (ties to the lower index). Below one send per second per part: equal fractions, as `rateShare`.
 */
export function weightedShare(
  total: number,
  weights: readonly number[],
  index: number,
  /** Parts whose share went to the others (freedParts): left out. */
  freed: ReadonlySet<number> = new Set(),
): number {
  const open = weights.map((_, k) => k).filter((k) => !freed.has(k) || k === index);
  const n = open.length;
  const whole = Math.floor(total);
  if (n <= 1) return total;
  if (whole < n) return total / n;
  const w: number[] = open.map((k) => weights[k]!).map((x) => (Number.isFinite(x) && x > 0 ? x : 0));
  // Equal weights give what rateShare gives (one more each to the lower indices first).
  if (!w.some((x) => x > 0)) w.fill(1);
  const seats = Array<number>(n).fill(1);
  for (let given = n; given < whole; given++) {
    let best = 0;
    for (let k = 1; k < n; k++) if (w[k]! / seats[k]! > w[best]! / seats[best]!) best = k;
    seats[best]!++;
  }
  return seats[open.indexOf(index)]!;
}

/**
 * The parts whose share the others may take up at `now` (epoch ms): finished a window ago,
 * counted on the finishing worker's clock moved `skewMs` later, twice (hand-over.ts's margin).
 */
export function freedParts(
  finished: readonly { part: number; at: string }[] | undefined,
  now: number,
  windowMs: number,
  skewMs: number,
): Set<number> {
  const out = new Set<number>();
  for (const f of finished ?? []) {
    const at = Date.parse(f.at);
    if (Number.isInteger(f.part) && Number.isFinite(at) && at + 2 * skewMs + windowMs <= now) out.add(f.part);
  }
  return out;
}
