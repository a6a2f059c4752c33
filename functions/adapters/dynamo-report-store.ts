/**
 * The reports table: the `report` item (status, lease, cursor, counters) and the delivery
 * ledger rows `to#<email>` beside it. Every state change is a conditional write: the
 * conditions are what keep two dispatchers, a crash and a repeated SES event from ever
 * counting or sending twice.
 *
 * Ledger rows keep their state in `state`, never `status`: only the report item may appear
 * in the sparse byStatus index.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  COUNT_NAMES,
  REPLACEABLE_STATUSES,
  REPORT_ITEM,
  REPORT_STATUSES,
  UPLOAD_RECEIPT_TTL_SECONDS,
  ledgerItemKey,
  type LedgerRow,
  type LedgerState,
  type ReportCounts,
  type ReportRecord,
  type ReportStatus,
} from '../core/report.ts';
import type { ClaimResult, CountDelta, Ledger, LedgerClaim, ReportStore, SentBatch, SentMark, UploadReceipts } from '../core/use-cases/sending-ports.ts';
import { cancellationReasons, retryConflicts, unlessConditionFails, type CancellationReason } from './dynamo-conflicts.ts';

export interface SendingTables {
  reports: string;
  subscribers: string;
}

type Item = Record<string, unknown>;

function toItem(r: ReportRecord): Item {
  const { counts, ...rest } = r;
  return { ...rest, item: REPORT_ITEM, ...counts };
}

function fromItem(item: Item): ReportRecord {
  const counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, Number(item[n] ?? 0)])) as unknown as ReportCounts;
  const { item: _item, ...rest } = item;
  for (const n of COUNT_NAMES) delete rest[n];
  return { ...(rest as Omit<ReportRecord, 'counts'>), counts };
}

/** `ADD a :a, b :b` for the non-zero entries of a delta, with its values. */
function addClause(add: CountDelta): { expr: string; values: Record<string, number> } {
  const parts: string[] = [];
  const values: Record<string, number> = {};
  for (const [name, n] of Object.entries(add)) {
    if (!n) continue;
    parts.push(`${name} :add_${name}`);
    values[`:add_${name}`] = n;
  }
  return { expr: parts.length ? ` ADD ${parts.join(', ')}` : '', values };
}

/** `, a = :x_a, …` for the defined entries of `fields` (to follow a SET), with its values. */
function setClause(fields: Record<string, unknown>): { expr: string; values: Record<string, unknown> } {
  const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
  return {
    expr: defined.map(([n]) => `, ${n} = :x_${n}`).join(''),
    values: Object.fromEntries(defined.map(([n, v]) => [`:x_${n}`, v])),
  };
}

