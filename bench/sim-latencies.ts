/**
 * The latencies the send-rate simulation models (send-rate-sim.ts), and `--sim-latencies`'s
 * parser: kept apart so the bench's option parser reads them without loading the simulation.
 */

/** [lowest, highest] ms, uniform. */
export type Range = readonly [number, number];

export interface SimLatencies {
  /** SendEmail, request to answer. */
  ses: Range;
  /** DynamoDB TransactWriteItems (a claim of up to 32 rows with their checks and marks; a checkpoint). */
  transact: Range;
  /** DynamoDB UpdateItem / PutItem (lease, release, mark failed). */
  write: Range;
  /** DynamoDB GetItem (the report, a stop gate, a ledger row). */
  read: Range;
  /** DynamoDB Query (a page of 100 from the byStatus index). */
  query: Range;
  /** S3 GetObject (the rendered output), SES GetAccount. */
  fetch: Range;
  /** Lambda Invoke with InvocationType Event: until it returns. */
  invoke: Range;
  /** From an invocation queued to its handler running (queueing, init, secret read). */
  startMs: number;
}

export const LATENCY_NAMES: Record<keyof SimLatencies, string> = {
  ses: 'SendEmail',
  transact: 'TransactWriteItems',
  write: 'UpdateItem',
  read: 'GetItem',
  query: 'Query',
  fetch: 'S3 GetObject / GetAccount',
  invoke: 'Lambda async invoke',
  startMs: 'run start (queued → handler)',
};

/** `ses=40-120,transact=15-35,start=500`: the keys of SimLatencies (start for startMs), ranges in ms. */
export function parseLatencies(text: string | undefined): Partial<SimLatencies> {
  const out: Record<string, unknown> = {};
  const names = Object.keys(LATENCY_NAMES).map((k) => (k === 'startMs' ? 'start' : k));
  for (const part of (text ?? '').split(',').filter((p) => p.trim())) {
    const m = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*$/.exec(part);
    if (!m || !names.includes(m[1]!))
      throw new RangeError(
        `--sim-latencies: "${part}" is not <name>=<ms> or <name>=<low>-<high>, with a name among ${names.join(', ')}`,
      );
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (m[1] === 'start') {
      if (m[3] !== undefined) throw new RangeError(`--sim-latencies: ${part}: start is one number of ms`);
      out.startMs = lo;
    } else {
      if (hi < lo) throw new RangeError(`--sim-latencies: ${part}: the range runs from low to high`);
      out[m[1]!] = [lo, hi] as Range;
    }
  }
  return out as Partial<SimLatencies>;
}
