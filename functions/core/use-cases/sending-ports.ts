/**
 * Ports of the sending side (accept-report, dispatch-due, record-ses-event). The DynamoDB
 * adapters implement them in functions/adapters/dynamo-{report-store,ledger,audience}.ts; tests
 * hand in those same adapters, or wrap them to inject faults.
 */
import type {
  CountName,
  GuardWindow,
  LedgerRow,
  PauseKind,
  LedgerState,
  RenderedPart,
  ReportCursor,
  ReportRecord,
  ReportStatus,
} from '../report.ts';
import type { Locale } from '../subscriber.ts';
import type { EditorNotice } from '../../../emails/types.ts';
import type { Report } from '../report-schema.ts';

export type CountDelta = Partial<Record<CountName, number>>;

/** What a person's status change may record beside the status. */
export interface StatusChangeFields {
  pauseReason?: string;
  pauseKind?: PauseKind;
  guardSince?: GuardWindow;
}

export interface ReportStore {
  get(reportId: string): Promise<ReportRecord | null>;
  /**
   * Writes a fresh report item (SCHEDULED or REJECTED) unless the current one is past
   * replacing (see isReplaceable): then nothing is written and its status (and start) is returned.
   */
  replace(
    record: ReportRecord,
  ): Promise<{ ok: true } | ({ ok: false } & Pick<ReportRecord, 'status' | 'startedAt'>)>;
  /** Ids of reports to work on: SENDING ones (to resume) first, then SCHEDULED ones due by `now`. */
  findDue(now: Date): Promise<string[]>;
  /**
   * Takes the lease (conditional update) and moves a due report to SENDING. Null when the
   * report is not dispatchable, not due, or another live dispatcher holds it.
   */
  acquireLease(reportId: string, owner: string, now: Date, until: Date): Promise<ReportRecord | null>;
  /** Releases the lease, saving the run's last admissions (`recentSends`) for the next run. */
  releaseLease(reportId: string, owner: string, recentSends?: readonly number[]): Promise<void>;
  /**
   * Sending begins (the quota and the rendered output are there): records the audience and,
   * the first time, `startedAt` — from then on readers may have the report, so it can no
   * longer be replaced under its id. A lease taken while the quota is spent does not count.
   */
  beginSending(reportId: string, owner: string, audience: number, now: Date): Promise<void>;
  /**
   * Saves the cursor and the page's counts as checkpoint number `saved + 1`, where `saved` is the
   * report's `checkpoints` as read at the page's start; false when the lease was lost. Saved
   * also when a person paused or canceled the report meanwhile (the page went out and counts).
   * Numbered so that a write the DynamoDB client retries after losing its answer counts once.
   */
  checkpoint(
    reportId: string,
    owner: string,
    saved: number,
    cursor: ReportCursor,
    add: CountDelta,
  ): Promise<boolean>;
  /** SENDING → SENT; returns the final record, or null when the lease was lost. */
  finish(reportId: string, owner: string, now: Date): Promise<ReportRecord | null>;
  /** SENDING → PAUSED with a reason and who paused it; returns the record, or null when the lease was lost. */
  pause(
    reportId: string,
    owner: string,
    reason: string,
    now: Date,
    kind: PauseKind,
  ): Promise<ReportRecord | null>;
  /**
   * Counts one more failed run on the leased report (still SENDING) and returns the count in a
   * row, or null when the lease was lost. A checkpoint resets it.
   */
  recordFailedRun(reportId: string, owner: string, now: Date): Promise<number | null>;
  /**
   * A person's change of status (pause, resume, cancel): a conditional update from one of `from`,
   * so it never overwrites what a running dispatcher wrote meanwhile. It clears the pause reason
   * and the failed-run count, then sets `set`. To PAUSED or CANCELED it also replaces the token
   * of every stop gate, in the same transaction: from then on no run claims anyone. Refused: the
   * current status, or null for an unknown report.
   */
  changeStatus(
    reportId: string,
    from: readonly ReportStatus[],
    to: ReportStatus,
    now: Date,
    set?: StatusChangeFields,
  ): Promise<{ ok: true; record: ReportRecord } | { ok: false; status: ReportStatus | null }>;
  /**
   * The token in lane `lane`'s stop gate (null: never stopped). A run reads it before the report,
   * so a stop between the two reads shows in the report, and one after them in the token.
   */
  gate(reportId: string, lane: number): Promise<string | null>;
  /**
   * The gate and the report read as one snapshot (both before a stop, or both after it): what a
   * run reads every second, in one call. Optional: without it the run reads `gate` then `get`.
   */
  gateAndReport?(
    reportId: string,
    lane: number,
  ): Promise<{ gate: string | null; report: ReportRecord | null }>;
}

export type ClaimResult =
  | { kind: 'claimed' }
  /** A row exists already: sent before, or claimed by a dispatcher that died (state `claimed`). */
  | { kind: 'exists'; row: Pick<LedgerRow, 'state' | 'claimToken' | 'attempts'> }
  /** The subscriber is no longer confirmed (unsubscribed, bounced… since the page was read). */
  | { kind: 'not-confirmed' }
  /** The report was paused or canceled since the run read its gate: nothing was written. */
  | { kind: 'stopped' };

/** A run's stop gate: its lane and the token it read (see `gateItemKey`). */
export interface ClaimGate {
  lane: number;
  token: string | null;
}

