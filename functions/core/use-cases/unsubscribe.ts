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
  const before = await stopMailing(deps, () => deps.store.findById(id));
  return { kind: 'unsubscribed', subscriberId: id, before };
}

/**
 * An operator's `kawaraban subscribers unsubscribe <email>`: a reader who asked by hand (a letter,
 * a call, a mail to the mailbox while a person reads it). Steps 2–4 on the row of that address;
 * the consent record stays, as the law wants it kept.
 */
export async function unsubscribeAddress(
  deps: { store: Pick<UnsubscribeStore, 'markUnsubscribed'> & { get(email: string): Promise<Subscriber | null> }; clock: Clock },
  email: string,
): Promise<SubscriberStatus | 'erased'> {
  return stopMailing(deps, () => deps.store.get(email));
}

/** Steps 2–4 for the row `read` returns; what it was before (`erased`: no row). */
async function stopMailing(
  deps: { store: Pick<UnsubscribeStore, 'markUnsubscribed'>; clock: Clock },
  read: () => Promise<Subscriber | null>,
): Promise<SubscriberStatus | 'erased'> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await read();
    if (!row) return 'erased';
    if (!ACTIVE.includes(row.status)) return row.status;
    if (await deps.store.markUnsubscribed(row, deps.clock.now().toISOString())) return row.status;
  }
  throw new Error('the subscriber kept changing while unsubscribing');
}
