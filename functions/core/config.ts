import * as z from 'zod';
import { refineSingleLine } from './text-rules.ts';

/**
 * Every setting a function needs, read from the environment once at load and checked.
 * A missing or malformed value throws a message that names the variable, so a bad deploy
 * fails at cold start instead of halfway through a send.
 */
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const envSchema = z.object({
  SUBSCRIBERS_TABLE: z.string().min(1),
  REPORTS_TABLE: z.string().min(1),
  UPLOAD_BUCKET: z.string().min(1),
  // Names that reach From, Subjects and footers: the single-line rules of text-rules.ts.
  NEWSLETTER_NAME: z.string().min(1).superRefine(refineSingleLine),
  /** "表示名 <news@example.jp>" or a bare address, a verified SES identity. */
  FROM_ADDRESS: z.string().min(3).superRefine(refineSingleLine),
  /** Public base URL of the HTTP API, no trailing slash: links in emails point here. */
  PUBLIC_BASE_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
  UNSUBSCRIBE_MAILTO: z.email(),
  /** "true" when SES receiving hands that mailbox to a function (functions/inbound-unsubscribe.ts), not a person. */
  INBOUND_UNSUBSCRIBE: z.enum(['true', 'false']).default('false'),
  SES_CONFIGURATION_SET: z.string().optional(),
  EDITORS: csv.pipe(z.array(z.email()).min(1)),
  SENDER_NAME: z.string().min(1).superRefine(refineSingleLine),
  SENDER_POSTAL_ADDRESS: z.string().min(1).superRefine(refineSingleLine),
  SENDER_CONTACT: z.string().min(1).superRefine(refineSingleLine),
  /**
   * Where the unsubscribe keyring is (functions/core/unsubscribe-keys.ts): the ARN of a Secrets
   * Manager secret (AWS), a file (the local runtime, so `kawaraban secrets rotate` reaches the
   * running functions), or the value itself (tests; cannot be rotated).
   */
  UNSUBSCRIBE_SECRET: z.string().min(32).optional(),
  UNSUBSCRIBE_SECRET_FILE: z.string().startsWith('/').optional(),
  UNSUBSCRIBE_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** How long a function keeps the keyring it read before reading it again (a rotation reaches it within this). */
  SECRET_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /**
   * Only behind the CloudFront edge (deploy context edgeWaf=true): the secret CloudFront sends as
   * an origin header, the value itself or the ARN of its Secrets Manager secret. Unset: no edge,
   * the client is always the TCP peer.
   */
  EDGE_ORIGIN_SECRET: z.string().min(32).optional(),
  EDGE_ORIGIN_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /**
   * Share of the account's MaxSendRate the dispatcher may use at most; it leaves confirmation
   * emails what they have recently used anyway (functions/core/send-load.ts).
   */
  SEND_RATE_FRACTION: z.coerce.number().gt(0).max(1).default(1),
  /**
   * The most SendEmail calls one run keeps in flight (it keeps rate × observed latency, up to
   * this); also the most ledger rows a crash can leave ambiguous.
   */
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(32),
  /** Sends kept free in the 24-hour quota for confirmation emails, at least (twice the last day's, if more). */
  DAILY_HEADROOM: z.coerce.number().int().min(0).default(100),
  /** The most parallel workers one report is split among (1 = no fan-out). */
  SEND_MAX_WORKERS: z.coerce.number().int().min(1).max(16).default(8),
  /** Sends per second one worker is given before another is added. */
  SEND_WORKER_RATE: z.coerce.number().gt(0).default(150),
  /** The worker function the dispatcher invokes on AWS (locally workers run in-process). */
  DISPATCH_WORKER_FUNCTION: z.string().min(1).optional(),
  /** How long one dispatcher run may send before it checkpoints and yields to the next tick. */
  DISPATCH_BUDGET_MS: z.coerce.number().int().min(1000).default(600_000),
  /**
   * How long a run's lease outlives its budget. A run that crashed holds the report this long
   * past its budget before the next tick may take it over; a run still finishing its last sends
   * must not be overtaken, so it stays above the slowest send (SES answers within seconds).
   */
  LEASE_MARGIN_MS: z.coerce.number().int().min(5_000).max(900_000).default(120_000),
  CONFIRM_TTL_HOURS: z.coerce.number().gt(0).default(48),
  /** Version of the consent wording / privacy policy a subscriber agrees to; kept with each consent record. */
  CONSENT_POLICY_VERSION: z.string().min(1).max(64).default('1'),
  DEFAULT_LOCALE: z.enum(['ja', 'en']).default('ja'),
  /** "true": an accepted report waits (AWAITING_APPROVAL) until a second editor approves it. */
  APPROVAL_REQUIRED: z.enum(['true', 'false']).default('false'),
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

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`kawaraban configuration is invalid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!e.UNSUBSCRIBE_SECRET && !e.UNSUBSCRIBE_SECRET_FILE && !e.UNSUBSCRIBE_SECRET_ARN) {
    throw new ConfigError(
      'kawaraban configuration is invalid:\n  UNSUBSCRIBE_SECRET, UNSUBSCRIBE_SECRET_FILE or UNSUBSCRIBE_SECRET_ARN: one of them is required',
    );
  }
  return {
    tables: { subscribers: e.SUBSCRIBERS_TABLE, reports: e.REPORTS_TABLE },
    bucket: e.UPLOAD_BUCKET,
    newsletterName: e.NEWSLETTER_NAME,
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
