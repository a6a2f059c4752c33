/**
 * Import: readers who opted in at another tool become confirmed subscribers, without anyone
 * being resurrected or downgraded (the rules are in functions/core/import-decision.ts).
 * The rows come already validated, all of them: a list with any problem never gets here.
 *
 * 1. Take the rows in chunks; look up each chunk's addresses at once: the row, a tombstone,
 *    the mailbox's bounce/complaint mark.
 * 2. Decide per address (decideImport).
 * 3. Write only `imported` and `confirmed-pending`, each conditional on what was read and on no
 *    tombstone or mark having appeared since; a bounded number of chunks and writes in flight.
 * 4. A write whose condition failed lost a race (a sign-up, an unsubscribe, an erasure, a
 *    bounce): read that address again and decide again. An unsubscribe always wins.
 * A dry run stops after step 2. A storage error stops the import; what was done is kept and
 * reported, and running the same import again is harmless.
 */
import type { Clock } from '../ports.ts';
import type { ConsentEvidence, Subscriber } from '../subscriber.ts';
import {
  decideImport,
  importedConsent,
  importedSubscriber,
  type ImportOutcome,
  type ImportState,
} from '../import-decision.ts';
import type { ImportRow } from '../import-rules.ts';

export interface ImportStore {
  /** What the table knows about each address (consistent reads); every address is in the map. */
  lookup(emails: string[]): Promise<Map<string, ImportState>>;
  /** Puts the row unless the address has a row, a tombstone or a mailbox mark; false when it has. */
  createConfirmed(subscriber: Subscriber): Promise<boolean>;
  /**
   * Confirms a pending row with the imported consent, if it is still exactly as read (id,
   * status, outstanding token) and no tombstone or mark appeared; false otherwise.
   */
  confirmPending(current: Subscriber, at: string, consent: ConsentEvidence): Promise<boolean>;
}

export interface ImportDeps {
  store: ImportStore;
  clock: Clock;
  newId: () => string;
}

export interface ImportOptions {
  policyVersion: string;
  dryRun: boolean;
  /** Addresses looked up together (three keys each: BatchGetItem takes 100). */
  chunkSize?: number;
  chunksInFlight?: number;
  writesPerChunk?: number;
  /** Called after each chunk with the number of rows done so far. */
  onProgress?: (done: number) => void;
}

export interface RowResult {
  line: number;
  email: string;
  outcome: ImportOutcome;
}

/** The import stopped on a storage error; `results` holds the rows it finished (in no order). */
export class ImportInterrupted extends Error {
  override name = 'ImportInterrupted';
  constructor(
    override readonly cause: unknown,
    readonly results: RowResult[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** How often one address is read and written again when its writes keep losing races. */
const MAX_ATTEMPTS = 5;

export async function importSubscribers(
  deps: ImportDeps,
  rows: ImportRow[],
  opts: ImportOptions,
): Promise<RowResult[]> {
  const chunkSize = opts.chunkSize ?? 33;
  const chunks: ImportRow[][] = [];
  for (let i = 0; i < rows.length; i += chunkSize) chunks.push(rows.slice(i, i + chunkSize));
  const results: RowResult[] = [];
  let done = 0;
  try {
    await eachLimited(chunks, opts.chunksInFlight ?? 4, async (chunk) => {
      const states = await deps.store.lookup(chunk.map((r) => r.email));
      await eachLimited(chunk, opts.writesPerChunk ?? 8, async (row) => {
        const outcome = await importRow(deps, row, states.get(row.email)!, opts);
        results.push({ line: row.line, email: row.email, outcome });
      });
      done += chunk.length;
      opts.onProgress?.(done);
    });
  } catch (err) {
    throw new ImportInterrupted(
      err,
      results.sort((a, b) => a.line - b.line),
    );
  }
  return results.sort((a, b) => a.line - b.line);
}

async function importRow(
  deps: ImportDeps,
  row: ImportRow,
  first: ImportState,
  opts: ImportOptions,
): Promise<ImportOutcome> {
  let state = first;
  for (let attempt = 1; ; attempt++) {
    const decision = decideImport(state);
    if (decision.write === null || opts.dryRun) return decision.outcome;
    const now = deps.clock.now().toISOString();
    const written =
      decision.write === 'create'
        ? await deps.store.createConfirmed(importedSubscriber(row, deps.newId(), now, opts.policyVersion))
        : await deps.store.confirmPending(decision.row, now, importedConsent(row, opts.policyVersion));
    if (written) return decision.outcome;
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(`the subscriber on line ${row.line} kept changing during the import; run it again`);
    state = (await deps.store.lookup([row.email])).get(row.email)!;
  }
}

/**
 * Runs `fn` over `items` with at most `limit` running at once. On the first error it starts
 * nothing more, waits for the running ones (so what they did is known), then throws it.
 */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { err: unknown }).err;
}
