/**
 * The delivery ledger: rows `to#<email>` in the reports table beside the report item. The
 * conditional put of a row (together with "the subscriber is still confirmed") is what keeps a
 * reader from getting a report twice; groups of claims and marks share transactions
 * (dynamo-ledger-groups.ts), and a cancelled transaction is finished member by member exactly
 * as single writes would be. The requests themselves are built in dynamo-ledger-items.ts.
 *
 * Ledger rows keep their state in `state`, never `status`: only the report item may appear
 * in the sparse byStatus index.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { clip } from '../core/clip.ts';
import { REPORT_ITEM, type LedgerRow } from '../core/report.ts';
import type { ClaimResult, Ledger, LedgerClaim, SentMark } from '../core/use-cases/sending-ports.ts';
import { cancellationReasons, retryConflicts, unlessConditionFails } from './dynamo-conflicts.ts';
import { ledgerGroups } from './dynamo-ledger-groups.ts';
import { ledgerItems, rowFromReason, type SendingTables } from './dynamo-ledger-items.ts';
import { addClause, setClause } from './dynamo-update-clauses.ts';

export type { SendingTables } from './dynamo-ledger-items.ts';

export function dynamoLedger(doc: Dynamo, tables: SendingTables): Ledger {
  const items = ledgerItems(tables);
  const { key } = items;

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
          TransactItems: [ledgerWrite, items.stillConfirmed(c.email), ...items.gateOf(c)] as never,
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

  /**
   * An SES event (delivery, bounce…) got here first and moved the row on: keep its state, just
   * record the message id. Throws when the row is no longer ours (another claimant's token).
   */
  const recordMessageId = (reportId: string, m: SentMark, at: string) =>
    retryConflicts(() => doc.update(items.messageIdUpdate(reportId, m, at)));

  async function markOne(reportId: string, m: SentMark, at: string): Promise<void> {
    const marked = await unlessConditionFails(() => doc.update(items.markSentUpdate(reportId, m, at)));
    if (!marked) await recordMessageId(reportId, m, at);
  }

  const groups = ledgerGroups(doc, items, {
    claim: (c) => ledger.claim(c),
    markOne,
    recordMessageId,
  });

  const ledger: Ledger = {
    claim(c: LedgerClaim) {
      return claimTransaction(items.claimPut(c), c);
    },

    claimAll(claims, markFirst) {
      return groups.writeAll(markFirst, claims);
    },

    takeOver(c) {
      return claimTransaction(items.takeOverUpdate(c), c);
    },

    async markSent(batch) {
      await groups.writeAll(batch, []);
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
            ':reason': clip(reason, 500),
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
        reason: clip(t.reason ?? '', 500) || undefined,
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
