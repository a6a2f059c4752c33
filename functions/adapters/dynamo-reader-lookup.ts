/**
 * One reader as the operator asks about them (`kawaraban subscribers show <email>`): their row,
 * the other spellings of the same mailbox, and what the ledger says about the recent reports.
 *
 * 1. Read the row, the erasure tombstone and the mailbox mark (one BatchGetItem).
 * 2. Find the other spellings: a keys-and-status Scan compared by mailboxKey in code. The
 *    table has no mailbox index (only the import and this command ask), so this is the one
 *    part that grows with the list; it runs in parallel segments.
 * 3. Pick the recent reports from the reports byStatus index (KEYS_ONLY: id and send time,
 *    no report item read) plus any asked for by id, newest first.
 * 4. Read the ledger rows `to#<spelling>` of those reports by key (BatchGetItem).
 * Why by key and not a per-recipient GSI: the ledger is the hottest write path (one row per
 * reader per report, written two or three times); an index on it would add a write to each
 * of those to serve an occasional operator question, and need a backfill. Reading the last
 * N reports' rows by key costs N × spellings reads per question.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { mailboxKey } from '../core/email-address.ts';
import { type LedgerRow, ledgerItemKey, REPORT_ITEM, type ReportStatus } from '../core/report.ts';
import { type Subscriber, type SubscriberStatus, tombstoneKey } from '../core/subscriber.ts';
import { addressKey } from '../core/use-cases/rate-limits.ts';
import { suppressedKey } from './dynamo-rate-limit-store.ts';

export interface ReaderView {
  email: string;
  subscriber: Subscriber | null;
  /** `subscribers delete` erased an address spelled exactly so. */
  erased: boolean;
  /** Some spelling of the mailbox hard-bounced or complained. */
  mailboxSuppressed: boolean;
  otherSpellings: { email: string; status: SubscriberStatus }[];
  reports: ReaderReport[];
}

export interface ReaderReport {
  reportId: string;
  title: string;
  status: ReportStatus;
  sendAt?: string;
  /** One per spelling the ledger has a row for; empty = not sent to this mailbox. */
  deliveries: Pick<LedgerRow, 'email' | 'state' | 'sentAt' | 'messageId' | 'reason' | 'updatedAt'>[];
}

/** Statuses whose reports can have a ledger (REJECTED ones never sent). */
const SENDABLE: ReportStatus[] = ['SENDING', 'PAUSED', 'SENT', 'CANCELED', 'SCHEDULED'];
const SCAN_SEGMENTS = 4;

export async function lookUpReader(
  doc: Dynamo,
  tables: { subscribers: string; reports: string },
  email: string,
  opts: { recent: number; reportIds: string[] },
): Promise<ReaderView> {
  const mark = suppressedKey(addressKey(email));
  const own = await batchGet<{ email: string }>(doc, tables.subscribers, [
    { email },
    { email: tombstoneKey(email) },
    { email: mark },
  ]);
  const subscriber = (own.find((i) => i.email === email) as Subscriber | undefined) ?? null;
  const [otherSpellings, reportIds] = await Promise.all([
    spellingsOf(doc, tables.subscribers, email),
    recentReportIds(doc, tables.reports, opts.recent, opts.reportIds),
  ]);
  const spellings = [email, ...otherSpellings.map((s) => s.email)];
  const items = await batchGet<ReportsTableItem>(
    doc,
    tables.reports,
    reportIds.flatMap((reportId) => [
      { reportId, item: REPORT_ITEM },
      ...spellings.map((s) => ({ reportId, item: ledgerItemKey(s) })),
    ]),
  );
  const reports: ReaderReport[] = [];
  for (const reportId of reportIds) {
    const report = items.find((i) => i.reportId === reportId && i.item === REPORT_ITEM);
    if (!report) continue;
    const deliveries = items
      .filter((i) => i.reportId === reportId && i.item !== REPORT_ITEM)
      .map((i) => ({
        email: String(i.email ?? String(i.item).slice(3)),
        state: i.state,
        sentAt: i.sentAt,
        messageId: i.messageId,
        reason: i.reason,
        updatedAt: i.updatedAt,
      }));
    reports.push({ reportId, title: report.title, status: report.status, sendAt: report.sendAt, deliveries });
  }
  reports.sort((a, b) => (b.sendAt ?? '').localeCompare(a.sendAt ?? ''));
  return {
    email,
    subscriber,
    erased: own.some((i) => i.email === tombstoneKey(email)),
    mailboxSuppressed: own.some((i) => i.email === mark),
    otherSpellings,
    reports,
  };
}

/** A reports-table item as read here: the report item, or a ledger row `to#<email>`. */
type ReportsTableItem = Pick<
  LedgerRow,
  'reportId' | 'state' | 'sentAt' | 'messageId' | 'reason' | 'updatedAt'
> & {
  item: string;
  email?: string;
  title: string;
  status: ReportStatus;
  sendAt?: string;
};

/** The items are taken to be `T`, unchecked: the callers know which table they read. */
async function batchGet<T>(doc: Dynamo, table: string, keys: Record<string, string>[]) {
  const found: T[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (pending?.length) {
      const out = await doc.batchGet({ RequestItems: { [table]: { Keys: pending } } });
      found.push(...((out.Responses?.[table] ?? []) as T[]));
      pending = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

async function spellingsOf(doc: Dynamo, table: string, email: string) {
  const key = mailboxKey(email);
  const segment = async (n: number) => {
    const found: { email: string; status: SubscriberStatus }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.scan({
        TableName: table,
        Segment: n,
        TotalSegments: SCAN_SEGMENTS,
        // Counters ("rl#…") and tombstones have no id.
        FilterExpression: 'attribute_exists(id)',
        ProjectionExpression: 'email, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExclusiveStartKey: start,
      });
      for (const i of out.Items ?? []) {
        if (i.email !== email && mailboxKey(String(i.email)) === key)
          found.push({ email: i.email, status: i.status });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  };
  const all = await Promise.all(Array.from({ length: SCAN_SEGMENTS }, (_, n) => segment(n)));
  return all.flat().sort((a, b) => a.email.localeCompare(b.email));
}

async function recentReportIds(doc: Dynamo, table: string, recent: number, asked: string[]) {
  const seen: { reportId: string; sendAt: string }[] = [];
  for (const status of SENDABLE) {
    // Newest first within each status; one page holds `recent` keys-only items.
    const out = await doc.query({
      TableName: table,
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :s',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':s': status },
      ScanIndexForward: false,
      Limit: recent,
    });
    for (const i of out.Items ?? [])
      seen.push({ reportId: String(i.reportId), sendAt: String(i.sendAt ?? '') });
  }
  const newest = seen.sort((a, b) => b.sendAt.localeCompare(a.sendAt)).slice(0, recent);
  return [...new Set([...asked, ...newest.map((s) => s.reportId)])];
}
