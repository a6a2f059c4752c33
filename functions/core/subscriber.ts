import { createHash } from 'node:crypto';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
import type { Locale } from './locale.ts';

export { LOCALES, type Locale } from './locale.ts';

/** Number of shards the confirmed audience is split into (GSI partition "confirmed#07"). */
export const SHARD_COUNT = 16;

/**
 * Consent evidence (特定電子メール法 requires the sender to keep a record of each opt-in):
 * the confirming request, plus the sign-up request that asked for the confirmation.
 */
export interface ConsentEvidence {
  at: string;
  sourceIp: string;
  userAgent: string;
  /** Which form or client the sign-up came from, e.g. "hosted-form", "api". */
  source: string;
  policyVersion: string;
  signup?: SignupEvidence;
}

/** The request that asked for a confirmation email; becomes part of the consent once confirmed. */
export interface SignupEvidence {
  at: string;
  sourceIp: string;
  userAgent: string;
  source: string;
}

/** One row of the subscribers table. */
export interface Subscriber {
  email: string;
  id: string;
  status: SubscriberStatus;
  locale: Locale;
  shard: number;
  /** `${status}#${shard, 2 digits}`: the byStatus GSI partition. */
  statusShard: string;
  createdAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
  confirmTokenHash?: string;
  confirmExpiresAt?: string;
  /** Hash of the token that confirmed: a second POST of the same link says "already confirmed". */
  usedConfirmTokenHash?: string;
  lastConfirmationSentAt?: string;
  /** Sign-up request behind the outstanding confirmation token. */
  signup?: SignupEvidence;
  softBounces?: number;
  consent?: ConsentEvidence;
}

export function shardOf(email: string): number {
  return createHash('sha256').update(email).digest().readUInt32BE(0) % SHARD_COUNT;
}

export function statusShard(status: SubscriberStatus, shard: number): string {
  return `${status}#${String(shard).padStart(2, '0')}`;
}

/**
 * Key of the tombstone `subscribers delete` leaves: the SHA-256 of the normalised address,
 * so an import can refuse a deleted address without the table keeping the address itself.
 * Lower-cased first: an erasure request must not be undone by a list that spells the address
 * in another case. Never collides with a subscriber (no "@") and has no `id`/`statusShard`,
 * so no index sees it.
 */
export function tombstoneKey(normalisedEmail: string): string {
  return `tomb#${createHash('sha256').update(normalisedEmail.toLowerCase(), 'utf8').digest('hex')}`;
}

/** Two normalised addresses that differ at most in the case of the local part: one reader. */
export function sameAddressAnyCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
