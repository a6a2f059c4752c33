/**
 * The audience shape of a send-rate case. The dispatcher pays per page of the audience (a Query,
 * a read of the report for the guard and the lease, a checkpoint), and pages are per shard: the
 * bench's few readers spread over 16 shards make pages of 3–12 rows, where a list large enough for
 * its sending rate to matter has pages of 100. So each low-rate case runs twice:
 *
 * - `spread`: addresses as readers have them, each in the shard its hash gives (what the bench
 *   always measured: a small list's shape);
 * - `full-pages`: the same number of readers, chosen so that shards fill one after another with a
 *   page each (100 in the first shards, the rest in the last): a large list's steady state, in
 *   miniature. Where the spread shape already fills its pages, only it runs.
 */
import { randomBytes } from 'node:crypto';
import { SHARD_COUNT, shardOf } from '../functions/core/subscriber.ts';

export type AudienceShape = 'spread' | 'full-pages';

/** The dispatcher's page size (DispatchSettings.pageSize's default). */
export const PAGE_ROWS = 100;

/** The shapes worth measuring for `readers`: both while the spread shape leaves its pages short. */
export function shapesFor(readers: number, pageRows = PAGE_ROWS): AudienceShape[] {
  return readers / SHARD_COUNT < pageRows ? ['spread', 'full-pages'] : ['spread'];
}

/** `n` addresses that fill whole shards in turn, `pageRows` each (the last takes the rest). */
export function fullPageEmails(
  n: number,
  pageRows = PAGE_ROWS,
  tag = randomBytes(3).toString('hex'),
): string[] {
  if (n > pageRows * SHARD_COUNT) throw new RangeError(`${n} readers do not fit ${SHARD_COUNT} pages`);
  const need = Array.from({ length: SHARD_COUNT }, (_, s) =>
    Math.max(0, Math.min(pageRows, n - s * pageRows)),
  );
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const email = `reader${i}-${tag}@bench.example.com`;
    const s = shardOf(email);
    if (need[s]! > 0) {
      need[s]!--;
      out.push(email);
    }
  }
  return out;
}

/** How the readers lie over the shards: "16 shards, 3–12 each". */
export function describeShape(emails: readonly string[]): string {
  const per = new Map<number, number>();
  for (const e of emails) {
    const s = shardOf(e);
    per.set(s, (per.get(s) ?? 0) + 1);
  }
  const counts = [...per.values()];
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  return `${per.size} shard${per.size === 1 ? '' : 's'}, ${lo === hi ? lo : `${lo}–${hi}`} each`;
}
