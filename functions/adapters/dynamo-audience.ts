/**
 * The subscribers table as the sending side sees it: confirmed subscribers paged shard by
 * shard through GSI byStatus (`confirmed#07`), and the status changes SES feedback causes.
 * Every status change sets `statusShard` in the same write (contract 5) and is conditional on
 * the status it read, so concurrent changes (an unsubscribe, another event) are never lost.
 */
import type { Dynamo, UpdateInput } from './aws/lean/dynamo-port.ts';
import {
  SHARD_COUNT,
  shardOf,
  statusShard,
  type Locale,
  type Subscriber,
  type SubscriberStatus,
} from '../core/subscriber.ts';
import type { Audience, FeedbackChange, SubscriberFeedback } from '../core/use-cases/sending-ports.ts';
import { unlessConditionFails } from './dynamo-conflicts.ts';

/** One shard's subscribers in one status: what a page reads and what a count counts. */
const inStatus = (table: string, status: SubscriberStatus, shard: number) => ({
  TableName: table,
  IndexName: 'byStatus',
  KeyConditionExpression: 'statusShard = :ss',
  ExpressionAttributeValues: { ':ss': statusShard(status, shard) },
});

/** How many subscribers have this status: every shard's byStatus partition, counted (no item read). */
export async function countByStatus(doc: Dynamo, table: string, status: SubscriberStatus): Promise<number> {
  return (await countByShard(doc, table, status)).reduce((a, b) => a + b, 0);
}

/** The same, shard by shard (16 counts at once). */
export function countByShard(doc: Dynamo, table: string, status: SubscriberStatus): Promise<number[]> {
  return Promise.all(
    Array.from({ length: SHARD_COUNT }, async (_, shard) => {
      let n = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.query({
          ...inStatus(table, status, shard),
          Select: 'COUNT',
          ExclusiveStartKey: start,
        });
        n += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
      return n;
    }),
  );
}

export function dynamoAudience(doc: Dynamo, table: string): Audience {
  return {
    async page(shard, startKey, limit) {
      const out = await doc.query({
        ...inStatus(table, 'confirmed', shard),
        ProjectionExpression: 'email, id, locale',
        ExclusiveStartKey: startKey,
        Limit: limit,
      });
      return {
        items: (out.Items ?? []).map((it) => ({
          email: String(it.email),
          id: String(it.id),
          locale: (it.locale === 'en' ? 'en' : 'ja') as Locale,
        })),
        lastKey: out.LastEvaluatedKey as Record<string, string> | undefined,
      };
    },

    // byStatus's keys (statusShard, email) and the table's (email): what LastEvaluatedKey holds.
    after: (shard, recipient) => ({ statusShard: statusShard('confirmed', shard), email: recipient.email }),

    countConfirmed: () => countByStatus(doc, table, 'confirmed'),
    countConfirmedByShard: () => countByShard(doc, table, 'confirmed'),
  };
}

type Stored = Subscriber & { softBounceEvents?: Set<string> };

/** What `change` writes, and what it reports once the write lands. */
type Decision = {
  result: FeedbackChange;
  update: Omit<UpdateInput, 'TableName' | 'Key'>;
};

export function dynamoSubscriberFeedback(doc: Dynamo, table: string): SubscriberFeedback {
  const read = async (email: string): Promise<Stored | null> => {
    const out = await doc.get({ TableName: table, Key: { email }, ConsistentRead: true });
    return (out.Item as Stored | undefined) ?? null;
  };

  /**
   * Read, decide, write with a condition on what was read; on a lost race read again.
   * `decide` returns null for "nothing to do", or the update to make.
   */
  async function change(email: string, decide: (s: Stored) => Decision | null): Promise<FeedbackChange> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const s = await read(email);
      if (!s?.statusShard) return 'unknown';
      const d = decide(s);
      if (!d) return 'unchanged';
      const written = await unlessConditionFails(() =>
        doc.update({ TableName: table, Key: { email }, ...d.update }),
      );
      if (written) return d.result;
    }
    throw new Error('subscriber kept changing under an SES event; giving up for a retry');
  }

  /**
   * SET status + statusShard (+ a timestamp) on condition that the status is still `from`.
   * REMOVE expiresAt: a pending row carries a TTL, but a suppression must outlive it, or a
   * bounced or complaining address would be mailed again by the next sign-up attempt.
   */
  const moveTo = (
    s: Stored,
    to: SubscriberStatus,
    at: string,
    stampName: string,
    extraSet = '',
    extraValues = {},
  ) => ({
    UpdateExpression: `SET #status = :to, statusShard = :ss, ${stampName} = :at${extraSet} REMOVE expiresAt`,
    ConditionExpression: '#status = :from',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':to': to,
      ':ss': statusShard(to, Number.isInteger(s.shard) ? s.shard : shardOf(s.email)),
      ':at': at,
      ':from': s.status,
      ...extraValues,
    },
  });

  const sendable = (s: Stored) => s.status === 'pending' || s.status === 'confirmed';

  return {
    hardBounce(email, now) {
      return change(email, (s) =>
        sendable(s)
          ? { result: 'suppressed', update: moveTo(s, 'bounced', now.toISOString(), 'bouncedAt') }
          : null,
      );
    },

    softBounce(email, eventId, limit, now) {
      return change(email, (s) => {
        if (!sendable(s) || s.softBounceEvents?.has(eventId)) return null;
        const prev = s.softBounces ?? 0;
        const next = prev + 1;
        const guard = {
          ConditionExpression:
            '#status = :from AND (attribute_not_exists(softBounces) OR softBounces = :prev) AND NOT contains(softBounceEvents, :eid)',
        };
        const common = { ':prev': prev, ':eid': eventId, ':n': next, ':ids': new Set([eventId]) };
        if (next >= limit) {
          const u = moveTo(s, 'bounced', now.toISOString(), 'bouncedAt', ', softBounces = :n', common);
          return {
            result: 'suppressed',
            update: { ...u, ...guard, UpdateExpression: `${u.UpdateExpression} ADD softBounceEvents :ids` },
          };
        }
        return {
          result: 'changed',
          update: {
            UpdateExpression: 'SET softBounces = :n ADD softBounceEvents :ids',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':from': s.status, ...common },
            ...guard,
          },
        };
      });
    },

    complaint(email, now) {
      return change(email, (s) =>
        s.status === 'complained'
          ? null
          : { result: 'suppressed', update: moveTo(s, 'complained', now.toISOString(), 'complainedAt') },
      );
    },

    async delivered(email) {
      const out = await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: { email },
          // The ids of soft bounces already counted stay: SES events arrive at least once, and
          // one delivered again after this delivery must not start a new run. (A few ids a year.)
          UpdateExpression: 'SET softBounces = :zero',
          ConditionExpression: 'softBounces > :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
      return out ? 'changed' : 'unchanged';
    },
  };
}
