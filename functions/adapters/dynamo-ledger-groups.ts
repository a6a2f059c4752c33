/**
 * Claims and marks grouped in transactions: the marks of the rows answered since the last
 * claim, then the next claims (two items each: the row, "still confirmed"), then the run's stop
 * gate, packed into transactions of at most DynamoDB's 100 items. A cancelled transaction is
 * finished member by member exactly as single writes would be.
 *
 * 1. pack: marks first, then as many claims as fit (`writeAll`).
 * 2. write: one transaction per group; all claimed when it commits.
 * 3. finish a cancelled group: a refusing gate stops every claim (the marks are still written);
 *    otherwise each member is settled by its own reasons, the members whose conditions held are
 *    written again as a smaller group, anything unexpected one by one.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { ClaimResult, LedgerClaim, SentBatch, SentMark } from '../core/use-cases/sending-ports.ts';
import { cancellationReasons, retryConflicts, type CancellationReason } from './dynamo-conflicts.ts';
import { rowFromReason, type LedgerItems } from './dynamo-ledger-items.ts';

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** What a group falls back on for a member on its own. */
export interface SingleWrites {
  claim(c: LedgerClaim): Promise<ClaimResult>;
  /** claimed → sent, or just the message id when an SES event moved the row on. */
  markOne(reportId: string, m: SentMark, at: string): Promise<void>;
  /** The message id alone (the row is no longer `claimed`, still ours). */
  recordMessageId(reportId: string, m: SentMark, at: string): Promise<unknown>;
}

/** Runs every task to its end (nothing left running behind a failure), then throws the first error. */
async function settleAll(tasks: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * What a cancelled group transaction says about one member: settled by its reasons, `again`
 * (its own conditions held: only the others' failures cancelled it), or `alone` (an
 * unexpected reason, e.g. a conflict that outlasted the retries: redo it by itself).
 */
type Verdict<T> = T | 'again' | 'alone';

/** The member's claim outcome from its two reasons (ledger Put, subscriber check). */
function claimVerdict(
  put: CancellationReason | undefined,
  check: CancellationReason | undefined,
): Verdict<ClaimResult> {
  if (put?.Code === 'ConditionalCheckFailed') {
    const row = rowFromReason(put);
    return row ? { kind: 'exists', row } : 'alone';
  }
  if (check?.Code === 'ConditionalCheckFailed') return { kind: 'not-confirmed' };
  return put?.Code === 'None' && check?.Code === 'None' ? 'again' : 'alone';
}

export function ledgerGroups(doc: Dynamo, items: LedgerItems, single: SingleWrites) {
  /** 2–3. One group: `marks` (one item each), `claims` (two each), their gate. */
  async function writeGroup(
    reportId: string,
    marks: readonly SentMark[],
    claims: readonly LedgerClaim[],
    at: string,
  ): Promise<ClaimResult[]> {
    if (marks.length + claims.length <= 1) {
      await settleAll(marks.map((m) => single.markOne(reportId, m, at)));
      return Promise.all(claims.map((c) => single.claim(c)));
    }
    let reasons: CancellationReason[];
    try {
      await retryConflicts(() =>
        doc.transactWrite({
          TransactItems: [
            ...marks.map((m) => ({ Update: items.markSentUpdate(reportId, m, at) })),
            ...claims.flatMap((c) => [items.claimPut(c), items.stillConfirmed(c.email)]),
            // One run's claims share its gate.
            ...(claims[0] ? items.gateOf(claims[0]) : []),
          ] as never,
        }),
      );
      return claims.map(() => ({ kind: 'claimed' }));
    } catch (err) {
      const r = cancellationReasons(err);
      if (!r) throw err;
      reasons = r;
    }
    const markCode = (i: number) => reasons[i]?.Code;
    if (reasons[marks.length + 2 * claims.length]?.Code === 'ConditionalCheckFailed') {
      // Stopped: no claim is written; the marks record sends that happened, so they are.
      await settleAll(
        marks.map((m, i) =>
          markCode(i) === 'ConditionalCheckFailed'
            ? single.recordMessageId(reportId, m, at)
            : single.markOne(reportId, m, at),
        ),
      );
      return claims.map(() => ({ kind: 'stopped' }));
    }
    const verdicts = claims.map((_, i) =>
      claimVerdict(reasons[marks.length + 2 * i], reasons[marks.length + 2 * i + 1]),
    );
    const results = verdicts.map((v) => (typeof v === 'string' ? undefined : v));
    const againMarks = marks.filter((_, i) => markCode(i) === 'None');
    const againClaims = claims.flatMap((_, i) => (verdicts[i] === 'again' ? [i] : []));
    // Cancelled although every member's own conditions held: no progress as a group, so one by one.
    const regroup = againMarks.length + againClaims.length < marks.length + claims.length;
    const tasks: Promise<unknown>[] = [];
    if (regroup) {
      tasks.push(
        writeGroup(
          reportId,
          againMarks,
          againClaims.map((i) => claims[i]!),
          at,
        ).then((out) => {
          for (const [j, r] of out.entries()) results[againClaims[j]!] = r;
        }),
      );
    }
    marks.forEach((m, i) => {
      if (markCode(i) === 'ConditionalCheckFailed') tasks.push(single.recordMessageId(reportId, m, at));
      else if (!regroup || markCode(i) !== 'None') tasks.push(single.markOne(reportId, m, at));
    });
    claims.forEach((c, i) => {
      if (results[i] || (regroup && verdicts[i] === 'again')) return;
      tasks.push(single.claim(c).then((r) => (results[i] = r)));
    });
    await settleAll(tasks);
    return results as ClaimResult[];
  }

  /** 1. The marks first, then the claims, packed into transactions of at most DynamoDB's limit. */
  async function writeAll(
    batch: SentBatch | undefined,
    claims: readonly LedgerClaim[],
  ): Promise<ClaimResult[]> {
    const marks = [...(batch?.sent ?? [])];
    const rest = [...claims];
    // Only the marks use these; without a batch there are none.
    const reportId = batch?.reportId ?? '';
    const at = batch?.now.toISOString() ?? '';
    const results: ClaimResult[] = [];
    while (marks.length || rest.length) {
      const m = marks.splice(0, MAX_TRANSACTION_ITEMS);
      // Two items per claim, and one for their stop gate.
      const gate = rest[0]?.gate ? 1 : 0;
      const c = rest.splice(0, Math.floor((MAX_TRANSACTION_ITEMS - m.length - gate) / 2));
      results.push(...(await writeGroup(reportId, m, c, at)));
    }
    return results;
  }

  return { writeAll };
}
