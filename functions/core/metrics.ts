/**
 * The metrics port: what the use cases count, in one list, so the adapter (CloudWatch EMF,
 * functions/adapters/metrics.ts), the dashboard and the alarms (infra/constructs/monitoring.ts)
 * and the tests all use the same names. Dimensions are few and fixed (an outcome from a short
 * list, never an id or an address): every distinct value is a metric CloudWatch bills for.
 */
export const METRIC = {
  /** SendEmail accepted by SES for a newsletter (not editor notices, not confirmations). */
  emailsSent: 'EmailsSent',
  /** SendEmail refused as too fast (the dispatcher backs off and retries: each refusal counts). */
  sendThrottles: 'SendThrottles',
  /** SendEmail failed otherwise: a permanent rejection, a paused account, or an unknown error. */
  sendFailures: 'SendFailures',
  /** The account's MaxSendRate (per second), each time the dispatcher reads the quota. */
  maxSendRate: 'MaxSendRate',
  /** The 24-hour budget and what of it is used, at the same read. */
  max24HourSend: 'Max24HourSend',
  sentLast24Hours: 'SentLast24Hours',
  /** SES events, per recipient, as SES reported them (a redelivered event counts again). */
  hardBounces: 'HardBounces',
  softBounces: 'SoftBounces',
  complaints: 'Complaints',
  deliveries: 'Deliveries',
  rejects: 'Rejects',
  /** POST /subscribe, by `outcome` (SUBSCRIBE_OUTCOMES). */
  subscriptions: 'Subscriptions',
  /** POST /confirm, by `outcome` (CONFIRM_OUTCOMES). */
  confirmations: 'Confirmations',
  /** One-click, the page's button or a mail to the unsubscribe mailbox, by `outcome` (UNSUBSCRIBE_OUTCOMES). */
  unsubscribes: 'Unsubscribes',
  /** Confirmation emails handed to SES (sign-ups and "send me a new link"). */
  confirmationEmailsSent: 'ConfirmationEmailsSent',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export const SUBSCRIBE_OUTCOMES = [
  'sent',
  'honeypot',
  'already-confirmed',
  'address-limited',
  'changed-meanwhile',
  'invalid-email',
  'rate-limited',
] as const;
export const CONFIRM_OUTCOMES = ['confirmed', 'already-confirmed', 'expired', 'invalid'] as const;
export const UNSUBSCRIBE_OUTCOMES = ['unsubscribed', 'already-stopped', 'retired-key', 'invalid'] as const;

export type Outcome =
  | (typeof SUBSCRIBE_OUTCOMES)[number]
  | (typeof CONFIRM_OUTCOMES)[number]
  | (typeof UNSUBSCRIBE_OUTCOMES)[number];

export interface Metrics {
  /** Adds `n` (default 1) to a counter, optionally under one outcome. */
  count(name: MetricName, n?: number, outcome?: Outcome): void;
  /** Records a value as it is now (a rate, a quota). */
  gauge(name: MetricName, value: number): void;
}

/** For callers that count nothing (tools, and tests that do not look at metrics). */
export const noMetrics: Metrics = { count() {}, gauge() {} };
