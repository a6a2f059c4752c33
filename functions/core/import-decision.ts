/**
 * What `kawaraban subscribers import` may do to one address, given what the table knows of it,
 * and the rows it writes. The one rule everything here serves: an import only ever adds readers
 * who opted in at the previous tool; it never brings back anyone who said no (see decideImport).
 */
import { shardOf, statusShard, type ConsentEvidence, type Subscriber } from './subscriber.ts';
import { IMPORT_SOURCE_IP, IMPORT_USER_AGENT, type ImportRow } from './import-rules.ts';

export const IMPORT_OUTCOMES = [
  'imported',
  'confirmed-pending',
  'already-confirmed',
  'skipped-unsubscribed',
  'skipped-bounced',
  'skipped-complained',
  'skipped-erased',
  'skipped-suppressed-mailbox',
] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** What the table knows about an address: its row, a tombstone, the mailbox's bounce/complaint mark. */
export interface ImportState {
  row: Subscriber | null;
  erased: boolean;
  mailboxSuppressed: boolean;
  /**
   * The status of a row for the same address in another case (`Taro@` for `taro@`) that said no:
   * the same reader, so their opt-out holds for this spelling too.
   */
  otherCaseSaidNo?: 'unsubscribed' | 'bounced' | 'complained';
}

export type ImportDecision =
  | { write: 'create'; outcome: 'imported' }
  | { write: 'confirm-pending'; outcome: 'confirmed-pending'; row: Subscriber }
  | { write: null; outcome: Exclude<ImportOutcome, 'imported' | 'confirmed-pending'> };

/**
 * 1. A confirmed row is left as it is (re-running an import is harmless).
 * 2. Unsubscribed, bounced, complained rows are never changed: they said no, or their mail failed;
 *    so is an address with no row of its own whose row in another case says so (one reader).
 * 3. A tombstone: the person asked to be forgotten; their old consent does not outlive that.
 * 4. A mailbox marked by a hard bounce or a complaint, in any spelling: same as 2.
 * 5. A pending row (a sign-up here, not confirmed) is confirmed on the old tool's consent.
 * 6. Otherwise a new confirmed row.
 */
export function decideImport(state: ImportState): ImportDecision {
  const status = state.row?.status;
  if (status === 'confirmed') return { write: null, outcome: 'already-confirmed' };
  if (status === 'unsubscribed' || status === 'bounced' || status === 'complained')
    return { write: null, outcome: `skipped-${status}` };
  if (!state.row && state.otherCaseSaidNo)
    return { write: null, outcome: `skipped-${state.otherCaseSaidNo}` };
  if (state.erased) return { write: null, outcome: 'skipped-erased' };
  if (state.mailboxSuppressed) return { write: null, outcome: 'skipped-suppressed-mailbox' };
  if (state.row) return { write: 'confirm-pending', outcome: 'confirmed-pending', row: state.row };
  return { write: 'create', outcome: 'imported' };
}

/** The consent record of an imported reader: when and where they opted in at the old tool. */
export function importedConsent(row: ImportRow, policyVersion: string): ConsentEvidence {
  return {
    at: row.consentAt,
    sourceIp: IMPORT_SOURCE_IP,
    userAgent: IMPORT_USER_AGENT,
    source: row.source,
    policyVersion,
  };
}

/** A new confirmed subscriber for a valid row; `createdAt` and `confirmedAt` are the import's time. */
export function importedSubscriber(
  row: ImportRow,
  id: string,
  now: string,
  policyVersion: string,
): Subscriber {
  const shard = shardOf(row.email);
  return {
    email: row.email,
    id,
    status: 'confirmed',
    locale: row.locale,
    shard,
    statusShard: statusShard('confirmed', shard),
    createdAt: now,
    confirmedAt: now,
    consent: importedConsent(row, policyVersion),
  };
}
