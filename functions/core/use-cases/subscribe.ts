/**
 * Subscribe: the double opt-in sign-up, and "send me a new link" from an expired one.
 *
 * subscribe():
 * 1. Count the request against the client's address or /64, and an IPv6 client's /48 too
 *    (fixed windows) → rate-limited. First, before anything about the request is judged: a
 *    client sending garbage or bot traffic spends its own budget, not everyone's.
 * 2. A filled honeypot is a bot: neutral answer, nothing stored, nothing sent.
 * 3. Check and normalise the address, and refuse one that can never be delivered
 *    (checkNewAddress) → invalid-email (nothing stored).
 * 4. Read the row. Confirmed: neutral answer, no email (no enumeration, no mail bombing).
 *    Pending, unsubscribed, bounced, complained or absent: go on — every one of them gets
 *    mail again only by pressing the button in a fresh confirmation email.
 * 5. Take a slot in the mailbox's email limit (1 per 10 min, 3 per 24 h; 1 per 7 days for a
 *    mailbox that bounced or complained); none → neutral.
 * 6. Store a fresh token (hash only) on a new pending row or on the existing row, whose
 *    status does not change until the person confirms.
 * 7. Send the confirmation email (counted: ConfirmationEmailsSent).
 * 8. Count the outcome (Subscriptions, by outcome).
 * Every branch of 4–7 returns the same `accepted` outcome; `detail` is for logs and tests only.
 */
import { METRIC, noMetrics, type Metrics } from '../metrics.ts';
import type { Clock } from '../ports.ts';
import { checkNewAddress, type EmailProblem } from '../email-address.ts';
import { shardOf, statusShard, type Locale, type SignupEvidence, type Subscriber } from '../subscriber.ts';
import { newConfirmToken, newSubscriberId, parseConfirmToken, sameDigest } from '../tokens.ts';
import {
  addressKey,
  clientCounters,
  CONFIRMATION_EMAIL_LIMIT,
  SUPPRESSED_CONFIRMATION_LIMIT,
  type LimitResult,
  type RateLimitStore,
} from './rate-limits.ts';

/** A never-confirmed pending row is deleted by TTL this long after its last confirmation email. */
export const PENDING_RETENTION_DAYS = 30;

export interface ConfirmationRenewal {
  confirmTokenHash: string;
  confirmExpiresAt: string;
  lastConfirmationSentAt: string;
  locale: Locale;
  signup: SignupEvidence;
  /** TTL (epoch seconds) for rows that are still pending; other rows never expire. */
  expiresAt?: number;
}

export interface SubscribeStore {
  get(email: string): Promise<Subscriber | null>;
  findById(id: string): Promise<Subscriber | null>;
  /** Puts a new row; false when a row for the address appeared meanwhile. */
  createPending(subscriber: Subscriber & { expiresAt: number }): Promise<boolean>;
  /** Replaces the outstanding token; false when the row changed since it was read. */
  renewConfirmation(
    current: Pick<Subscriber, 'email' | 'id' | 'status'>,
    renewal: ConfirmationRenewal,
  ): Promise<boolean>;
}

export type SendConfirmation = (args: { to: string; token: string; locale: Locale }) => Promise<void>;

export interface SubscribeDeps {
  store: SubscribeStore;
  limits: RateLimitStore;
  sendConfirmation: SendConfirmation;
  clock: Clock;
  confirmTtlHours: number;
  /** Optional: callers that count nothing (tools, most tests) leave it out. */
  metrics?: Metrics;
}

export interface ClientInfo {
  sourceIp: string;
  userAgent: string;
}

export interface SubscribeRequest {
  email: unknown;
  locale: Locale;
  /** Value of the hidden field people never see; bots fill it. */
  honeypot: string;
  /** Which form or client sent it (kept as consent evidence). */
  source: string;
  client: ClientInfo;
}

export type NeutralDetail =
  | 'sent'
  | 'honeypot'
  | 'already-confirmed'
  | 'address-limited'
  | 'changed-meanwhile';

export type SubscribeOutcome =
  | { kind: 'accepted'; detail: NeutralDetail }
  | { kind: 'invalid-email'; problem: EmailProblem }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

export async function subscribe(deps: SubscribeDeps, req: SubscribeRequest): Promise<SubscribeOutcome> {
  const outcome = await signUp(deps, req);
  (deps.metrics ?? noMetrics).count(
    METRIC.subscriptions,
    1,
    outcome.kind === 'accepted' ? outcome.detail : outcome.kind,
  );
  return outcome;
}

/** Steps 1–7. */
async function signUp(deps: SubscribeDeps, req: SubscribeRequest): Promise<SubscribeOutcome> {
  const now = deps.clock.now();
  const counted = await countClient(deps.limits, req.client, now);
  if (!counted.allowed) return { kind: 'rate-limited', retryAfterSeconds: counted.retryAfterSeconds };
  if (req.honeypot.trim() !== '') return { kind: 'accepted', detail: 'honeypot' };
  const checked = checkNewAddress(req.email);
  if (!checked.ok) return { kind: 'invalid-email', problem: checked.problem };
  const existing = await deps.store.get(checked.email);
  if (existing?.status === 'confirmed') return { kind: 'accepted', detail: 'already-confirmed' };
  const signup: SignupEvidence = { at: now.toISOString(), ...req.client, source: req.source };
  const issued = await issueConfirmation(deps, now, checked.email, existing, req.locale, signup);
  return { kind: 'accepted', detail: issued.detail };
}

