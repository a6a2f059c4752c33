/**
 * The reports table's `report` item (status, lease, cursor, counters).
 * Every state change is a conditional write: the conditions are what keep two dispatchers, a
 * crash and a repeated SES event from ever counting or sending twice. The delivery ledger
 * rows beside the report item have their own adapter (dynamo-ledger.ts).
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import {
  COUNT_NAMES,
  REPLACEABLE_STATUSES,
  REPORT_ITEM,
  REPORT_STATUSES,
  type ReportCounts,
  type ReportRecord,
  type ReportStatus,
} from '../core/report.ts';
import type { ReportStore } from '../core/use-cases/sending-ports.ts';
import { unlessConditionFails } from './dynamo-conflicts.ts';
import { readGate, readGateAndReport, stopWithGates } from './dynamo-stop-gates.ts';
import { addClause, setClause } from './dynamo-update-clauses.ts';

type Item = Record<string, unknown>;

function toItem(r: ReportRecord): Item {
  const { counts, ...rest } = r;
  return { ...rest, item: REPORT_ITEM, ...counts };
}

/** A report item as stored (counts as top-level attributes) → the record; the part store reads it too. */
export function fromItem(item: Item): ReportRecord {
  const counts = Object.fromEntries(
    COUNT_NAMES.map((n) => [n, Number(item[n] ?? 0)]),
  ) as unknown as ReportCounts;
  const { item: _item, ...rest } = item;
  for (const n of COUNT_NAMES) delete rest[n];
  return { ...(rest as Omit<ReportRecord, 'counts'>), counts };
}

