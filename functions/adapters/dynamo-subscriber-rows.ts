/**
 * What every writer of the subscribers table shares: reading a row, and the one shape of a
 * conditional row update (SET named fields, REMOVE others, on `id = :id AND …`), so a status
 * move always sets `statusShard` with the status (contract 5: the dispatcher pages the byStatus
 * index by it) and drops what only a sign-up needs.
 */
import type { ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Dynamo, ScanInput } from './aws/lean/dynamo-port.ts';
import { statusShard, type Subscriber, type SubscriberStatus } from '../core/subscriber.ts';

/** A pending row's confirmation token, its sign-up request and its TTL: gone once it is no longer pending. */
const SIGNUP_ONLY = ['confirmTokenHash', 'confirmExpiresAt', 'signup', 'expiresAt'] as const;

export interface RowChange {
  /** Fields to set, by attribute name; an undefined value is left out. Each is `:<name>` to the condition. */
  set: Record<string, unknown>;
  remove?: readonly string[];
  /** What must hold besides `id = :id` (the row is still the one the use case read). */
  condition: string;
  /** Values the condition names beyond the set ones. */
  values?: Record<string, unknown>;
}

/** The Key and expressions of one conditional update of `current`'s row (for an UpdateCommand or a transaction's Update). */
export function rowUpdate(current: Pick<Subscriber, 'email' | 'id'>, change: RowChange) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':id': current.id, ...change.values };
  const sets: string[] = [];
  for (const [field, value] of Object.entries(change.set)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  // `status` is a reserved word: a condition on it says #status.
  if (change.condition.includes('#status')) names['#status'] = 'status';
  return {
    Key: { email: current.email },
    UpdateExpression: `SET ${sets.join(', ')}${change.remove?.length ? ` REMOVE ${change.remove.join(', ')}` : ''}`,
    ConditionExpression: `id = :id AND ${change.condition}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * A row moving to `to`: status and statusShard together, `stamp` (confirmedAt, unsubscribedAt)
 * set to `at`, what only a sign-up needs removed; `at` is `:<stamp>` to the condition.
 */
export function statusMove(
  current: Pick<Subscriber, 'email' | 'id' | 'shard'>,
  to: SubscriberStatus,
  change: {
    stamp: string;
    at: string;
    set?: Record<string, unknown>;
    condition: string;
    values?: Record<string, unknown>;
  },
) {
  return rowUpdate(current, {
    set: {
      status: to,
      statusShard: statusShard(to, current.shard),
      [change.stamp]: change.at,
      ...change.set,
    },
    remove: SIGNUP_ONLY,
    condition: change.condition,
    ...(change.values ? { values: change.values } : {}),
  });
}

export async function getRow(db: Dynamo, table: string, email: string): Promise<Subscriber | null> {
  const out = await db.get({ TableName: table, Key: { email }, ConsistentRead: true });
  return (out.Item as Subscriber | undefined) ?? null;
}

/** The items of a scan of the table, page by page (empty pages skipped). */
export async function* scanPages(
  db: Dynamo,
  input: ScanInput,
): AsyncGenerator<NonNullable<ScanCommandOutput['Items']>> {
  let start = input.ExclusiveStartKey;
  do {
    const page = await db.scan({ ...input, ExclusiveStartKey: start });
    if (page.Items?.length) yield page.Items;
    start = page.LastEvaluatedKey;
  } while (start);
}