export function dynamoReportStore(doc: DynamoDBDocumentClient, table: string): ReportStore {
  const key = (reportId: string) => ({ reportId, item: REPORT_ITEM });

  const conditional = async (op: () => Promise<object>): Promise<boolean> => (await unlessConditionFails(op)) !== null;

  const store: ReportStore = {
    async get(reportId) {
      const out = await doc.send(new GetCommand({ TableName: table, Key: key(reportId), ConsistentRead: true }));
      return out.Item ? fromItem(out.Item) : null;
    },

    async replace(record) {
      const ok = await conditional(() =>
        doc.send(
          new PutCommand({
            TableName: table,
            Item: toItem(record),
            // isReplaceable() as a condition: a replaceable status, and never started.
            ConditionExpression: `attribute_not_exists(reportId) OR (#status IN (${REPLACEABLE_STATUSES.map((_, i) => `:r${i}`).join(', ')}) AND attribute_not_exists(startedAt))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: Object.fromEntries(REPLACEABLE_STATUSES.map((s, i) => [`:r${i}`, s])),
          }),
        ),
      );
      if (ok) return { ok: true };
      const current = await store.get(record.reportId);
      return { ok: false, status: current?.status ?? 'SENDING', startedAt: current?.startedAt };
    },

    async findDue(now) {
      const ids = [...(await reportIdsIn(doc, table, 'SENDING')), ...(await reportIdsIn(doc, table, 'SCHEDULED', now))];
      return [...new Set(ids)];
    },

    async acquireLease(reportId, owner, now, until) {
      const out = await unlessConditionFails(() =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(reportId),
            UpdateExpression:
              'SET #status = :sending, leaseOwner = :owner, leaseUntil = :until, updatedAt = :now',
            ConditionExpression:
              '#status IN (:scheduled, :sending) AND sendAt <= :now AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'SENDING',
              ':scheduled': 'SCHEDULED',
              ':owner': owner,
              ':until': until.toISOString(),
              ':now': now.toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return out?.Attributes ? fromItem(out.Attributes) : null;
    },

    async releaseLease(reportId, owner) {
      await conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(reportId),
            UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    },

    async beginSending(reportId, owner, audience, now) {
      await conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(reportId),
            UpdateExpression: 'SET audience = :n, startedAt = if_not_exists(startedAt, :now)',
            ConditionExpression: 'leaseOwner = :owner',
            ExpressionAttributeValues: { ':n': audience, ':owner': owner, ':now': now.toISOString() },
          }),
        ),
      );
    },

    async checkpoint(reportId, owner, saved, cursor, add) {
      const a = addClause(add);
      const written = await conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(reportId),
            // A saved page ends a run of failed runs.
            UpdateExpression: `SET #cursor = :cursor, checkpoints = :next, updatedAt = :now${a.expr} REMOVE failedRuns`,
            // Not conditional on SENDING: a page that went out before a pause or cancel counts.
            ConditionExpression: `leaseOwner = :owner AND ${saved === 0 ? 'attribute_not_exists(checkpoints)' : 'checkpoints = :saved'}`,
            ExpressionAttributeNames: { '#cursor': 'cursor' },
            ExpressionAttributeValues: {
              ':cursor': cursor,
              ':next': saved + 1,
              ':now': new Date().toISOString(),
              ':owner': owner,
              ...(saved === 0 ? {} : { ':saved': saved }),
              ...a.values,
            },
          }),
        ),
      );
      if (written) return true;
      // The SDK retries a write whose answer was lost: if that first attempt landed, so did the page.
      const current = await store.get(reportId);
      return current?.leaseOwner === owner && current.checkpoints === saved + 1;
    },

    async finish(reportId, owner, now) {
      return endSending(reportId, owner, 'SENT', { completedAt: now.toISOString() }, now);
    },

    async pause(reportId, owner, reason, now, kind) {
      return endSending(reportId, owner, 'PAUSED', { pauseReason: reason, pauseKind: kind }, now);
    },

    async recordFailedRun(reportId, owner, now) {
      const out = await unlessConditionFails(() =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(reportId),
            // One run fails once: the run is named, so a write the SDK retries counts once.
            UpdateExpression: 'SET updatedAt = :now, lastFailedRun = :owner ADD failedRuns :one',
            ConditionExpression: 'leaseOwner = :owner AND #status = :sending AND (attribute_not_exists(lastFailedRun) OR lastFailedRun <> :owner)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1, ':owner': owner, ':sending': 'SENDING' },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      if (out) return Number(out.Attributes?.failedRuns ?? 0);
      const current = (await doc.send(new GetCommand({ TableName: table, Key: key(reportId), ConsistentRead: true }))).Item;
      return current?.leaseOwner === owner && current.lastFailedRun === owner ? Number(current.failedRuns ?? 0) : null;
    },

    async changeStatus(reportId, from, to, now, set = {}) {
      const fields = setClause({ ...set });
      // A person decided: the old pause and the run of failures no longer apply (unless set anew).
      const cleared = ['pauseReason', 'pauseKind', 'failedRuns'].filter((n) => !(n in set));
      const out = await unlessConditionFails(() =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: key(reportId),
            UpdateExpression: `SET #status = :to, updatedAt = :now${fields.expr} REMOVE ${cleared.join(', ')}`,
            ConditionExpression: `#status IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': to,
              ':now': now.toISOString(),
              ...fields.values,
              ...Object.fromEntries(from.map((st, i) => [`:f${i}`, st])),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (out) return { ok: true, record: fromItem(out.Attributes!) };
      // attribute_not_exists is implied: an unknown report fails the condition too.
      const current = await store.get(reportId);
      return { ok: false, status: current?.status ?? null };
    },
  };

  async function endSending(
    reportId: string,
    owner: string,
    status: ReportStatus,
    extra: Record<string, string>,
    now: Date,
  ): Promise<ReportRecord | null> {
    const fields = setClause(extra);
    const out = await unlessConditionFails(() =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: key(reportId),
          UpdateExpression: `SET #status = :to, updatedAt = :now${fields.expr} REMOVE leaseOwner, leaseUntil`,
          ConditionExpression: 'leaseOwner = :owner AND #status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': status,
            ':now': now.toISOString(),
            ':owner': owner,
            ':sending': 'SENDING',
            ...fields.values,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? fromItem(out.Attributes) : null;
  }

  return store;
}

/** The attributes of a ledger row a cancelled transaction hands back (raw AttributeValues). */
function rowFromReason(reason: CancellationReason | undefined): Pick<LedgerRow, 'state' | 'claimToken' | 'attempts'> | null {
  const item = reason?.Item;
  if (!item?.state?.S) return null;
  return { state: item.state.S as LedgerState, claimToken: item.claimToken?.S ?? '', attempts: Number(item.attempts?.N ?? 0) };
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
function claimVerdict(put: CancellationReason | undefined, check: CancellationReason | undefined): Verdict<ClaimResult> {
  if (put?.Code === 'ConditionalCheckFailed') {
    const row = rowFromReason(put);
    return row ? { kind: 'exists', row } : 'alone';
  }
  if (check?.Code === 'ConditionalCheckFailed') return { kind: 'not-confirmed' };
  return put?.Code === 'None' && check?.Code === 'None' ? 'again' : 'alone';
}

/**
 * Every report in these statuses (for `kawaraban report list`): the sparse byStatus index holds
 * report items only and their keys, then each item is read. Newest `sendAt` first.
 */
export async function listReports(
  doc: DynamoDBDocumentClient,
  table: string,
  statuses: readonly ReportStatus[] = REPORT_STATUSES,
): Promise<ReportRecord[]> {
  const ids: string[] = [];
  for (const status of statuses) ids.push(...(await reportIdsIn(doc, table, status)));
  const store = dynamoReportStore(doc, table);
  const records: ReportRecord[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    for (const r of await Promise.all(ids.slice(i, i + 10).map((id) => store.get(id)))) if (r) records.push(r);
  }
  return records.sort((a, b) => (b.sendAt ?? b.createdAt).localeCompare(a.sendAt ?? a.createdAt));
}

/** The ids of reports in `status` (due by `dueBy`, when given) from the sparse byStatus index, in send-time order. */
async function reportIdsIn(doc: DynamoDBDocumentClient, table: string, status: ReportStatus, dueBy?: Date): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byStatus',
        KeyConditionExpression: dueBy ? '#status = :s AND sendAt <= :now' : '#status = :s',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: dueBy ? { ':s': status, ':now': dueBy.toISOString() } : { ':s': status },
        ExclusiveStartKey: start,
      }),
    );
    for (const it of out.Items ?? []) ids.push(String(it.reportId));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}

