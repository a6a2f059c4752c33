/**
 * The parts of a report sent by parallel workers: items `part#<k>` in the reports table beside
 * the report item (no `status`, so the byStatus index never sees them). Each holds its shard
 * range, lease, cursor and checkpoint number; counts go to the report item in the same
 * transaction as the part's checkpoint, and the report's `partsDone` counts finished parts.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { REPORT_ITEM } from '../core/report.ts';
import { partShards } from '../core/rate-shares.ts';
import type { PartRecord, PartStore } from '../core/use-cases/fan-out-ports.ts';
import { cancellationReasons, retryConflicts, unlessConditionFails } from './dynamo-conflicts.ts';
import { fromItem as reportFromItem } from './dynamo-report-store.ts';
import { stopWithGates } from './dynamo-stop-gates.ts';
import { addClause } from './dynamo-update-clauses.ts';

const partItem = (k: number) => `part#${String(k).padStart(2, '0')}`;

function fromPart(item: Record<string, unknown>): PartRecord {
  const { item: _i, ...rest } = item;
  return rest as unknown as PartRecord;
}

export function dynamoPartStore(doc: Dynamo, table: string): PartStore {
  const key = (reportId: string, k: number) => ({ reportId, item: partItem(k) });
  const reportKey = (reportId: string) => ({ reportId, item: REPORT_ITEM });
  const getPart = async (reportId: string, k: number) =>
    (await doc.get({ TableName: table, Key: key(reportId, k), ConsistentRead: true })).Item;

  const store: PartStore = {
    async split(reportId, parts, weights) {
      // The first split wins: a report keeps its parts (and their cursors, and weights) for good.
      const weighted = weights?.length === parts;
      await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: reportKey(reportId),
          UpdateExpression: weighted ? 'SET parts = :n, partWeights = :w' : 'SET parts = :n',
          ConditionExpression: 'attribute_exists(reportId) AND attribute_not_exists(parts)',
          ExpressionAttributeValues: { ':n': parts, ...(weighted ? { ':w': [...weights] } : {}) },
        }),
      );
      const report = (await doc.get({ TableName: table, Key: reportKey(reportId), ConsistentRead: true }))
        .Item;
      const n = Number(report?.parts ?? parts);
      for (let k = 0; k < n; k++) {
        await unlessConditionFails(() =>
          doc.put({
            TableName: table,
            Item: { ...key(reportId, k), reportId, part: k, parts: n, ...partShards(k, n) },
            ConditionExpression: 'attribute_not_exists(reportId)',
          }),
        );
      }
      return store.list(reportId);
    },

    async list(reportId) {
      const out = await doc.query({
        TableName: table,
        KeyConditionExpression: 'reportId = :r AND begins_with(#item, :p)',
        ExpressionAttributeNames: { '#item': 'item' },
        ExpressionAttributeValues: { ':r': reportId, ':p': 'part#' },
        ConsistentRead: true,
      });
      return (out.Items ?? []).map(fromPart).sort((a, b) => a.part - b.part);
    },

    async lease(reportId, k, owner, now, until) {
      const out = await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: key(reportId, k),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression:
            'attribute_exists(reportId) AND attribute_not_exists(done) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': until.toISOString(),
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out?.Attributes ? fromPart(out.Attributes) : null;
    },

    async release(reportId, k, owner, recentSends = []) {
      // The run's last admissions ride on the release: the part's next run reads them with its lease.
      const keep = recentSends.length > 0;
      await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: key(reportId, k),
          UpdateExpression: keep
            ? 'SET recentSends = :recent REMOVE leaseOwner, leaseUntil'
            : 'REMOVE leaseOwner, leaseUntil, recentSends',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner, ...(keep ? { ':recent': [...recentSends] } : {}) },
        }),
      );
    },

    async checkpoint(reportId, k, owner, saved, cursor, add) {
      const a = addClause(add);
      const now = new Date().toISOString();
      try {
        await retryConflicts(() =>
          doc.transactWrite({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: key(reportId, k),
                  UpdateExpression: 'SET #cursor = :cursor, checkpoints = :next',
                  ConditionExpression: `leaseOwner = :owner AND ${saved === 0 ? 'attribute_not_exists(checkpoints)' : 'checkpoints = :saved'}`,
                  ExpressionAttributeNames: { '#cursor': 'cursor' },
                  ExpressionAttributeValues: {
                    ':cursor': cursor,
                    ':next': saved + 1,
                    ':owner': owner,
                    ...(saved === 0 ? {} : { ':saved': saved }),
                  },
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: reportKey(reportId),
                  // A saved page ends a run of failed runs, as on a single dispatcher.
                  UpdateExpression: `SET updatedAt = :now${a.expr} REMOVE failedRuns`,
                  ExpressionAttributeValues: { ':now': now, ...a.values },
                },
              },
            ],
          }),
        );
        return true;
      } catch (err) {
        if (!cancellationReasons(err)?.some((r) => r.Code === 'ConditionalCheckFailed')) throw err;
        // The client retries a write whose answer was lost: if that first attempt landed, so did the page.
        const current = await getPart(reportId, k);
        return current?.leaseOwner === owner && current.checkpoints === saved + 1;
      }
    },

    async finishPart(reportId, k, owner, now) {
      try {
        await retryConflicts(() =>
          doc.transactWrite({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: key(reportId, k),
                  UpdateExpression: 'SET done = :t, doneAt = :now REMOVE leaseOwner, leaseUntil',
                  ConditionExpression: 'leaseOwner = :owner AND attribute_not_exists(done)',
                  ExpressionAttributeValues: { ':t': true, ':now': now.toISOString(), ':owner': owner },
                },
              },
              {
                Update: {
                  TableName: table,
                  Key: reportKey(reportId),
                  UpdateExpression:
                    'SET updatedAt = :now, partsFinished = list_append(if_not_exists(partsFinished, :none), :this) ADD partsDone :one',
                  ExpressionAttributeValues: {
                    ':now': now.toISOString(),
                    ':one': 1,
                    ':none': [],
                    ':this': [{ part: k, at: now.toISOString() }],
                  },
                },
              },
            ],
          }),
        );
      } catch (err) {
        if (!cancellationReasons(err)?.some((r) => r.Code === 'ConditionalCheckFailed')) throw err;
        // A lost answer to our own first attempt leaves the part done and no lease: fine too.
        const current = await getPart(reportId, k);
        if (!current?.done || current.leaseOwner !== undefined) return null;
      }
      const report = (await doc.get({ TableName: table, Key: reportKey(reportId), ConsistentRead: true }))
        .Item;
      return report ? reportFromItem(report) : null;
    },

    async finishReport(reportId, parts, now) {
      const out = await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: reportKey(reportId),
          UpdateExpression: 'SET #status = :sent, completedAt = :now, updatedAt = :now',
          ConditionExpression: '#status = :sending AND partsDone >= :n',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sent': 'SENT',
            ':sending': 'SENDING',
            ':now': now.toISOString(),
            ':n': parts,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out?.Attributes ? reportFromItem(out.Attributes) : null;
    },

    async pauseReport(reportId, reason, now, kind) {
      // The other workers' claims stop with it: the status and every stop gate in one transaction.
      const paused = await stopWithGates(doc, table, reportId, {
        TableName: table,
        Key: reportKey(reportId),
        UpdateExpression: 'SET #status = :paused, pauseReason = :reason, pauseKind = :kind, updatedAt = :now',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':paused': 'PAUSED',
          ':sending': 'SENDING',
          ':reason': reason,
          ':kind': kind,
          ':now': now.toISOString(),
        },
      });
      if (!paused) return null;
      const report = (await doc.get({ TableName: table, Key: reportKey(reportId), ConsistentRead: true }))
        .Item;
      return report ? reportFromItem(report) : null;
    },
  };
  return store;
}
