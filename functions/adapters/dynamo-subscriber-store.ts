/**
 * The subscribers table behind the subscribe / confirm / unsubscribe ports and the CLI.
 * Every status change sets `statusShard` in the same update (the dispatcher pages the
 * byStatus index by it) and is conditional on what the use case read, so a concurrent
 * change (a bounce, a second click) is never overwritten blindly.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  statusShard,
  tombstoneKey,
  type ConsentEvidence,
  type Subscriber,
  type SubscriberStatus,
} from '../core/subscriber.ts';
import type { ConfirmationRenewal, SubscribeStore } from '../core/use-cases/subscribe.ts';
import type { ConfirmStore } from '../core/use-cases/confirm.ts';
import type { UnsubscribeStore } from '../core/use-cases/unsubscribe.ts';
import type { ImportStore } from '../core/use-cases/import-subscribers.ts';
import type { ImportState } from '../core/import-rules.ts';
import { addressKey } from '../core/use-cases/rate-limits.ts';
import { mailboxKey } from '../core/email-address.ts';
import { cancellationReasons, errorName } from './dynamo-conflicts.ts';
import { suppressedKey } from './dynamo-rate-limit-store.ts';

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

export type SubscriberStore = SubscribeStore & ConfirmStore & UnsubscribeStore & SubscriberAdmin;

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

export function dynamoSubscriberStore(db: DynamoDBDocumentClient, table: string): SubscriberStore {
  async function conditional(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** A conditional update of the row at `email`: true when written, false when its condition failed. */
  function updateRow(email: string, update: Omit<UpdateCommandInput, 'TableName' | 'Key'>): Promise<boolean> {
    return conditional(() => db.send(new UpdateCommand({ TableName: table, Key: { email }, ...update })));
  }

  /**
   * Moves a row to `to` with its statusShard in the same write (contract 5) and a timestamp,
   * dropping what only a sign-up needs (the confirmation token, the pending row's TTL);
   * conditional on the row's id and `change.condition`, so a concurrent change is never overwritten.
   */
  function setStatus(
    current: Pick<Subscriber, 'email' | 'id' | 'shard'>,
    to: SubscriberStatus,
    change: { stamp: string; at: string; set?: string; condition: string; values: Record<string, unknown> },
  ): Promise<boolean> {
    return updateRow(current.email, {
      UpdateExpression:
        `SET #status = :to, statusShard = :shard, ${change.stamp} = :at${change.set ?? ''} ` +
        'REMOVE confirmTokenHash, confirmExpiresAt, signup, expiresAt',
      ConditionExpression: `id = :id AND ${change.condition}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':to': to,
        ':shard': statusShard(to, current.shard),
        ':at': change.at,
        ':id': current.id,
        ...change.values,
      },
    });
  }

  async function get(email: string): Promise<Subscriber | null> {
    const out = await db.send(new GetCommand({ TableName: table, Key: { email }, ConsistentRead: true }));
    return (out.Item as Subscriber | undefined) ?? null;
  }

  return {
    get,

    async findById(id) {
      // The byId index is KEYS_ONLY and eventually consistent: read the row itself after it.
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byId',
          KeyConditionExpression: 'id = :id',
          ExpressionAttributeValues: { ':id': id },
          Limit: 2,
        }),
      );
      const email = out.Items?.[0]?.email as string | undefined;
      if (!email) return null;
      const row = await get(email);
      return row?.id === id ? row : null;
    },

    createPending(subscriber) {
      return conditional(() =>
        db.send(
          new PutCommand({
            TableName: table,
            Item: subscriber,
            ConditionExpression: 'attribute_not_exists(email)',
          }),
        ),
      );
    },

    renewConfirmation(current, renewal: ConfirmationRenewal) {
      const ttl = renewal.expiresAt === undefined ? '' : ', expiresAt = :ttl';
      return updateRow(current.email, {
        UpdateExpression:
          'SET confirmTokenHash = :h, confirmExpiresAt = :x, lastConfirmationSentAt = :sent, ' +
          `locale = :locale, signup = :signup${ttl}`,
        ConditionExpression: 'id = :id AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':h': renewal.confirmTokenHash,
          ':x': renewal.confirmExpiresAt,
          ':sent': renewal.lastConfirmationSentAt,
          ':locale': renewal.locale,
          ':signup': renewal.signup,
          ':id': current.id,
          ':status': current.status,
          ...(renewal.expiresAt === undefined ? {} : { ':ttl': renewal.expiresAt }),
        },
      });
    },

    markConfirmed(current, tokenHash: string, at: string, consent: ConsentEvidence) {
      return setStatus(current, 'confirmed', {
        stamp: 'confirmedAt',
        at,
        set: ', consent = :consent, usedConfirmTokenHash = :h',
        condition: 'confirmTokenHash = :h AND confirmExpiresAt > :at',
        values: { ':consent': consent, ':h': tokenHash },
      });
    },

    markUnsubscribed(current, at) {
      return setStatus(current, 'unsubscribed', {
        stamp: 'unsubscribedAt',
        at,
        condition: '#status = :seen',
        values: { ':seen': current.status },
      });
    },

    async *scan() {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new ScanCommand({
            TableName: table,
            // Counters ("rl#…") and tombstones have no id.
            FilterExpression: 'attribute_exists(id) AND attribute_exists(#status)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExclusiveStartKey: start,
          }),
        );
        if (out.Items?.length) yield out.Items as Subscriber[];
        start = out.LastEvaluatedKey;
      } while (start);
    },

    async spellingsOf(email) {
      const mailbox = mailboxKey(email);
      const found: Subscriber[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: 'attribute_exists(id) AND attribute_exists(#status)',
            ProjectionExpression: 'email',
            ExpressionAttributeNames: { '#status': 'status' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          const candidate = String(item.email);
          if (mailboxKey(candidate) !== mailbox) continue;
          // Read again, consistently: the scan's copy may be stale and holds only the key.
          const row = await get(candidate);
          if (row) found.push(row);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return found.sort((a, b) => a.email.localeCompare(b.email));
    },

    async erase(email, at) {
      const row = await get(email);
      try {
        await db.send(
          new TransactWriteCommand({
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
          }),
        );
      } catch (err) {
        if (err instanceof TransactionCanceledException)
          throw new Error('the subscriber changed while being deleted; run the command again');
        throw err;
      }
      return !!row;
    },

    async isTombstoned(email) {
      const out = await db.send(
        new GetCommand({
          TableName: table,
          Key: { email: tombstoneKey(email) },
          ProjectionExpression: 'email',
        }),
      );
      return !!out.Item;
    },
  };
}

/**
 * The subscribers table as `subscribers import` sees it. Lookups read an address's row, its
 * tombstone and its mailbox's bounce/complaint mark together, a hundred keys per BatchGetItem;
 * each write is a transaction that also checks that no tombstone and no mark exist, so an
 * erasure or a bounce that lands between the lookup and the write still wins.
 */
export function dynamoImportStore(db: DynamoDBDocumentClient, table: string): ImportStore {
  /** The item dynamo-rate-limit-store.ts writes to mark a mailbox that bounced or complained. */
  const mailboxMark = (email: string) => suppressedKey(addressKey(email));
  const absent = (key: string) => ({
    ConditionCheck: {
      TableName: table,
      Key: { email: key },
      ConditionExpression: 'attribute_not_exists(email)',
    },
  });

  async function batchGet(keys: string[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map((email) => ({ email }));
      for (let attempt = 0; request?.length; attempt++) {
        if (attempt > 0) await pause(attempt);
        const out = await db.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: request, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[table] ?? []) found.set(String(item.email), item);
        request = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  /**
   * Runs a transaction: true when written, false when a condition failed; retried while it is
   * only cancelled by a conflicting write or throttling.
   */
  async function transact(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return true;
      } catch (err) {
        const reasons = cancellationReasons(err);
        if (reasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
        const transient =
          errorName(err) === 'TransactionConflictException' ||
          (!!reasons &&
            reasons.every(
              (r) => !r.Code || ['None', 'TransactionConflict', 'ThrottlingError'].includes(r.Code),
            ));
        if (!transient || attempt >= 7) throw err;
        await pause(attempt + 1);
      }
    }
  }

  /**
   * Rows that said no (unsubscribed, bounced, complained), by lower-cased address: rows keep the
   * case they were typed in, so no key finds `Taro@` from `taro@`. One scan per import, on its
   * first lookup; an opt-out made in another case during the import itself is not seen.
   */
  let saidNo:
    | Promise<Map<string, { email: string; status: 'unsubscribed' | 'bounced' | 'complained' }[]>>
    | undefined;
  const saidNoByCase = () =>
    (saidNo ??= (async () => {
      const byLower = new Map<
        string,
        { email: string; status: 'unsubscribed' | 'bounced' | 'complained' }[]
      >();
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: '#status IN (:u, :b, :c)',
            ProjectionExpression: 'email, #status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':u': 'unsubscribed', ':b': 'bounced', ':c': 'complained' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          const email = String(item.email);
          const list = byLower.get(email.toLowerCase()) ?? [];
          list.push({ email, status: item.status });
          byLower.set(email.toLowerCase(), list);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return byLower;
    })());

  return {
    async lookup(emails) {
      const keys = new Set<string>();
      for (const email of emails) keys.add(email).add(tombstoneKey(email)).add(mailboxMark(email));
      const [found, byCase] = await Promise.all([batchGet([...keys]), saidNoByCase()]);
      const states = new Map<string, ImportState>();
      for (const email of emails) {
        const other = byCase.get(email.toLowerCase())?.find((r) => r.email !== email);
        states.set(email, {
          row: (found.get(email) as Subscriber | undefined) ?? null,
          erased: found.has(tombstoneKey(email)),
          mailboxSuppressed: found.has(mailboxMark(email)),
          ...(other ? { otherCaseSaidNo: other.status } : {}),
        });
      }
      return states;
    },

    createConfirmed(subscriber) {
      return transact([
        { Put: { TableName: table, Item: subscriber, ConditionExpression: 'attribute_not_exists(email)' } },
        absent(tombstoneKey(subscriber.email)),
        absent(mailboxMark(subscriber.email)),
      ]);
    },

    /**
     * The pending row becomes confirmed with its statusShard (contract 5) and the imported
     * consent. What only a sign-up needs goes: the sign-up request (it is not what the consent
     * rests on) and the TTL (a confirmed row must not expire). The outstanding link's hash moves
     * to usedConfirmTokenHash, so the person's confirmation email says "already confirmed".
     */
    confirmPending(current, at, consent) {
      const token = current.confirmTokenHash;
      return transact([
        {
          Update: {
            TableName: table,
            Key: { email: current.email },
            UpdateExpression:
              'SET #status = :to, statusShard = :ss, confirmedAt = :at, consent = :consent' +
              `${token ? ', usedConfirmTokenHash = :h' : ''} ` +
              'REMOVE confirmTokenHash, confirmExpiresAt, signup, expiresAt',
            ConditionExpression: `id = :id AND #status = :from AND ${token ? 'confirmTokenHash = :h' : 'attribute_not_exists(confirmTokenHash)'}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': 'confirmed',
              ':ss': statusShard('confirmed', current.shard),
              ':at': at,
              ':consent': consent,
              ':id': current.id,
              ':from': 'pending',
              ...(token ? { ':h': token } : {}),
            },
          },
        },
        absent(tombstoneKey(current.email)),
        absent(mailboxMark(current.email)),
      ]);
    },
  };
}

/** A short growing pause with jitter before a retry. */
const pause = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) + Math.random() * 25));
