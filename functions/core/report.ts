/**
 * A report as the sending side sees it: the `report` item of the reports table and the
 * delivery ledger rows (`to#<email>`) beside it. See DESIGN §3 and §5.
 */
import type { Locale } from './subscriber.ts';

export const REPORT_STATUSES = [
  'REJECTED',
  'AWAITING_APPROVAL',
  'SCHEDULED',
  'SENDING',
  'PAUSED',
  'SENT',
  'CANCELED',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/**
 * A new upload may replace a report only while nothing of it can have reached a reader: in one
 * of these statuses and never started (a report canceled mid-send has readers, and its ledger
 * would keep a replacement from them). See `isReplaceable`.
 */
export const REPLACEABLE_STATUSES: readonly ReportStatus[] = [
  'REJECTED',
  'AWAITING_APPROVAL',
  'SCHEDULED',
  'CANCELED',
];

export function isReplaceable(r: Pick<ReportRecord, 'status' | 'startedAt'>): boolean {
  return REPLACEABLE_STATUSES.includes(r.status) && !r.startedAt;
}

/** The dispatcher picks these up; PAUSED waits for a person. */
export const DISPATCHABLE_STATUSES: readonly ReportStatus[] = ['SCHEDULED', 'SENDING'];

/** A person may resume only a paused report (the dispatcher then continues from the cursor). */
export const RESUMABLE_STATUSES: readonly ReportStatus[] = ['PAUSED'];

/** A person may hold a report that has not finished (then resume or cancel it). */
export const PAUSABLE_STATUSES: readonly ReportStatus[] = ['SCHEDULED', 'SENDING'];

/**
 * Who paused a report: the reputation guard (its rates), the dispatcher for any other problem
 * (account paused, output missing, refusals, failed runs), or a person (`report pause`).
 */
export const PAUSE_KINDS = ['reputation', 'dispatcher', 'operator'] as const;
export type PauseKind = (typeof PAUSE_KINDS)[number];

/** The counts the reputation guard subtracts: where its window starts after a resume. */
export type GuardWindow = Pick<ReportCounts, 'sent' | 'bounced' | 'complained'>;

/**
 * The canary's phases (functions/core/canary.ts): the sample is being sent; it is sent and the
 * report waits for its bounces and complaints; the guard judged it; or the report has none.
 */
export const CANARY_PHASES = ['sending', 'waiting', 'judged', 'skipped'] as const;
export type CanaryPhase = (typeof CANARY_PHASES)[number];

/** Why a report has no canary: the setting is off, the audience is small, or the report said so. */
export type CanarySkip = 'off' | 'small' | 'report';

/** The canary's state, on the report item (`canary`). */
export interface CanaryRecord {
  phase: CanaryPhase;
  /** Confirmed readers when the canary was decided. */
  audience: number;
  skipped?: CanarySkip;
  /** The sample's target size and its share of the audience (each reader's hash is compared to it). */
  size?: number;
  fraction?: number;
  /** When the last of the sample was sent, and when the guard judges it. */
  sentAt?: string;
  until?: string;
  verdict?: 'passed' | 'failed';
  judgedAt?: string;
  /** The report's counts when the sample was judged (the sample's: nobody else had it yet). */
  counts?: GuardWindow;
  reason?: string;
}

/** A person may cancel a report until it is finished one way or another. */
export const CANCELABLE_STATUSES: readonly ReportStatus[] = [
  'AWAITING_APPROVAL',
  'SCHEDULED',
  'SENDING',
  'PAUSED',
];

/** Consecutive failed dispatcher runs after which a report is paused for a person (DESIGN §5). */
export const DEFAULT_MAX_FAILED_RUNS = 5;

/** Upload receipts only guard against S3 re-delivering an event, which happens within hours: a week is plenty. */
export const UPLOAD_RECEIPT_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Same pattern as the report schema's `id` (DESIGN §4); also safe as an SES tag value. */
export const REPORT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Ids whose pages would clash with the web archive's own names: `index` (archive/index.html) and
 * `en` (/archive/en is the English index). Refused at upload; the archive skips them too.
 */
export const ARCHIVE_RESERVED_IDS: readonly string[] = ['index', 'en'];

export interface ReportCounts {
  /** Confirmed subscribers when sending started (at acceptance: when the notice was sent). */
  audience: number;
  sent: number;
  delivered: number;
  /** Permanent bounces: these count toward the reputation guard. */
  bounced: number;
  /** Transient bounces (SES gave up after retrying); shown, not held against the report. */
  softBounced: number;
  complained: number;
  failed: number;
}

export const COUNT_NAMES = [
  'audience',
  'sent',
  'delivered',
  'bounced',
  'softBounced',
  'complained',
  'failed',
] as const;
export type CountName = (typeof COUNT_NAMES)[number];

export const zeroCounts = (): ReportCounts => ({
  audience: 0,
  sent: 0,
  delivered: 0,
  bounced: 0,
  softBounced: 0,
  complained: 0,
  failed: 0,
});

/** Where the dispatcher resumes: the shard and the last GSI key of the last fully resolved page. */
export interface ReportCursor {
  shard: number;
  lastKey?: Record<string, string>;
}

export interface ReportIssueLike {
  path: string;
  message: string;
}

export interface ReportRecord {
  reportId: string;
  status: ReportStatus;
  title: string;
  issuedOn: string;
  /**
   * 第N号: given when the report is first scheduled and kept by every re-upload before sending (and by a
   * rejected one in between). Never reused: a report canceled before sending keeps it, so its number
   * is a gap in the archive rather than a second report under the same number.
   */
  issueNumber?: number;
  /** false when the report opted out of the web archive and feed (`"archive": false`). */
  archive?: false;
  /** UTC ISO 8601 (`Date#toISOString`), so the byStatus index sorts it as time. */
  sendAt?: string;
  contentHash?: string;
  sourceKey: string;
  renderedKey?: string;
  counts: ReportCounts;
  cursor?: ReportCursor;
  /** How many pages have been checkpointed: numbers each checkpoint, so a retried write counts once. */
  checkpoints?: number;
  leaseOwner?: string;
  leaseUntil?: string;
  /**
   * When the last run on the report's lease admitted its sends in its last second (epoch ms, as
   * its clock read them), saved with its lease release: the next run's pacer starts from them
   * (hand-over.ts).
   */
  recentSends?: number[];
  startedAt?: string;
  completedAt?: string;
  pauseReason?: string;
  pauseKind?: PauseKind;
  /**
   * Set when a person resumes a report the reputation guard paused: the guard then judges only
   * what was sent after the resume (else the same counts would pause it again at once).
   */
  guardSince?: GuardWindow;
  /** Dispatcher runs in a row that ended in an error; reset by a checkpointed page or a resume. */
  failedRuns?: number;
  errors?: ReportIssueLike[];
  /**
   * Who uploaded this version: the S3 event's principal (AWS attests it; locally the configured
   * editor name). With two-person approval on, that person cannot approve it.
   */
  uploadedBy?: string;
  /** Two-person approval: the second editor's principal and when they approved this version. */
  approvedBy?: string;
  approvedAt?: string;
  /** The report file's `"canary"`: true asks for a canary whatever the audience, false refuses one. */
  canaryRequested?: boolean;
  /** The canary, once the dispatcher has decided on one (or that there is none). */
  canary?: CanaryRecord;
  /** Set when the send is split among parallel workers: how many parts (each its own shards, lease and cursor). */
  parts?: number;
  /** Parts whose shards are all sent; the worker that makes it `parts` finishes the report. */
  partsDone?: number;
  /** The confirmed readers of each part when it was split: the workers' shares of the rate follow them. */
  partWeights?: number[];
  /** Each finished part and when it finished (its worker's clock): the others take up its share a window later. */
  partsFinished?: { part: number; at: string }[];
  createdAt: string;
  updatedAt: string;
}

/** One locale's finished email, with the unsubscribe placeholder still in it. */
export interface RenderedPart {
  subject: string;
  html: string;
  text: string;
}

/**
 * What the render function stores at `rendered/<id>/<contentHash>.json` and the dispatcher
 * reads: the placeholder travels with the output, so the dispatcher never imports emails/.
 */
export interface RenderedReport {
  reportId: string;
  contentHash: string;
  placeholder: string;
  locales: Record<Locale, RenderedPart>;
  /** The web version (archive page) per locale: the same rendering, no reader's token. Absent with `"archive": false`. */
  web?: Record<Locale, string>;
}

/** Where the archive's objects live: Japanese at archive/, English under archive/en/ (as their URLs, links.ts). */
export const archiveKeys = {
  page: (reportId: string, locale: Locale = 'ja') => `${archiveFolder(locale)}${reportId}.html`,
  index: (locale: Locale = 'ja') => `${archiveFolder(locale)}index.html`,
  feed: (locale: Locale = 'ja') => `${archiveFolder(locale)}feed.xml`,
  /** One back issue, whatever the language: the indexes and feeds are written from all of them. */
  entry: (reportId: string) => `archive/entries/${reportId}.json`,
  entriesPrefix: 'archive/entries/',
  /** The back issues in one file, as written before each had its own (read, never written). */
  legacyEntries: 'archive/entries.json',
} as const;
const archiveFolder = (locale: Locale) => (locale === 'ja' ? 'archive/' : `archive/${locale}/`);

export function renderedKey(reportId: string, contentHash: string): string {
  return `rendered/${reportId}/${contentHash}.json`;
}

// ---- the delivery ledger: its rows (ledger-row.ts) -----------------------------------------

export * from './ledger-row.ts';
export const REPORT_ITEM = 'report';

/**
 * Stop gates: items `gate#00` … `gate#15` beside the report item, one per lane (the single
 * dispatcher is lane 0, worker k of a split send is lane k; a send has at most 16 workers).
 * Each holds only `gate`, a random token that every pause or cancel replaces, in all lanes, in
 * the transaction that changes the status. Every claim transaction checks its lane's token is
 * still the one its run read before it last saw the report SENDING, so a claim after a stop is
 * refused by DynamoDB itself. Nothing else writes them: a lane's claims never meet another
 * writer's transaction (no conflicts), and a resume needs no write (the next run reads the new
 * token).
 */
export const GATE_LANES = 16;
export const gateItemKey = (lane: number) => `gate#${String(lane).padStart(2, '0')}`;

/**
 * S3 object metadata (`x-amz-meta-kawaraban-editor`) in which the CLI records who it uploads or
 * approves as: shown to people, and the identity in the local runtime — on AWS never trusted,
 * where the S3 event's principal decides (a client can write any metadata).
 */
export const EDITOR_METADATA = 'kawaraban-editor';
