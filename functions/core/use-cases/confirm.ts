/**
 * Confirm: the second half of double opt-in.
 *
 * inspectConfirmToken() — for GET /confirm, reads only:
 * 1. Parse the token (id + secret) and find the row by id.
 * 2. Classify: ready | already-confirmed (this very token confirmed it) | expired (can ask
 *    for a new link) | invalid (malformed, unknown, replaced by a newer link, or used and
 *    since unsubscribed — an old link never re-subscribes anyone).
 *
 * confirm() — for POST /confirm:
 * 1. Classify as above; anything but `ready` is returned as is and changes nothing.
 * 2. Conditional update: token hash still current and unexpired → confirmed, statusShard,
 *    confirmedAt, consent evidence; the hash moves to `usedConfirmTokenHash` (single use).
 * 3. Lost a race (double click): classify again, which now says already-confirmed.
 * 4. Count the outcome (Confirmations, by outcome).
 */
import { METRIC, noMetrics, type Metrics } from '../metrics.ts';
import type { Clock } from '../ports.ts';
import type { ConsentEvidence, Subscriber } from '../subscriber.ts';
import { parseConfirmToken, sameDigest } from '../tokens.ts';
import type { ClientInfo } from './subscribe.ts';

export interface ConfirmStore {
  findById(id: string): Promise<Subscriber | null>;
  /** Confirms when the row still has this id and token hash, unexpired at `at`; false otherwise. */
  markConfirmed(
    current: Pick<Subscriber, 'email' | 'id' | 'shard'>,
    tokenHash: string,
    at: string,
    consent: ConsentEvidence,
  ): Promise<boolean>;
}

export interface ConfirmDeps {
  store: ConfirmStore;
  clock: Clock;
  policyVersion: string;
  /** Optional: callers that count nothing (tools, most tests) leave it out. */
  metrics?: Metrics;
}

export type TokenState =
  | { kind: 'ready'; subscriber: Subscriber; hash: string }
  | { kind: 'already-confirmed' }
  | { kind: 'expired' }
  | { kind: 'invalid' };

export type ConfirmOutcome =
  | { kind: 'confirmed'; subscriberId: string }
  | Exclude<TokenState, { kind: 'ready' }>;

export async function inspectConfirmToken(
  deps: Pick<ConfirmDeps, 'store' | 'clock'>,
  token: unknown,
): Promise<TokenState> {
  const parsed = parseConfirmToken(token);
  if (!parsed) return { kind: 'invalid' };
  const row = await deps.store.findById(parsed.id);
  if (!row) return { kind: 'invalid' };
  if (row.confirmTokenHash && sameDigest(parsed.hash, row.confirmTokenHash)) {
    const expired = !row.confirmExpiresAt || row.confirmExpiresAt <= deps.clock.now().toISOString();
    return expired ? { kind: 'expired' } : { kind: 'ready', subscriber: row, hash: parsed.hash };
  }
  if (
    row.status === 'confirmed' &&
    row.usedConfirmTokenHash &&
    sameDigest(parsed.hash, row.usedConfirmTokenHash)
  ) {
    return { kind: 'already-confirmed' };
  }
  return { kind: 'invalid' };
}

export async function confirm(
  deps: ConfirmDeps,
  req: { token: unknown; client: ClientInfo },
): Promise<ConfirmOutcome> {
  const outcome = await confirmOnce(deps, req);
  (deps.metrics ?? noMetrics).count(METRIC.confirmations, 1, outcome.kind);
  return outcome;
}

async function confirmOnce(
  deps: ConfirmDeps,
  req: { token: unknown; client: ClientInfo },
): Promise<ConfirmOutcome> {
  const state = await inspectConfirmToken(deps, req.token);
  if (state.kind !== 'ready') return state;
  const { subscriber, hash } = state;
  const at = deps.clock.now().toISOString();
  const consent: ConsentEvidence = {
    at,
    sourceIp: req.client.sourceIp,
    userAgent: req.client.userAgent,
    source: subscriber.signup?.source ?? 'unknown',
    policyVersion: deps.policyVersion,
    ...(subscriber.signup ? { signup: subscriber.signup } : {}),
  };
  if (await deps.store.markConfirmed(subscriber, hash, at, consent)) {
    return { kind: 'confirmed', subscriberId: subscriber.id };
  }
  const again = await inspectConfirmToken(deps, req.token);
  return again.kind === 'ready' ? { kind: 'invalid' } : again;
}
