/**
 * The delivery ledger's DynamoDB requests, built and nothing sent: the row a claim puts, the
 * checks it carries, and the updates that move a row on. dynamo-ledger.ts sends them, alone or
 * grouped in transactions (dynamo-ledger-groups.ts).
 */
import { ledgerItemKey, type LedgerRow, type LedgerState } from '../core/report.ts';
import type { LedgerClaim, SentMark } from '../core/use-cases/sending-ports.ts';
import type { CancellationReason } from './dynamo-conflicts.ts';
import { gateCheck } from './dynamo-stop-gates.ts';

export interface SendingTables {
  reports: string;
  subscribers: string;
}

/** The attributes of a ledger row a cancelled transaction hands back (raw AttributeValues). */
export function rowFromReason(
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

export type LedgerItems = ReturnType<typeof ledgerItems>;

export function ledgerItems(tables: SendingTables) {
  const key = (reportId: string, email: string) => ({ reportId, item: ledgerItemKey(email) });
  return {
    key,

    /** The subscriber is still confirmed: what honours an unsubscribe that lands mid-send. */
    stillConfirmed: (email: string) => ({
      ConditionCheck: {
        TableName: tables.subscribers,
        Key: { email },
        ConditionExpression: '#status = :confirmed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':confirmed': 'confirmed' },
      },
    }),

    /** The claim's stop gate as a transaction item (none without a gate). */
    gateOf: (c: LedgerClaim) => (c.gate ? [gateCheck(tables.reports, c.reportId, c.gate)] : []),

    /** The new ledger row, written only if there is none (an existing one comes back in the cancellation reason). */
    claimPut: (c: LedgerClaim) => ({
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
    }),

    /** A claimed row whose claimant's lease ran out, claimed again under a new token. */
    takeOverUpdate: (c: LedgerClaim & { oldToken: string }) => ({
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
    }),

    /** claimed → sent, only for the claimant (token) and only from `claimed`. */
    markSentUpdate: (reportId: string, m: SentMark, at: string) => ({
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
    }),

    /** The message id alone, for a row an SES event already moved on (still ours by its token). */
    messageIdUpdate: (reportId: string, m: SentMark, at: string) => ({
      TableName: tables.reports,
      Key: key(reportId, m.email),
      UpdateExpression: 'SET messageId = :mid, sentAt = :at',
      ConditionExpression: 'claimToken = :token',
      ExpressionAttributeValues: { ':mid': m.messageId, ':at': at, ':token': m.token },
    }),
  };
}
