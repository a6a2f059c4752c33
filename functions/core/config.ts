import { refineSingleLine } from './text-rules.ts';
import { ConfigError, parseEnv } from './env-settings.ts';
import * as z from './zod.ts';

/**
 * Every setting a function needs, read from the environment once at load and checked.
 * A missing or malformed value throws a message that names the variable, so a bad deploy
 * fails at cold start instead of halfway through a send.
 */
const text = (min = 1) => z.string().check(z.minLength(min));
const line = (min = 1) => z.string().check(z.minLength(min), z.superRefine(refineSingleLine));
const count = (min: number, fallback: number, max?: number) =>
  z._default(
    z.coerce.number().check(z.int(), z.gte(min), ...(max === undefined ? [] : [z.lte(max)])),
    fallback,
  );
const csv = z.pipe(
  z.string(),
  z.transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
);

/** How long a confirmation link works unless CONFIRM_TTL_HOURS says otherwise. */
export const DEFAULT_CONFIRM_TTL_HOURS = 48;

const envSchema = z.object({
  SUBSCRIBERS_TABLE: text(),
  REPORTS_TABLE: text(),
  UPLOAD_BUCKET: text(),
  // Names that reach From, Subjects and footers: the single-line rules of text-rules.ts.
  NEWSLETTER_NAME: line(),
  /** The name readers know it by, for the subject line (default: the newsletter name up to its first space). */
  NEWSLETTER_SHORT_NAME: z.optional(
    z.string().check(z.minLength(1), z.maxLength(20), z.superRefine(refineSingleLine)),
  ),
  /** The privacy policy, linked from the subscribe page. */
  PRIVACY_POLICY_URL: z.optional(z.url()),
  /** The whole subject prefix, `{number}` standing for the issue number (default 【short name】 / [short name]). */
  SUBJECT_PREFIX: z.optional(
    z.string().check(z.minLength(1), z.maxLength(30), z.superRefine(refineSingleLine)),
  ),
  /** "表示名 <news@example.jp>" or a bare address, a verified SES identity. */
  FROM_ADDRESS: line(3),
  /** Public base URL of the HTTP API, no trailing slash: links in emails point here. */
  PUBLIC_BASE_URL: z.pipe(
    z.url(),
    z.transform((u) => u.replace(/\/+$/, '')),
  ),
  UNSUBSCRIBE_MAILTO: z.email(),
  /** "true" when SES receiving hands that mailbox to a function (functions/inbound-unsubscribe.ts), not a person. */
  INBOUND_UNSUBSCRIBE: z._default(z.enum(['true', 'false']), 'false'),
  SES_CONFIGURATION_SET: z.optional(z.string()),
  EDITORS: z.pipe(csv, z.array(z.email()).check(z.minLength(1))),
  SENDER_NAME: line(),
  SENDER_POSTAL_ADDRESS: line(),
  SENDER_CONTACT: line(),
  /**
   * Where the unsubscribe keyring is (functions/core/unsubscribe-keys.ts): the ARN of a Secrets
   * Manager secret (AWS), a file (the local runtime, so `kawaraban secrets rotate` reaches the
   * running functions), or the value itself (tests; cannot be rotated).
   */
  UNSUBSCRIBE_SECRET: z.optional(text(32)),
  UNSUBSCRIBE_SECRET_FILE: z.optional(z.string().check(z.startsWith('/'))),
  UNSUBSCRIBE_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** How long a function keeps the keyring it read before reading it again (a rotation reaches it within this). */
  SECRET_MAX_AGE_SECONDS: count(0, 300, 86_400),
  /**
   * Only behind the CloudFront edge (deploy context edgeWaf=true): the secret CloudFront sends as
   * an origin header, the value itself or the ARN of its Secrets Manager secret. Unset: no edge,
   * the client is always the TCP peer.
   */
  EDGE_ORIGIN_SECRET: z.optional(text(32)),
  EDGE_ORIGIN_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /**
   * Share of the account's MaxSendRate the dispatcher may use at most; it leaves confirmation
   * emails what they have recently used anyway (functions/core/send-load.ts).
   */
  SEND_RATE_FRACTION: z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 1),
  /**
   * The most SendEmail calls one run keeps in flight (it keeps rate × observed latency, up to
   * this); also the most ledger rows a crash can leave ambiguous.
   */
  SEND_CONCURRENCY: count(1, 32, 100),
  /** Sends kept free in the 24-hour quota for confirmation emails, at least (twice the last day's, if more). */
  DAILY_HEADROOM: count(0, 100),
  /** The most parallel workers one report is split among (1 = no fan-out). */
  SEND_MAX_WORKERS: count(1, 8, 16),
  /** Sends per second one worker is given before another is added. */
  SEND_WORKER_RATE: z._default(z.coerce.number().check(z.gt(0)), 150),
  /** The worker function the dispatcher invokes on AWS (locally workers run in-process). */
  DISPATCH_WORKER_FUNCTION: z.optional(text()),
  /** How long one dispatcher run may send before it checkpoints and yields to the next tick. */
  DISPATCH_BUDGET_MS: count(1000, 600_000),
  /**
   * How long a run's lease outlives its budget. A run that crashed holds the report this long
   * past its budget before the next tick may take it over; a run still finishing its last sends
   * must not be overtaken, so it stays above the slowest send (SES answers within seconds).
   */
  LEASE_MARGIN_MS: count(5_000, 120_000, 900_000),
  CONFIRM_TTL_HOURS: z._default(z.coerce.number().check(z.gt(0)), DEFAULT_CONFIRM_TTL_HOURS),
  /** Version of the consent wording / privacy policy a subscriber agrees to; kept with each consent record. */
  CONSENT_POLICY_VERSION: z._default(z.string().check(z.minLength(1), z.maxLength(64)), '1'),
  DEFAULT_LOCALE: z._default(z.enum(['ja', 'en']), 'ja'),
  /** "true": an accepted report waits (AWAITING_APPROVAL) until a second editor approves it. */
  APPROVAL_REQUIRED: z._default(z.enum(['true', 'false']), 'false'),
});