export type NewLinkOutcome =
  | { kind: 'accepted'; detail: Exclude<NeutralDetail, 'address-limited'> }
  /** The mailbox's email limit said no: the page says so (the token holder knows the address). */
  | { kind: 'address-limited'; retryAfterSeconds: number }
  | { kind: 'invalid' }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

/**
 * "Send me a new link", offered on an expired link's page. Only the holder of the row's
 * outstanding token (expired or not) can ask, so it cannot be aimed at another address.
 * 1. Count the request against the client's network (first, as in subscribe()). 2. Parse the
 * token. 3. Find the row the token names and check its hash. 4. A confirmed row needs nothing. 5. Otherwise steps 5–7 of subscribe();
 * unlike subscribe(), a refusal by the mailbox's email limit is told as such, with the wait: only
 * the holder of the address's own link can ask here, so there is nothing to enumerate, and a
 * page saying "sent" when nothing was would leave the person waiting for a mail that never comes.
 */
export async function requestNewConfirmation(
  deps: SubscribeDeps,
  req: { token: unknown; client: ClientInfo },
): Promise<NewLinkOutcome> {
  const now = deps.clock.now();
  const counted = await countClient(deps.limits, req.client, now);
  if (!counted.allowed) return { kind: 'rate-limited', retryAfterSeconds: counted.retryAfterSeconds };
  const parsed = parseConfirmToken(req.token);
  if (!parsed) return { kind: 'invalid' };
  const row = await deps.store.findById(parsed.id);
  if (!row?.confirmTokenHash || !sameDigest(parsed.hash, row.confirmTokenHash)) return { kind: 'invalid' };
  if (row.status === 'confirmed') return { kind: 'accepted', detail: 'already-confirmed' };
  const signup: SignupEvidence = {
    at: now.toISOString(),
    ...req.client,
    source: row.signup?.source ?? 'new-link',
  };
  const issued = await issueConfirmation(deps, now, row.email, row, row.locale, signup);
  if (issued.detail === 'address-limited')
    return { kind: 'address-limited', retryAfterSeconds: issued.retryAfterSeconds };
  return { kind: 'accepted', detail: issued.detail };
}

/** What issueConfirmation did; a refusal by the mailbox's limit says how long until the next email may go. */
type Issued =
  | { detail: Exclude<NeutralDetail, 'address-limited'> }
  | { detail: 'address-limited'; retryAfterSeconds: number };

async function countClient(limits: RateLimitStore, client: ClientInfo, now: Date): Promise<LimitResult> {
  for (const { key, windows } of clientCounters(client.sourceIp)) {
    const counted = await limits.countRequest(key, windows, now);
    if (!counted.allowed) return counted;
  }
  return { allowed: true };
}

async function issueConfirmation(
  deps: SubscribeDeps,
  now: Date,
  email: string,
  existing: Subscriber | null,
  locale: Locale,
  signup: SignupEvidence,
): Promise<Issued> {
  const key = addressKey(email);
  const spaced = await deps.limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, now);
  if (!spaced.allowed) return { detail: 'address-limited', retryAfterSeconds: spaced.retryAfterSeconds };
  // The row says so for this spelling; the mark, for every spelling of the mailbox. Its own
  // count starts with the first confirmation after the bounce or complaint. Taken second, so a
  // refusal here wastes a slot of the ordinary limit, never this rare one.
  const suppressed =
    existing?.status === 'bounced' ||
    existing?.status === 'complained' ||
    (await deps.limits.isMailboxSuppressed(key));
  if (suppressed) {
    const rare = await deps.limits.recordSpaced(
      `${key}#after-suppression`,
      SUPPRESSED_CONFIRMATION_LIMIT,
      now,
    );
    if (!rare.allowed) return { detail: 'address-limited', retryAfterSeconds: rare.retryAfterSeconds };
  }
  const id = existing?.id ?? newSubscriberId();
  const { token, hash } = newConfirmToken(id);
  const expires = new Date(now.getTime() + deps.confirmTtlHours * 3_600_000);
  const retainUntil = Math.ceil(expires.getTime() / 1000) + PENDING_RETENTION_DAYS * 86_400;
  const renewal: ConfirmationRenewal = {
    confirmTokenHash: hash,
    confirmExpiresAt: expires.toISOString(),
    lastConfirmationSentAt: now.toISOString(),
    locale,
    signup,
  };
  let stored: boolean;
  if (existing) {
    stored = await deps.store.renewConfirmation(existing, {
      ...renewal,
      ...(existing.status === 'pending' ? { expiresAt: retainUntil } : {}),
    });
  } else {
    const shard = shardOf(email);
    stored = await deps.store.createPending({
      email,
      id,
      status: 'pending',
      shard,
      statusShard: statusShard('pending', shard),
      createdAt: now.toISOString(),
      ...renewal,
      expiresAt: retainUntil,
    });
  }
  // A concurrent request for the same address won the write and sends its own email.
  if (!stored) return { detail: 'changed-meanwhile' };
  await deps.sendConfirmation({ to: email, token, locale });
  (deps.metrics ?? noMetrics).count(METRIC.confirmationEmailsSent);
  return { detail: 'sent' };
}