export interface LedgerClaim {
  reportId: string;
  email: string;
  subscriberId: string;
  token: string;
  now: Date;
  /** Claim only while this gate holds this token (the claim transaction checks it). */
  gate?: ClaimGate;
}

/** A claimed row whose message SES accepted. */
export interface SentMark {
  email: string;
  token: string;
  messageId: string;
}

/** Rows of one report to move claimed → sent. */
export interface SentBatch {
  reportId: string;
  sent: readonly SentMark[];
  now: Date;
}

export interface Ledger {
  /** Conditional put of the row (attribute_not_exists) + the subscriber still confirmed, in one transaction. */
  claim(c: LedgerClaim): Promise<ClaimResult>;
  /**
   * `claim` for a group, in as few transactions as possible, after (and in the same
   * transactions as) `markSent(markFirst)` when given: one result per claim, in order, each
   * exactly what `claim` would have answered. A cancelled transaction writes nothing: each
   * member whose own conditions failed is settled from the reasons, the rest are written again.
   */
  claimAll(claims: readonly LedgerClaim[], markFirst?: SentBatch): Promise<ClaimResult[]>;
  /** Re-claims a row left `claimed` by a dead dispatcher (condition: its old token), same subscriber check. */
  takeOver(c: LedgerClaim & { oldToken: string }): Promise<ClaimResult>;
  /**
   * claimed → sent with the message id, for each row still held by its token; a row an SES
   * event already moved on (delivered, bounced…) keeps its state and only gains the message id.
   * Few calls for many rows; throws on storage errors (the rows then stay `claimed`).
   */
  markSent(batch: SentBatch): Promise<void>;
  markFailed(reportId: string, email: string, token: string, reason: string, now: Date): Promise<void>;
  /** Drops a claim that was never sent (so the next run claims it afresh). */
  release(reportId: string, email: string, token: string): Promise<void>;
  get(reportId: string, email: string): Promise<LedgerRow | null>;
  /**
   * Moves the row from exactly `from` to `to` and adds `add` to the report's counters, in one
   * transaction: a repeated event finds the row moved already and changes nothing.
   */
  transition(t: {
    reportId: string;
    email: string;
    from: LedgerState;
    to: LedgerState;
    add: CountDelta;
    reason?: string;
    bounceType?: 'hard' | 'soft';
    now: Date;
  }): Promise<boolean>;
}

export interface Recipient {
  email: string;
  id: string;
  locale: Locale;
}

export interface AudiencePage {
  items: Recipient[];
  /** Absent when the shard is exhausted. */
  lastKey?: Record<string, string>;
}

export interface Audience {
  /** One page of confirmed subscribers of one shard, in key order, after `startKey`. */
  page(shard: number, startKey: Record<string, string> | undefined, limit: number): Promise<AudiencePage>;
  /** The start key that resumes `shard` right after `recipient` (a page cut short ends there). */
  after(shard: number, recipient: Recipient): Record<string, string>;
  countConfirmed(): Promise<number>;
  /** The confirmed subscribers of each shard (what `countConfirmed` adds up); absent: not known. */
  countConfirmedByShard?(): Promise<number[]>;
}

/** What an SES event did to a subscriber. */
export type FeedbackChange = 'changed' | 'suppressed' | 'unchanged' | 'unknown';

/** Subscriber state changes driven by SES feedback (always keeping `statusShard` in step). */
export interface SubscriberFeedback {
  /** pending|confirmed → bounced. */
  hardBounce(email: string, now: Date): Promise<FeedbackChange>;
  /** softBounces++ once per event id; at `limit` in a row → bounced ('suppressed'). */
  softBounce(email: string, eventId: string, limit: number, now: Date): Promise<FeedbackChange>;
  /** any status but complained → complained. */
  complaint(email: string, now: Date): Promise<FeedbackChange>;
  /** A delivery ends a run of soft bounces. */
  delivered(email: string): Promise<FeedbackChange>;
}

/** The four emails editors receive (contract 2); rendered by emails/notices.ts (React-free). */
export type { EditorNotice };

export interface EditorNotifier {
  notify(notice: EditorNotice): Promise<void>;
}

/** Renders a validated report for one locale (React Email lives behind this, in the render function only). */
export interface ReportRenderer {
  /** `placeholder` stands in for the per-recipient unsubscribe token in the output: a new random one per render. */
  render(
    report: Report,
    locale: Locale,
    opts: { proof?: boolean; placeholder: string; issueNumber?: number },
  ): Promise<RenderedPart>;
  /** The web version for the archive: the same rendering without any reader's token. */
  renderWeb(report: Report, locale: Locale, opts: { issueNumber?: number }): Promise<string>;
}

/** Hands out issue numbers (第N号): each number once, in order, never reused. */
export interface IssueNumbers {
  next(): Promise<number>;
}

/**
 * The account's last newsletter admission, whoever made it: the lane (`<reportId>`, or
 * `<reportId>#part<k>` for a worker) and its time (epoch ms, as that lane's clock read it).
 * What lets a run that starts another report, in a later invocation on another instance, keep
 * the second that spans both within the rate (hand-over.ts, `hold`).
 */
export interface LastSend {
  read(): Promise<{ lane: string; at: number } | null>;
  /** Records `at` for `lane` unless a later admission is recorded already. */
  note(lane: string, at: number): Promise<void>;
}

/** Remembers which upload events were handled, so a repeated S3 event does nothing. */
export interface UploadReceipts {
  seen(eventKey: string): Promise<boolean>;
  remember(eventKey: string, now: Date): Promise<void>;
}
