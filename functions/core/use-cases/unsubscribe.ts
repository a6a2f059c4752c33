/**
 * Unsubscribe: one-click (RFC 8058) or the page's button.
 * 1. Verify the HMAC token in constant time → invalid (forged, truncated, malformed).
 * 2. Find the row by id. None (erased with `subscribers delete`): already nothing to stop.
 * 3. Pending or confirmed → unsubscribed (statusShard, unsubscribedAt; an outstanding
 *    confirmation link dies with it). Unsubscribed, bounced, complained: already never
 *    mailed, left as they are, so a repeat is harmless.
 * 4. If the row changed between read and write (a bounce arrived), read and decide again.
 */
import type { Clock } from '../ports.ts';
import type { Subscriber, SubscriberStatus } from '../subscriber.ts';
import { verifyUnsubscribeToken } from '../tokens.ts';

export interface UnsubscribeStore {
  findById(id: string): Promise<Subscriber | null>;
  /** Sets unsubscribed when the row still has this id and status; false otherwise. */
  markUnsubscribed(current: Pick<Subscriber, 'email' | 'id' | 'status' | 'shard'>, at: string): Promise<boolean>;
}

export interface UnsubscribeDeps {
  store: UnsubscribeStore;
  clock: Clock;
  /** The HMAC key (from loadUnsubscribeKey). */
  key: Buffer;
}

export type UnsubscribeOutcome =
  | { kind: 'unsubscribed'; subscriberId: string; before: SubscriberStatus | 'erased' }
  | { kind: 'invalid' };

const ACTIVE: readonly SubscriberStatus[] = ['pending', 'confirmed'];

/** The subscriber id a token names, or null: for GET /unsubscribe, which reads nothing more. */
export function checkUnsubscribeToken(key: Buffer, token: unknown): string | null {
  return verifyUnsubscribeToken(key, token);
}

export async function unsubscribe(deps: UnsubscribeDeps, token: unknown): Promise<UnsubscribeOutcome> {
  const id = verifyUnsubscribeToken(deps.key, token);
  if (!id) return { kind: 'invalid' };
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await deps.store.findById(id);
    if (!row) return { kind: 'unsubscribed', subscriberId: id, before: 'erased' };
    if (!ACTIVE.includes(row.status)) return { kind: 'unsubscribed', subscriberId: id, before: row.status };
    if (await deps.store.markUnsubscribed(row, deps.clock.now().toISOString())) {
      return { kind: 'unsubscribed', subscriberId: id, before: row.status };
    }
  }
  throw new Error(`subscriber ${id} kept changing while unsubscribing`);
}
