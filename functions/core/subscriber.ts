import { createHash } from 'node:crypto';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
export type Locale = 'ja' | 'en';

/** Number of shards the confirmed audience is split into (GSI partition "confirmed#07"). */
export const SHARD_COUNT = 16;

export interface ConsentEvidence {
  at: string;
  sourceIp: string;
  userAgent: string;
  source: string;
  policyVersion: string;
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
  lastConfirmationSentAt?: string;
  softBounces?: number;
  consent?: ConsentEvidence;
}

export function shardOf(email: string): number {
  return createHash('sha256').update(email).digest().readUInt32BE(0) % SHARD_COUNT;
}

export function statusShard(status: SubscriberStatus, shard: number): string {
  return `${status}#${String(shard).padStart(2, '0')}`;
}
