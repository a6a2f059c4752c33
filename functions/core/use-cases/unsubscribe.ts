/**
 * Unsubscribe: one-click (RFC 8058) or the page's button.
 * 1. Verify the HMAC token in constant time against the key it names → invalid (forged,
 *    truncated, malformed, an unknown key), or retired (a key past its time: the reader is
 *    shown the contact instead).
 * 2. Find the row by id. None (erased with `subscribers delete`): already nothing to stop.
 * 3. Pending or confirmed → unsubscribed (statusShard, unsubscribedAt; an outstanding
 *    confirmation link dies with it). Unsubscribed, bounced, complained: already never
 *    mailed, left as they are, so a repeat is harmless.
 * 4. If the row changed between read and write (a bounce arrived), read and decide again.
 * 5. Count the outcome (Unsubscribes: unsubscribed, already-stopped, retired-key, invalid).
 */
import { METRIC, noMetrics, type Metrics } from '../metrics.ts';
import type { Clock } from '../ports.ts';
import type { Subscriber, SubscriberStatus } from '../subscriber.ts';
import { checkTokenWith, type KeyringSource, type TokenCheck } from '../unsubscribe-keys.ts';

export interface UnsubscribeStore {
  findById(id: string): Promise<Subscriber | null>;
  /** Sets unsubscribed when the row still has this id and status; false otherwise. */
  markUnsubscribed(
    current: Pick<Subscriber, 'email' | 'id' | 'status' | 'shard'>,
    at: string,
  ): Promise<boolean>;
}

export interface UnsubscribeDeps {
  store: UnsubscribeStore;
  clock: Clock;
  /** The HMAC keys (functions/adapters/secret.ts). */
  keys: KeyringSource;
  /** Optional: callers that count nothing (tools, most tests) leave it out. */
  metrics?: Metrics;
}

export type UnsubscribeOutcome =
  | { kind: 'unsubscribed'; subscriberId: string; before: SubscriberStatus | 'erased' }
  | { kind: 'retired' }
  | { kind: 'invalid' };

const ACTIVE: readonly SubscriberStatus[] = ['pending', 'confirmed'];

/** What a token is worth, reading nothing more: for GET /unsubscribe. */
export async function checkUnsubscribeToken(
  deps: Pick<UnsubscribeDeps, 'keys' | 'clock'>,
  token: unknown,
): Promise<'valid' | 'retired' | 'invalid'> {
  return verdict(await checkTokenWith(deps.keys, token, deps.clock.now()));
}

function verdict(check: TokenCheck): 'valid' | 'retired' | 'invalid' {
  return check.kind === 'valid' || check.kind === 'retired' ? check.kind : 'invalid';
}

export async function unsubscribe(deps: UnsubscribeDeps, token: unknown): Promise<UnsubscribeOutcome> {
  const outcome = await unsubscribeOnce(deps, token);
  const counted =
    outcome.kind === 'unsubscribed'
      ? ACTIVE.includes(outcome.before as SubscriberStatus)
        ? 'unsubscribed'
        : 'already-stopped'
      : outcome.kind === 'retired'
        ? 'retired-key'
        : 'invalid';
  (deps.metrics ?? noMetrics).count(METRIC.unsubscribes, 1, counted);
  return outcome;
}

async function unsubscribeOnce(deps: UnsubscribeDeps, token: unknown): Promise<UnsubscribeOutcome> {
  const check = await checkTokenWith(deps.keys, token, deps.clock.now());
  if (check.kind !== 'valid') return { kind: verdict(check) as 'retired' | 'invalid' };
  const id = check.subscriberId;
  const before = await stopMailing(deps, () => deps.store.findById(id));
  return { kind: 'unsubscribed', subscriberId: id, before };
}

/**
 * An operator's `kawaraban subscribers unsubscribe <email>`: a reader who asked by hand (a letter,
 * a call, a mail to the mailbox while a person reads it). Steps 2–4 on the row of that address;
 * the consent record stays, as the law wants it kept.
 */
export async function unsubscribeAddress(
  deps: {
    store: Pick<UnsubscribeStore, 'markUnsubscribed'> & { get(email: string): Promise<Subscriber | null> };
    clock: Clock;
  },
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
