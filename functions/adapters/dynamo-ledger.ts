/**
 * The delivery ledger: rows `to#<email>` in the reports table beside the report item. The
 * conditional put of a row (together with "the subscriber is still confirmed") is what keeps a
 * reader from getting a report twice; groups of claims and marks share transactions, and a
 * cancelled transaction is finished member by member exactly as single writes would be.
 *
 * Ledger rows keep their state in `state`, never `status`: only the report item may appear
 * in the sparse byStatus index.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { REPORT_ITEM, ledgerItemKey, type LedgerRow, type LedgerState } from '../core/report.ts';
import type {
  ClaimResult,
  Ledger,
  LedgerClaim,
  SentBatch,
  SentMark,
} from '../core/use-cases/sending-ports.ts';
import {
  cancellationReasons,
  retryConflicts,
  unlessConditionFails,
  type CancellationReason,
} from './dynamo-conflicts.ts';
import { gateCheck } from './dynamo-stop-gates.ts';
import { addClause, setClause } from './dynamo-update-clauses.ts';

export interface SendingTables {
  reports: string;
  subscribers: string;
}

/** The attributes of a ledger row a cancelled transaction hands back (raw AttributeValues). */
function rowFromReason(
  reason: CancellationReason | undefined,
): Pick<LedgerRow, 'state' | 'claimToken' | 'attempts'> | null {
  const item = reason?.Item;
  if (!item?.state?.S) return null;
  return {
    state: item.state.S as LedgerState,
    claimToken: item.claimToken?.S ?? '',
    attempts: Number(item.attempts?.N ?? 0),
  };
}

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

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