export function dynamoLedger(doc: DynamoDBDocumentClient, tables: SendingTables): Ledger {
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

  /** Runs a claim-like transaction (ledger write first, subscriber check second) and reads its outcome. */
  async function claimTransaction(ledgerWrite: Record<string, unknown>, email: string): Promise<ClaimResult> {
    try {
      await retryConflicts(() =>
        doc.send(new TransactWriteCommand({ TransactItems: [ledgerWrite as never, stillConfirmed(email)] })),
      );
      return { kind: 'claimed' };
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
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
    ExpressionAttributeValues: { ':sent': 'sent', ':mid': m.messageId, ':at': at, ':token': m.token, ':claimed': 'claimed' },
  });

  /**
   * An SES event (delivery, bounce…) got here first and moved the row on: keep its state, just
   * record the message id. Throws when the row is no longer ours (another claimant's token).
   */
  const recordMessageId = (reportId: string, m: SentMark, at: string) =>
    retryConflicts(() =>
      doc.send(
        new UpdateCommand({
          TableName: tables.reports,
          Key: key(reportId, m.email),
          UpdateExpression: 'SET messageId = :mid, sentAt = :at',
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeValues: { ':mid': m.messageId, ':at': at, ':token': m.token },
        }),
      ),
    );

  async function markOne(reportId: string, m: SentMark, at: string): Promise<void> {
    const marked = await unlessConditionFails(() => doc.send(new UpdateCommand(markSentUpdate(reportId, m, at))));
    if (!marked) await recordMessageId(reportId, m, at);
  }

  /**
   * One transaction: `marks` claimed → sent (one item each), then `claims` (two items each).
   * When it is cancelled, each member is finished as its own reasons say: a claim whose
   * conditions failed is settled from them (as `claimTransaction` reads them), a mark whose
   * row an SES event moved on keeps that state and gains the message id; the members whose
   * conditions held are written again as a smaller group, anything unexpected one by one.
   */
  async function writeGroup(reportId: string, marks: readonly SentMark[], claims: readonly LedgerClaim[], at: string): Promise<ClaimResult[]> {
    if (marks.length + claims.length <= 1) {
      await settleAll(marks.map((m) => markOne(reportId, m, at)));
      return Promise.all(claims.map((c) => ledger.claim(c)));
    }
    let reasons: CancellationReason[];
    try {
      await retryConflicts(() =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              ...marks.map((m) => ({ Update: markSentUpdate(reportId, m, at) })),
              ...claims.flatMap((c) => [claimPut(c), stillConfirmed(c.email)]),
            ] as never,
          }),
        ),
      );
      return claims.map(() => ({ kind: 'claimed' }));
    } catch (err) {
      const r = cancellationReasons(err);
      if (!r) throw err;
      reasons = r;
    }
    const markCode = (i: number) => reasons[i]?.Code;
    const verdicts = claims.map((_, i) => claimVerdict(reasons[marks.length + 2 * i], reasons[marks.length + 2 * i + 1]));
    const results = verdicts.map((v) => (typeof v === 'string' ? undefined : v));
    const againMarks = marks.filter((_, i) => markCode(i) === 'None');
    const againClaims = claims.flatMap((_, i) => (verdicts[i] === 'again' ? [i] : []));
    // Cancelled although every member's own conditions held: no progress as a group, so one by one.
    const regroup = againMarks.length + againClaims.length < marks.length + claims.length;
    const tasks: Promise<unknown>[] = [];
    if (regroup) {
      tasks.push(
        writeGroup(reportId, againMarks, againClaims.map((i) => claims[i]!), at).then((out) =>
          out.forEach((r, j) => (results[againClaims[j]!] = r)),
        ),
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
      // Two items per claim.
      const c = rest.splice(0, Math.floor((MAX_TRANSACTION_ITEMS - m.length) / 2));
      results.push(...(await writeGroup(reportId, m, c, at)));
    }
    return results;
  }

  const ledger: Ledger = {
    claim(c: LedgerClaim) {
      return claimTransaction(claimPut(c), c.email);
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
        c.email,
      );
    },

    async markSent(batch) {
      await write(batch, []);
    },

    async markFailed(reportId, email, token, reason, now) {
      await retryConflicts(() =>
        doc.send(
          new UpdateCommand({
            TableName: tables.reports,
            Key: key(reportId, email),
            UpdateExpression: 'SET #state = :failed, reason = :reason, updatedAt = :at',
            ConditionExpression: 'claimToken = :token AND #state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason.slice(0, 500), ':at': now.toISOString(), ':token': token, ':claimed': 'claimed' },
          }),
        ),
      );
    },

    async release(reportId, email, token) {
      // A row that is no longer ours (or no longer claimed) is left as it is.
      await unlessConditionFails(() =>
        doc.send(
          new DeleteCommand({
            TableName: tables.reports,
            Key: key(reportId, email),
            ConditionExpression: 'claimToken = :token AND #state = :claimed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':token': token, ':claimed': 'claimed' },
          }),
        ),
      );
    },

    async get(reportId, email) {
      const out = await doc.send(new GetCommand({ TableName: tables.reports, Key: key(reportId, email), ConsistentRead: true }));
      if (!out.Item) return null;
      const { item: _i, ...rest } = out.Item;
      return { ...(rest as Omit<LedgerRow, 'email'>), email };
    },

    async transition(t) {
      const a = addClause(t.add);
      const fields = setClause({ reason: t.reason?.slice(0, 500) || undefined, bounceType: t.bounceType || undefined });
      try {
        await retryConflicts(() =>
          doc.send(
            new TransactWriteCommand({
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
          ),
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

/**
 * Receipts of handled upload events, in the reports table under `upload#<hash>` (no `status`,
 * so the byStatus index never sees them).
 */
export function dynamoUploadReceipts(doc: DynamoDBDocumentClient, table: string): UploadReceipts {
  // Only receipts carry the table's TTL attribute: report items and ledger rows are kept.
  const key = (eventKey: string) => ({ reportId: `upload#${eventKey}`, item: 'receipt' });
  return {
    async seen(eventKey) {
      const out = await doc.send(new GetCommand({ TableName: table, Key: key(eventKey), ConsistentRead: true }));
      return !!out.Item;
    },
    async remember(eventKey, now) {
      const expiresAt = Math.floor(now.getTime() / 1000) + UPLOAD_RECEIPT_TTL_SECONDS;
      await doc.send(new PutCommand({ TableName: table, Item: { ...key(eventKey), at: now.toISOString(), expiresAt } }));
    },
  };
}
