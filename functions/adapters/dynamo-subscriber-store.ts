/**
 * The subscribers table behind the subscribe / confirm / unsubscribe ports and the CLI.
 * Every status change sets `statusShard` in the same update (the dispatcher pages the
 * byStatus index by it) and is conditional on what the use case read, so a concurrent
 * change (a bounce, a second click) is never overwritten blindly.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { ConsentEvidence } from '../core/subscriber.ts';
import type { ConfirmationRenewal, SubscribeStore } from '../core/use-cases/subscribe.ts';
import type { ConfirmStore } from '../core/use-cases/confirm.ts';
import type { UnsubscribeStore } from '../core/use-cases/unsubscribe.ts';
import { isConditionFailure } from './dynamo-conflicts.ts';
import { dynamoSubscriberAdmin, type SubscriberAdmin } from './dynamo-subscriber-admin.ts';
import { getRow, rowUpdate, statusMove } from './dynamo-subscriber-rows.ts';

export type SubscriberStore = SubscribeStore & ConfirmStore & UnsubscribeStore & SubscriberAdmin;

export function dynamoSubscriberStore(db: Dynamo, table: string): SubscriberStore {
  /** Runs a conditional write: true when written, false when its condition failed. */
  async function conditional(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  const update = (change: ReturnType<typeof rowUpdate>) =>
    conditional(() => db.update({ TableName: table, ...change }));
  const get = (email: string) => getRow(db, table, email);

  return {
    ...dynamoSubscriberAdmin(db, table),

    get,

    async findById(id) {
      // The byId index is KEYS_ONLY and eventually consistent: read the row itself after it.
      const out = await db.query({
        TableName: table,
        IndexName: 'byId',
        KeyConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': id },
        Limit: 2,
      });
      const email = out.Items?.[0]?.email as string | undefined;
      if (!email) return null;
      const row = await get(email);
      return row?.id === id ? row : null;
    },

    createPending(subscriber) {
      return conditional(() =>
        db.put({
          TableName: table,
          Item: subscriber,
          ConditionExpression: 'attribute_not_exists(email)',
        }),
      );
    },

    renewConfirmation(current, renewal: ConfirmationRenewal) {
      return update(
        rowUpdate(current, {
          set: {
            confirmTokenHash: renewal.confirmTokenHash,
            confirmExpiresAt: renewal.confirmExpiresAt,
            lastConfirmationSentAt: renewal.lastConfirmationSentAt,
            locale: renewal.locale,
            signup: renewal.signup,
            expiresAt: renewal.expiresAt,
          },
          condition: '#status = :seen',
          values: { ':seen': current.status },
        }),
      );
    },

    markConfirmed(current, tokenHash: string, at: string, consent: ConsentEvidence) {
      return update(
        statusMove(current, 'confirmed', {
          stamp: 'confirmedAt',
          at,
          set: { consent, usedConfirmTokenHash: tokenHash },
          // The link is the outstanding one and has not expired at the moment it is used.
          condition: 'confirmTokenHash = :usedConfirmTokenHash AND confirmExpiresAt > :confirmedAt',
        }),
      );
    },

    markUnsubscribed(current, at) {
      return update(
        statusMove(current, 'unsubscribed', {
          stamp: 'unsubscribedAt',
          at,
          condition: '#status = :seen',
          values: { ':seen': current.status },
        }),
      );
    },
  };
}
