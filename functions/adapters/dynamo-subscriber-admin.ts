/**
 * The operator's side of the subscribers table (`kawaraban subscribers`): listing, finding every
 * spelling of a mailbox, erasing a person with a hashed tombstone left behind.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { cancellationReasons } from './dynamo-conflicts.ts';
import { mailboxKey } from '../core/email-address.ts';
import { tombstoneKey, type Subscriber } from '../core/subscriber.ts';
import { getRow, scanPages } from './dynamo-subscriber-rows.ts';

export interface SubscriberAdmin {
  /** Every subscriber row (not counters or tombstones), page by page. */
  scan(): AsyncGenerator<Subscriber[]>;
  /**
   * Every row whose address reaches the same mailbox as `email` (mailboxKey: case, `+tag`,
   * Gmail dots), `email` itself included. A scan, for the operator's rare per-person requests:
   * rows keep the address as typed, so no key can find another case of it.
   */
  spellingsOf(email: string): Promise<Subscriber[]>;
  /** Deletes the row and leaves a hashed tombstone; true when there was a row. */
  erase(email: string, at: string): Promise<boolean>;
  isTombstoned(email: string): Promise<boolean>;
}

// Counters ("rl#…") and tombstones have no id.
const SUBSCRIBER_ROWS = {
  FilterExpression: 'attribute_exists(id) AND attribute_exists(#status)',
  ExpressionAttributeNames: { '#status': 'status' },
};

export function dynamoSubscriberAdmin(db: Dynamo, table: string): SubscriberAdmin {
  return {
    async *scan() {
      for await (const items of scanPages(db, { TableName: table, ...SUBSCRIBER_ROWS }))
        yield items as Subscriber[];
    },

    async spellingsOf(email) {
      const mailbox = mailboxKey(email);
      const found: Subscriber[] = [];
      for await (const items of scanPages(db, {
        TableName: table,
        ...SUBSCRIBER_ROWS,
        ProjectionExpression: 'email',
      })) {
        for (const item of items) {
          const candidate = String(item.email);
          if (mailboxKey(candidate) !== mailbox) continue;
          // Read again, consistently: the scan's copy may be stale and holds only the key.
          const row = await getRow(db, table, candidate);
          if (row) found.push(row);
        }
      }
      return found.sort((a, b) => a.email.localeCompare(b.email));
    },

    async erase(email, at) {
      const row = await getRow(db, table, email);
      try {
        await db.transactWrite({
          TransactItems: [
            ...(row
              ? [
                  {
                    Delete: {
                      TableName: table,
                      Key: { email },
                      ConditionExpression: 'id = :id',
                      ExpressionAttributeValues: { ':id': row.id },
                    },
                  },
                ]
              : []),
            { Put: { TableName: table, Item: { email: tombstoneKey(email), deletedAt: at } } },
          ],
        });
      } catch (err) {
        if (cancellationReasons(err))
          throw new Error('the subscriber changed while being deleted; run the command again');
        throw err;
      }
      return !!row;
    },

    async isTombstoned(email) {
      const out = await db.get({
        TableName: table,
        Key: { email: tombstoneKey(email) },
        ProjectionExpression: 'email',
      });
      return !!out.Item;
    },
  };
}
