/**
 * The subscribers table as `subscribers import` sees it. Lookups read an address's row, its
 * tombstone and its mailbox's bounce/complaint mark together, a hundred keys per BatchGetItem;
 * each write is a transaction that also checks that no tombstone and no mark exist, so an
 * erasure or a bounce that lands between the lookup and the write still wins.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { ImportState } from '../core/import-decision.ts';
import { tombstoneKey, type Subscriber } from '../core/subscriber.ts';
import type { ImportStore } from '../core/use-cases/import-subscribers.ts';
import { addressKey } from '../core/use-cases/rate-limits.ts';
import { cancellationReasons, errorName } from './dynamo-conflicts.ts';
import { suppressedKey } from './dynamo-rate-limit-store.ts';
import { scanPages, statusMove } from './dynamo-subscriber-rows.ts';

type SaidNo = { email: string; status: 'unsubscribed' | 'bounced' | 'complained' };
type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

export function dynamoImportStore(db: Dynamo, table: string): ImportStore {
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
        const out = await db.batchGet({ RequestItems: { [table]: { Keys: request, ConsistentRead: true } } });
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
  async function transact(items: TransactItems): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await db.transactWrite({ TransactItems: items });
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
  let saidNo: Promise<Map<string, SaidNo[]>> | undefined;
  const saidNoByCase = () =>
    (saidNo ??= (async () => {
      const byLower = new Map<string, SaidNo[]>();
      const pages = scanPages(db, {
        TableName: table,
        FilterExpression: '#status IN (:u, :b, :c)',
        ProjectionExpression: 'email, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':u': 'unsubscribed', ':b': 'bounced', ':c': 'complained' },
      });
      for await (const items of pages) {
        for (const item of items) {
          const email = String(item.email);
          const list = byLower.get(email.toLowerCase()) ?? [];
          list.push({ email, status: item.status });
          byLower.set(email.toLowerCase(), list);
        }
      }
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
            ...statusMove(current, 'confirmed', {
              stamp: 'confirmedAt',
              at,
              set: { consent, usedConfirmTokenHash: token },
              condition: `#status = :from AND ${token ? 'confirmTokenHash = :usedConfirmTokenHash' : 'attribute_not_exists(confirmTokenHash)'}`,
              values: { ':from': 'pending' },
            }),
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