/** The member's claim outcome from its two reasons (ledger Put, subscriber check), as `claimTransaction` reads them. */
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
export function dynamoLedger(doc: Dynamo, tables: SendingTables): Ledger {
  const key = (reportId: string, email: string) => ({ reportId, item: ledgerItemKey(email) });
  const stillConfirmed = (email: string) => ({
    ConditionCheck: {
      TableName: tables.subscribers,
      Key: { email },
      ConditionExpression: '#status = :confirmed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':confirmed': 'confirmed' },
    },
  });

  /** The claim's stop gate as a transaction item (none without a gate). */
  const gateOf = (c: LedgerClaim) => (c.gate ? [gateCheck(tables.reports, c.reportId, c.gate)] : []);

  /**
   * Runs a claim-like transaction (ledger write first, subscriber check second, the run's stop
   * gate third) and reads its outcome.
   */
  async function claimTransaction(
    ledgerWrite: Record<string, unknown>,
    c: LedgerClaim,
  ): Promise<ClaimResult> {
    try {
      await retryConflicts(() =>
        doc.transactWrite({
          TransactItems: [ledgerWrite, stillConfirmed(c.email), ...gateOf(c)] as never,
        }),
      );
      return { kind: 'claimed' };
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      if (reasons[2]?.Code === 'ConditionalCheckFailed') return { kind: 'stopped' };
      const row = reasons[0]?.Code === 'ConditionalCheckFailed' ? rowFromReason(reasons[0]) : null;
      if (row) return { kind: 'exists', row };
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return { kind: 'not-confirmed' };
      throw err;
    }
  }

  /** The new ledger row, written only if there is none (an existing one comes back in the cancellation reason). */
  const claimPut = (c: LedgerClaim) => ({
    Put: {
      TableName: tables.reports,
      Item: {
        ...key(c.reportId, c.email),
        state: 'claimed',
        subscriberId: c.subscriberId,
        claimToken: c.token,
        claimedAt: c.now.toISOString(),
        attempts: 1,
        updatedAt: c.now.toISOString(),
      },
      ConditionExpression: 'attribute_not_exists(reportId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  });

  /** claimed → sent, only for the claimant (token) and only from `claimed`. */
  const markSentUpdate = (reportId: string, m: SentMark, at: string) => ({
    TableName: tables.reports,
    Key: key(reportId, m.email),
    UpdateExpression: 'SET #state = :sent, messageId = :mid, sentAt = :at, updatedAt = :at',
    ConditionExpression: 'claimToken = :token AND #state = :claimed',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':sent': 'sent',
      ':mid': m.messageId,
      ':at': at,
      ':token': m.token,
      ':claimed': 'claimed',
    },
  });

  /**
   * An SES event (delivery, bounce…) got here first and moved the row on: keep its state, just
   * record the message id. Throws when the row is no longer ours (another claimant's token).
   */
  const recordMessageId = (reportId: string, m: SentMark, at: string) =>
    retryConflicts(() =>
      doc.update({
        TableName: tables.reports,
        Key: key(reportId, m.email),
        UpdateExpression: 'SET messageId = :mid, sentAt = :at',
        ConditionExpression: 'claimToken = :token',
        ExpressionAttributeValues: { ':mid': m.messageId, ':at': at, ':token': m.token },
      }),
    );

  async function markOne(reportId: string, m: SentMark, at: string): Promise<void> {
    const marked = await unlessConditionFails(() => doc.update(markSentUpdate(reportId, m, at)));
    if (!marked) await recordMessageId(reportId, m, at);
  }

  /**
   * One transaction: `marks` claimed → sent (one item each), then `claims` (two items each), then
   * the claims' stop gate. A gate that refuses settles every claim as `stopped`; the marks are
   * still written. Otherwise, when it is cancelled, each member is finished as its own reasons say: a claim whose
   * conditions failed is settled from them (as `claimTransaction` reads them), a mark whose
   * row an SES event moved on keeps that state and gains the message id; the members whose
   * conditions held are written again as a smaller group, anything unexpected one by one.
   */
  async function writeGroup(
    reportId: string,
    marks: readonly SentMark[],
    claims: readonly LedgerClaim[],
    at: string,
  ): Promise<ClaimResult[]> {
    if (marks.length + claims.length <= 1) {
      await settleAll(marks.map((m) => markOne(reportId, m, at)));
      return Promise.all(claims.map((c) => ledger.claim(c)));
    }
    let reasons: CancellationReason[];
    try {
      await retryConflicts(() =>
        doc.transactWrite({
          TransactItems: [
            ...marks.map((m) => ({ Update: markSentUpdate(reportId, m, at) })),
            ...claims.flatMap((c) => [claimPut(c), stillConfirmed(c.email)]),
            // One run's claims share its gate.
            ...(claims[0] ? gateOf(claims[0]) : []),
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
            ? recordMessageId(reportId, m, at)
            : markOne(reportId, m, at),
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
      if (markCode(i) === 'ConditionalCheckFailed') tasks.push(recordMessageId(reportId, m, at));
      else if (!regroup || markCode(i) !== 'None') tasks.push(markOne(reportId, m, at));
    });
    claims.forEach((c, i) => {
      if (results[i] || (regroup && verdicts[i] === 'again')) return;
      tasks.push(ledger.claim(c).then((r) => (results[i] = r)));
    });
    await settleAll(tasks);
    return results as ClaimResult[];
  }

  /** The marks first, then the claims, packed into transactions of at most DynamoDB's limit. */
  async function write(batch: SentBatch | undefined, claims: readonly LedgerClaim[]): Promise<ClaimResult[]> {
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

  const ledger: Ledger = {
    claim(c: LedgerClaim) {
      return claimTransaction(claimPut(c), c);
    },

    claimAll(claims, markFirst) {
      return write(markFirst, claims);
    },

    takeOver(c) {
      return claimTransaction(
        {
          Update: {
            TableName: tables.reports,
            Key: key(c.reportId, c.email),
            UpdateExpression: 'SET claimToken = :token, claimedAt = :now, updatedAt = :now ADD attempts :one',
            ConditionExpression: '#state = :claimed AND claimToken = :old',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':token': c.token,
              ':now': c.now.toISOString(),
              ':one': 1,
              ':claimed': 'claimed',
              ':old': c.oldToken,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        c,
      );
    },

    async markSent(batch) {
      await write(batch, []);
    },

    async markFailed(reportId, email, token, reason, now) {
      await retryConflicts(() =>
        doc.update({
          TableName: tables.reports,
          Key: key(reportId, email),
          UpdateExpression: 'SET #state = :failed, reason = :reason, updatedAt = :at',
          ConditionExpression: 'claimToken = :token AND #state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':reason': reason.slice(0, 500),
            ':at': now.toISOString(),
            ':token': token,
            ':claimed': 'claimed',
          },
        }),
      );
    },

    async release(reportId, email, token) {
      // A row that is no longer ours (or no longer claimed) is left as it is.
      await unlessConditionFails(() =>
        doc.delete({
          TableName: tables.reports,
          Key: key(reportId, email),
          ConditionExpression: 'claimToken = :token AND #state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':token': token, ':claimed': 'claimed' },
        }),
      );
    },

    async get(reportId, email) {
      const out = await doc.get({
        TableName: tables.reports,
        Key: key(reportId, email),
        ConsistentRead: true,
      });
      if (!out.Item) return null;
      const { item: _i, ...rest } = out.Item;
      return { ...(rest as Omit<LedgerRow, 'email'>), email };
    },

    async transition(t) {
      const a = addClause(t.add);
      const fields = setClause({
        reason: t.reason?.slice(0, 500) || undefined,
        bounceType: t.bounceType || undefined,
      });
      try {
        await retryConflicts(() =>
          doc.transactWrite({
            TransactItems: [
              {
                Update: {
                  TableName: tables.reports,
                  Key: key(t.reportId, t.email),
                  UpdateExpression: `SET #state = :to, updatedAt = :at${fields.expr}`,
                  ConditionExpression: '#state = :from',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: {
                    ':to': t.to,
                    ':from': t.from,
                    ':at': t.now.toISOString(),
                    ...fields.values,
                  },
                },
              },
              {
                Update: {
                  TableName: tables.reports,
                  Key: { reportId: t.reportId, item: REPORT_ITEM },
                  UpdateExpression: `SET updatedAt = :at${a.expr}`,
                  ConditionExpression: 'attribute_exists(reportId)',
                  ExpressionAttributeValues: { ':at': t.now.toISOString(), ...a.values },
                },
              },
            ],
          }),
        );
        return true;
      } catch (err) {
        const reasons = cancellationReasons(err);
        if (reasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
        throw err;
      }
    },
  };
  return ledger;
}