export type Env = z.input<typeof envSchema>;

export interface SenderBlock {
  name: string;
  postalAddress: string;
  contact: string;
}

export interface Config {
  tables: { subscribers: string; reports: string };
  bucket: string;
  newsletterName: string;
  /** For the subject line: what a phone's inbox line has room for. */
  shortName: string;
  /** A configured subject prefix (may hold `{number}`), or undefined for the language's default around shortName. */
  subjectPrefix: string | undefined;
  privacyPolicyUrl: string | undefined;
  from: string;
  publicBaseUrl: string;
  unsubscribeMailto: string;
  /** The unsubscribe mailbox is read by a function, which acts only on a token in the subject. */
  inboundUnsubscribe: boolean;
  configurationSet: string | undefined;
  editors: string[];
  sender: SenderBlock;
  unsubscribeSecret: { value: string } | { file: string } | { arn: string };
  /** Seconds a read keyring is kept (Powertools Parameters' maxAge). */
  secretMaxAgeSeconds: number;
  /** The CloudFront origin secret; undefined without the edge (functions/http/edge.ts). */
  edgeOriginSecret: { value: string } | { arn: string } | undefined;
  sending: {
    rateFraction: number;
    concurrency: number;
    dailyHeadroom: number;
    budgetMs: number;
    leaseMarginMs: number;
    maxWorkers: number;
    workerRate: number;
    workerFunction: string | undefined;
  };
  confirmTtlHours: number;
  consentPolicyVersion: string;
  defaultLocale: 'ja' | 'en';
  approvalRequired: boolean;
}

export { ConfigError };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(envSchema, env, 'kawaraban configuration is invalid');
  if (!e.UNSUBSCRIBE_SECRET && !e.UNSUBSCRIBE_SECRET_FILE && !e.UNSUBSCRIBE_SECRET_ARN) {
    throw new ConfigError(
      'kawaraban configuration is invalid:\n  UNSUBSCRIBE_SECRET, UNSUBSCRIBE_SECRET_FILE or UNSUBSCRIBE_SECRET_ARN: one of them is required',
    );
  }
  return {
    tables: { subscribers: e.SUBSCRIBERS_TABLE, reports: e.REPORTS_TABLE },
    bucket: e.UPLOAD_BUCKET,
    newsletterName: e.NEWSLETTER_NAME,
    shortName: e.NEWSLETTER_SHORT_NAME ?? defaultShortName(e.NEWSLETTER_NAME),
    subjectPrefix: e.SUBJECT_PREFIX,
    privacyPolicyUrl: e.PRIVACY_POLICY_URL,
    from: e.FROM_ADDRESS,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    unsubscribeMailto: e.UNSUBSCRIBE_MAILTO,
    inboundUnsubscribe: e.INBOUND_UNSUBSCRIBE === 'true',
    configurationSet: e.SES_CONFIGURATION_SET || undefined,
    editors: e.EDITORS,
    sender: { name: e.SENDER_NAME, postalAddress: e.SENDER_POSTAL_ADDRESS, contact: e.SENDER_CONTACT },
    unsubscribeSecret: e.UNSUBSCRIBE_SECRET
      ? { value: e.UNSUBSCRIBE_SECRET }
      : e.UNSUBSCRIBE_SECRET_FILE
        ? { file: e.UNSUBSCRIBE_SECRET_FILE }
        : { arn: e.UNSUBSCRIBE_SECRET_ARN! },
    secretMaxAgeSeconds: e.SECRET_MAX_AGE_SECONDS,
    edgeOriginSecret: e.EDGE_ORIGIN_SECRET
      ? { value: e.EDGE_ORIGIN_SECRET }
      : e.EDGE_ORIGIN_SECRET_ARN
        ? { arn: e.EDGE_ORIGIN_SECRET_ARN }
        : undefined,
    sending: {
      rateFraction: e.SEND_RATE_FRACTION,
      concurrency: e.SEND_CONCURRENCY,
      dailyHeadroom: e.DAILY_HEADROOM,
      budgetMs: e.DISPATCH_BUDGET_MS,
      leaseMarginMs: e.LEASE_MARGIN_MS,
      maxWorkers: e.SEND_MAX_WORKERS,
      workerRate: e.SEND_WORKER_RATE,
      workerFunction: e.DISPATCH_WORKER_FUNCTION,
    },
    confirmTtlHours: e.CONFIRM_TTL_HOURS,
    consentPolicyVersion: e.CONSENT_POLICY_VERSION,
    defaultLocale: e.DEFAULT_LOCALE,
    approvalRequired: e.APPROVAL_REQUIRED === 'true',
  };
}

/** 'かわら版 セキュリティレポート' → 'かわら版': the first word, which is what readers call it. */
export function defaultShortName(newsletterName: string): string {
  return newsletterName.trim().split(/[\s\u3000]+/)[0] || newsletterName;
}