export function dynamoReportStore(doc: Dynamo, table: string): ReportStore {
  const key = (reportId: string) => ({ reportId, item: REPORT_ITEM });

  const conditional = async (op: () => Promise<object>): Promise<boolean> =>
    (await unlessConditionFails(op)) !== null;

  const store: ReportStore = {
    async get(reportId) {
      const out = await doc.get({ TableName: table, Key: key(reportId), ConsistentRead: true });
      return out.Item ? fromItem(out.Item) : null;
    },

    async replace(record) {
      const ok = await conditional(() =>
        doc.put({
          TableName: table,
          Item: toItem(record),
          // isReplaceable() as a condition: a replaceable status, and never started.
          ConditionExpression: `attribute_not_exists(reportId) OR (#status IN (${REPLACEABLE_STATUSES.map((_, i) => `:r${i}`).join(', ')}) AND attribute_not_exists(startedAt))`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: Object.fromEntries(REPLACEABLE_STATUSES.map((s, i) => [`:r${i}`, s])),
        }),
      );
      if (ok) return { ok: true };
      const current = await store.get(record.reportId);
      return { ok: false, status: current?.status ?? 'SENDING', startedAt: current?.startedAt };
    },

    async findDue(now) {
      const ids = [
        ...(await reportIdsIn(doc, table, 'SENDING')),
        ...(await reportIdsIn(doc, table, 'SCHEDULED', now)),
      ];
      return [...new Set(ids)];
    },

    async acquireLease(reportId, owner, now, until) {
      const out = await unlessConditionFails(() =>
        doc.update({
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
      );
      return out?.Attributes ? fromItem(out.Attributes) : null;
    },

    async releaseLease(reportId, owner, recentSends = []) {
      // The run's last admissions ride on the release: the next run reads them with its lease.
      const keep = recentSends.length > 0;
      await conditional(() =>
        doc.update({
          TableName: table,
          Key: key(reportId),
          UpdateExpression: keep
            ? 'SET recentSends = :recent REMOVE leaseOwner, leaseUntil'
            : 'REMOVE leaseOwner, leaseUntil, recentSends',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ...(keep ? { ':recent': [...recentSends] } : {}) },
        }),
      );
    },

    async beginSending(reportId, owner, audience, now) {
      await conditional(() =>
        doc.update({
          TableName: table,
          Key: key(reportId),
          UpdateExpression: 'SET audience = :n, startedAt = if_not_exists(startedAt, :now)',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':n': audience, ':owner': owner, ':now': now.toISOString() },
        }),
      );
    },

    async checkpoint(reportId, owner, saved, cursor, add) {
      const a = addClause(add);
      const written = await conditional(() =>
        doc.update({
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
      );
      if (written) return true;
      // The client retries a write whose answer was lost: if that first attempt landed, so did the page.
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
        doc.update({
          TableName: table,
          Key: key(reportId),
          // One run fails once: the run is named, so a write the client retries counts once.
          UpdateExpression: 'SET updatedAt = :now, lastFailedRun = :owner ADD failedRuns :one',
          ConditionExpression:
            'leaseOwner = :owner AND #status = :sending AND (attribute_not_exists(lastFailedRun) OR lastFailedRun <> :owner)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':one': 1,
            ':owner': owner,
            ':sending': 'SENDING',
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (out) return Number(out.Attributes?.failedRuns ?? 0);
      const current = (await doc.get({ TableName: table, Key: key(reportId), ConsistentRead: true })).Item;
      return current?.leaseOwner === owner && current.lastFailedRun === owner
        ? Number(current.failedRuns ?? 0)
        : null;
    },

    async changeStatus(reportId, from, to, now, set = {}) {
      const fields = setClause({ ...set });
      // A person decided: the old pause and the run of failures no longer apply (unless set anew).
      const cleared = ['pauseReason', 'pauseKind', 'failedRuns'].filter((n) => !(n in set));
      const update = {
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
      };
      if (to === 'PAUSED' || to === 'CANCELED') {
        // The status and every stop gate together: no claim commits after this write.
        if (await stopWithGates(doc, table, reportId, update)) {
          const record = await store.get(reportId);
          if (record) return { ok: true, record };
        }
      } else {
        const out = await unlessConditionFails(() => doc.update({ ...update, ReturnValues: 'ALL_NEW' }));
        if (out) return { ok: true, record: fromItem(out.Attributes!) };
      }
      // attribute_not_exists is implied: an unknown report fails the condition too.
      const current = await store.get(reportId);
      return { ok: false, status: current?.status ?? null };
    },

    gate: (reportId, lane) => readGate(doc, table, reportId, lane),
    async gateAndReport(reportId, lane) {
      const { gate, item } = await readGateAndReport(doc, table, reportId, lane);
      return { gate, report: item ? fromItem(item) : null };
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
      doc.update({
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
    );
    return out?.Attributes ? fromItem(out.Attributes) : null;
  }

  return store;
}

/**
 * Every report in these statuses (for `kawaraban report list`): the sparse byStatus index holds
 * report items only and their keys, then each item is read. Newest `sendAt` first.
 */
export async function listReports(
  doc: Dynamo,
  table: string,
  statuses: readonly ReportStatus[] = REPORT_STATUSES,
): Promise<ReportRecord[]> {
  const ids: string[] = [];
  for (const status of statuses) ids.push(...(await reportIdsIn(doc, table, status)));
  const store = dynamoReportStore(doc, table);
  const records: ReportRecord[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    for (const r of await Promise.all(ids.slice(i, i + 10).map((id) => store.get(id))))
      if (r) records.push(r);
  }
  return records.sort((a, b) => (b.sendAt ?? b.createdAt).localeCompare(a.sendAt ?? a.createdAt));
}

/** The ids of reports in `status` (due by `dueBy`, when given) from the sparse byStatus index, in send-time order. */
async function reportIdsIn(
  doc: Dynamo,
  table: string,
  status: ReportStatus,
  dueBy?: Date,
): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.query({
      TableName: table,
      IndexName: 'byStatus',
      KeyConditionExpression: dueBy ? '#status = :s AND sendAt <= :now' : '#status = :s',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: dueBy ? { ':s': status, ':now': dueBy.toISOString() } : { ':s': status },
      ExclusiveStartKey: start,
    });
    for (const it of out.Items ?? []) ids.push(String(it.reportId));
    start = out.LastEvaluatedKey;
  } while (start);
  return ids;
}
