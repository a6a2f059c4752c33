/**
 * SendRun: one dispatcher run over one leased report, as a pipeline with explicit state.
 *
 * 1. start: the quota (sending disabled → pause; the 24-hour budget spent → wait, still
 *    SENDING), the rendered output, and on the first run the audience.
 * 2. claim: when the rows claimed and not yet answered drop to half the in-flight window, the
 *    next rows of the current page are claimed in one transaction (each with "still
 *    confirmed"), which also marks sent every row answered since the last claim. A new page is
 *    read when one is used up, after checking the report is still ours and SENDING and the
 *    reputation guard.
 * 3. send: each claimed row goes out as soon as the window has room, paced by the token
 *    bucket; no send waits for another. Throttling backs off and retries (the SES client
 *    itself never retries: `maxAttempts: 1`).
 * 4. settle a page: each row's outcome is counted on its page; a page is settled when all its
 *    rows are, and its sent rows marked.
 * 5. checkpoint: settled pages are saved in cursor order, with their counts.
 * 6. finish: every shard done → SENT, and the editors are told (once: SENT is conditional).
 *
 * The window (`InFlightWindow`) follows rate × observed latency. Crash bound: at most
 * `concurrency` rows are ever claimed and not marked (a claim takes only `concurrency` minus
 * the rows still claimed, and it carries the marks of the answered ones), so a crash leaves
 * at most `concurrency` rows ambiguous; the next run re-sends those (at-least-once) and misses
 * nobody.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { InFlightWindow } from '../in-flight.ts';
import { backoffMs, SendPacer } from '../pacing.ts';
import {
  ACCEPTED_STATES,
  type PauseKind,
  type RenderedReport,
  type ReportCursor,
  type ReportRecord,
} from '../report.ts';
import { reputationProblem } from '../reputation.ts';
import { reserveFor } from '../send-load.ts';
import { classifySendError } from '../send-errors.ts';
import { SHARD_COUNT } from '../subscriber.ts';
import type { DispatchDeps, DispatchSettings, ReportRunSummary } from './dispatch-due.ts';
import { personalise } from './personalise.ts';
import { PageBook, type Delivery, type PageProgress } from './send-pages.ts';
import type { AudiencePage, ClaimResult, LedgerClaim, Recipient, SentMark } from './sending-ports.ts';

export type Stop =
  | { kind: 'quota' }
  | { kind: 'continues' }
  | { kind: 'lease-lost' }
  | { kind: 'pause'; reason: string; pauseKind?: PauseKind }
  | { kind: 'error'; reason: string };

/** A claimed row waiting for room in the window. */
interface Claimed {
  recipient: Recipient;
  token: string;
  page: PageProgress;
}

/** Where the next page is read; null once every shard is read. */
type Position = { shard: number; startKey?: Record<string, string> } | null;

/**
 * What a run sends and where its progress goes: the whole report (one dispatcher, the report
 * item's lease and cursor) or one part of it (a worker, the part's lease and cursor).
 */
export interface RunScope {
  /** Shards [from, to). */
  readonly from: number;
  readonly to: number;
  readonly cursor: ReportCursor | undefined;
  readonly checkpoints: number;
  /** The workers sharing the quota: the run takes 1/share of the rate and of the 24-hour budget. */
  readonly share: number;
  /** Which of them this run is (0 …share − 1). */
  readonly index: number;
  /** Whether the report as just read still lets this run claim (SENDING, and the lease ours). */
  holds(report: ReportRecord): boolean;
  /** Called once sending begins, with the audience counted on the first run. */
  begin(countAudience: () => Promise<number>): Promise<void>;
  checkpoint(saved: number, cursor: ReportCursor, add: { sent: number; failed: number }): Promise<boolean>;
  /** Every shard of the scope sent: the finished report when this call ended the send, else why not. */
  finish(now: Date): Promise<{ finished: ReportRecord } | { finished: null; lost: boolean }>;
  pause(reason: string, now: Date, kind: PauseKind): Promise<ReportRecord | null>;
  /** The readers of a page this run may claim (the canary's sample, or all but it); absent: all. */
  narrow?(items: Recipient[]): Promise<Recipient[]>;
}

/** The whole report, under the report item's lease. */
export function reportScope(deps: DispatchDeps, report: ReportRecord, owner: string): RunScope {
  const { reports } = deps;
  const id = report.reportId;
  return {
    from: report.cursor?.shard ?? 0,
    to: SHARD_COUNT,
    cursor: report.cursor,
    checkpoints: report.checkpoints ?? 0,
    share: 1,
    index: 0,
    holds: (now) => now.status === 'SENDING' && now.leaseOwner === owner,
    async begin(countAudience) {
      if (!report.cursor) await reports.beginSending(id, owner, await countAudience(), deps.clock.now());
    },
    checkpoint: (saved, cursor, add) => reports.checkpoint(id, owner, saved, cursor, add),
    async finish(now) {
      const done = await reports.finish(id, owner, now);
      return done ? { finished: done } : { finished: null, lost: true };
    },
    pause: (reason, now, kind) => reports.pause(id, owner, reason, now, kind),
  };
}

export interface SendRunInput {
  deps: DispatchDeps;
  settings: DispatchSettings;
  owner: string;
  report: ReportRecord;
  /** Default: the whole report under its lease. */
  scope?: RunScope;
  /** Stop claiming at this time (epoch ms). */
  deadline: number;
  tally: ReportRunSummary;
}

/**
 * Worker `index` of `share`'s rate: whole sends per second that add up to floor(total), so the
 * workers' one-second windows together stay within it; a fraction only below one each.
 */
export function rateShare(total: number, share: number, index: number): number {
  if (share <= 1) return total;
  const whole = Math.floor(total);
  if (whole < share) return total / share;
  return Math.floor(whole / share) + (index < whole % share ? 1 : 0);
}

/** How often, at most, the report's status is read before a claim (pause and cancel stop claims within this). */
const STATUS_EVERY_MS = 1000;

export class SendRun {
  private readonly deps: DispatchDeps;
  private readonly settings: DispatchSettings;
  private readonly report: ReportRecord;
  private readonly tally: ReportRunSummary;
  private readonly pageSize: number;
  private readonly maxAttempts: number;
  private readonly maxRejections: number;
  private readonly newId: () => string;
  private readonly stopwatch: () => number;

  // Set by start().
  private rendered!: RenderedReport;
  private bucket!: SendPacer;
  window!: InFlightWindow;
  /** This run's sends per second. */
  private rate = 1;
  private allowance = 0;

  // The pipeline.
  private readonly pages = new PageBook();
  private position: Position;
  private current: { page: PageProgress; items: Recipient[]; next: number } | null = null;
  /** The next page, read ahead. */
  private readAhead: { key: string; page: Promise<AudiencePage> } | null = null;
  private readonly ready: Claimed[] = [];
  private inFlight = 0;
  private unmarked: (SentMark & { page: PageProgress })[] = [];
  private writing = false;
  private checkpoints: number;
  private readonly scope: RunScope;
  /** When the report's status was last read (clock ms). */
  private statusReadAt = Number.NEGATIVE_INFINITY;
  private rejectionsInARow = 0;
  stop: Stop | null = null;
  private failure: { error: unknown } | null = null;
  private woken = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly input: SendRunInput) {
    this.deps = input.deps;
    this.settings = input.settings;
    this.report = input.report;
    this.tally = input.tally;
    this.pageSize = input.settings.pageSize ?? 100;
    this.maxAttempts = input.settings.maxAttempts ?? 5;
    this.maxRejections = input.settings.maxConsecutiveRejections ?? 25;
    this.newId = input.deps.newId ?? randomUUID;
    this.stopwatch = input.deps.stopwatch ?? (() => performance.now());
    this.scope = input.scope ?? reportScope(input.deps, input.report, input.owner);
    const cursor: ReportCursor = this.scope.cursor ?? { shard: this.scope.from };
    this.position = cursor.shard < this.scope.to ? { shard: cursor.shard, startKey: cursor.lastKey } : null;
    this.checkpoints = this.scope.checkpoints;
  }

  /** The whole run: start, the pipeline until nothing is left to do, then its outcome. */
  async execute(): Promise<void> {
    if (!(await this.start())) return;
    await this.pump();
    if (this.failure) throw this.failure.error;
    await this.end();
  }

  // 1. start ---------------------------------------------------------------------------------

  /** False when the run ends here (paused, or the quota is spent). */
  async start(): Promise<boolean> {
    const { deps, settings, report } = this;
    const quota = await deps.quota.getQuota();
    if (!quota.sendingEnabled) {
      await this.pause('SES sending is disabled for this account (SendingEnabled = false)');
      return false;
    }
    const { share } = this.scope;
    // Confirmation emails share the quota: leave them what they have been using, doubled.
    const reserve = deps.confirmations
      ? reserveFor(await deps.confirmations.recent(deps.clock.now()), settings.dailyHeadroom)
      : { rate: 0, daily: settings.dailyHeadroom };
    const daily =
      quota.max24HourSend < 0 ? Infinity : quota.max24HourSend - quota.sentLast24Hours - reserve.daily;
    this.allowance = daily / share;
    if (this.allowance <= 0) {
      this.tally.outcome = 'quota';
      return false;
    }
    const total = Math.min(settings.rateFraction * quota.maxSendRate, quota.maxSendRate - reserve.rate);
    const rate = Math.max(0.01, rateShare(total, share, this.scope.index));
    this.bucket = new SendPacer(rate, deps.clock);
    this.window = new InFlightWindow(rate, settings.concurrency);
    this.rate = rate;
    const rendered = await loadRendered(deps, report);
    if (!rendered) {
      await this.pause(`rendered output ${report.renderedKey ?? '(none)'} is missing or malformed`);
      return false;
    }
    this.rendered = rendered;
    await this.scope.begin(() => deps.audience.countConfirmed());
    return true;
  }

  // The pipeline ------------------------------------------------------------------------------

  /**
   * Runs sends and one write at a time (claim, marks, checkpoint, release) until neither has
   * anything left to do. Every send and write wakes the loop when it ends.
   */
  private async pump(): Promise<void> {
    for (;;) {
      this.startSends();
      if (!this.writing) {
        const step = this.nextWrite();
        if (step) {
          this.writing = true;
          void step
            .call(this)
            .catch((error: unknown) => this.fail(error))
            .finally(() => {
              this.writing = false;
              this.wake();
            });
        }
      }
      if (!this.writing && this.inFlight === 0) return;
      await this.nextEvent();
    }
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async nextEvent(): Promise<void> {
    if (!this.woken) await new Promise<void>((resolve) => (this.wakeUp = resolve));
    this.wakeUp = null;
    this.woken = false;
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
  }

  /** Claimed rows are not sent once the run failed or must pause: their claims are dropped. */
  private get halted(): boolean {
    return this.failure !== null || this.stop?.kind === 'pause' || this.stop?.kind === 'error';
  }

  private pastDeadline(): boolean {
    return this.deps.clock.now().getTime() >= this.input.deadline;
  }

  /** Whether the audience has rows this run has not claimed (read or not). */
  private rowsLeft(): boolean {
    if (!this.current || this.current.next >= this.current.items.length) return this.position !== null;
    return true;
  }

  /** Whether more rows may be claimed in this run. */
  private mayClaim(): boolean {
    return !this.stop && !this.failure && this.allowance > 0 && this.rowsLeft();
  }

  /** The next write, in order of urgency, or null when none is due. */
  private nextWrite(): (() => Promise<void>) | null {
    if (this.halted && this.ready.length) return this.releaseReady;
    if (!this.failure && this.pages.saveable()) return this.checkpoint;
    const pending = this.ready.length + this.inFlight;
    if (this.mayClaim() && pending <= Math.floor(this.window.target / 2)) return this.claim;
    // Marks ride with claims; only when no claim is coming do they go on their own.
    if (
      this.unmarked.length &&
      !this.mayClaim() &&
      (this.inFlight === 0 || this.unmarked.length >= this.window.target)
    ) {
      return this.flushMarks;
    }
    return null;
  }

  // 2. claim ---------------------------------------------------------------------------------

  private async claim(): Promise<void> {
    if (!this.current || this.current.next >= this.current.items.length) {
      if (!(await this.readPage())) return;
    }
    const cur = this.current!;
    if (this.pastDeadline()) {
      this.stop ??= { kind: 'continues' };
      return;
    }
    if (this.deps.clock.now().getTime() - this.statusReadAt >= STATUS_EVERY_MS && !(await this.checkReport()))
      return;
    const { deps, report } = this;
    const target = this.window.target;
    const pending = this.ready.length + this.inFlight;
    // Never more than `concurrency` rows claimed and not marked: the marks of the answered ones
    // are written in the same transaction as these claims.
    // Half a window ahead, or half a second of sends when that is more (fewer, larger claims).
    const ahead = Math.max(target + Math.ceil(target / 2), Math.ceil(this.rate / 2));
    const room = Math.min(this.settings.concurrency - pending, ahead - pending);
    // No bigger than the allowance left; a fraction of one (SES quotas are doubles) still sends one.
    const size = Math.max(1, Math.min(room, cur.items.length - cur.next, Math.floor(this.allowance)));
    const group = cur.items.slice(cur.next, cur.next + size);
    cur.next += group.length;
    if (cur.items.length - cur.next <= target) this.readNextPage();
    cur.page.started += group.length;
    this.allowance -= group.length;
    const now = deps.clock.now();
    const claims: LedgerClaim[] = group.map((r) => ({
      reportId: report.reportId,
      email: r.email,
      subscriberId: r.id,
      token: this.newId(),
      now,
    }));
    const marks = this.takeUnmarked();
    let results: ClaimResult[];
    try {
      results = await deps.ledger.claimAll(
        claims,
        marks.length ? { reportId: report.reportId, sent: marks, now } : undefined,
      );
    } catch (err) {
      // Their marks may not have been written: they get another try before the run ends.
      this.unmarked.unshift(...marks);
      // The claims never happened: the page cannot be saved in this run.
      for (const _ of group) this.settle(cur.page, 'unresolved');
      this.allowance += group.length;
      throw err;
    }
    for (const m of marks) this.pages.marked(m.page);
    for (let i = 0; i < group.length; i++) {
      const outcome = await this.resolveClaim(group[i]!, claims[i]!, results[i]!);
      if (outcome === 'send')
        this.ready.push({ recipient: group[i]!, token: claims[i]!.token, page: cur.page });
      else this.settle(cur.page, outcome);
    }
  }

  /** Reads the next non-empty page; false (with a stop) when the run must not claim from it. */
  private async readPage(): Promise<boolean> {
    while (this.position) {
      if (this.pastDeadline()) {
        this.stop ??= { kind: 'continues' };
        return false;
      }
      const { shard, startKey } = this.position;
      const page = await this.fetchPage(shard, startKey);
      this.position = page.lastKey
        ? { shard, startKey: page.lastKey }
        : shard + 1 < this.scope.to
          ? { shard: shard + 1 }
          : null;
      const items = this.scope.narrow ? await this.scope.narrow(page.items) : page.items;
      // An empty page (a small list leaves shards empty) costs no writes: a later checkpoint
      // moves the cursor past it, and a redo only reads it again.
      if (items.length === 0) continue;
      if (!(await this.checkReport())) return false;
      const next: ReportCursor = page.lastKey ? { shard, lastKey: page.lastKey } : { shard: shard + 1 };
      this.current = { page: this.pages.add(next, items.length), items, next: 0 };
      return true;
    }
    return false;
  }

  /** The page at (shard, startKey): the one read ahead when it is that one. */
  private fetchPage(shard: number, startKey: Record<string, string> | undefined): Promise<AudiencePage> {
    const key = JSON.stringify([shard, startKey ?? null]);
    const ahead = this.readAhead;
    this.readAhead = null;
    if (ahead?.key === key) return ahead.page;
    return this.deps.audience.page(shard, startKey, this.pageSize);
  }

  /** Reads the next page while the current one's last rows are claimed, so a claim never waits for it. */
  private readNextPage(): void {
    if (this.readAhead || !this.position) return;
    const { shard, startKey } = this.position;
    const page = this.deps.audience.page(shard, startKey, this.pageSize);
    // Awaited (and its failure thrown) only when claimed from; never an unhandled rejection.
    page.catch(() => undefined);
    this.readAhead = { key: JSON.stringify([shard, startKey ?? null]), page };
  }

  /** Reads the report: still ours and SENDING, and the reputation guard content? Else a stop. */
  private async checkReport(): Promise<boolean> {
    const now = await this.deps.reports.get(this.report.reportId);
    this.statusReadAt = this.deps.clock.now().getTime();
    if (!now || !this.scope.holds(now)) {
      this.stop ??= { kind: 'lease-lost' };
      return false;
    }
    const problem = reputationProblem(now.counts, this.settings.reputation, now.guardSince);
    if (problem) {
      this.stop ??= { kind: 'pause', reason: `reputation guard: ${problem}`, pauseKind: 'reputation' };
      return false;
    }
    return true;
  }

  /** A claim's answer: send it, or what became of the row (a dead run's claim is taken over or given up). */
  private async resolveClaim(
    r: Recipient,
    claim: LedgerClaim,
    result: ClaimResult,
  ): Promise<Delivery | 'send'> {
    const { ledger, clock } = this.deps;
    let claimed = result;
    if (claimed.kind === 'exists' && claimed.row.state === 'claimed') {
      // Left by a run that died between claim and "sent": it may or may not have gone out.
      if (claimed.row.attempts >= this.maxAttempts) {
        await ledger.markFailed(
          claim.reportId,
          r.email,
          claimed.row.claimToken,
          `gave up after ${claimed.row.attempts} attempts`,
          clock.now(),
        );
        this.allowance++;
        return 'failed';
      }
      claimed = await ledger.takeOver({ ...claim, oldToken: claimed.row.claimToken });
    }
    if (claimed.kind === 'claimed') return 'send';
    this.allowance++;
    if (claimed.kind === 'not-confirmed') return 'skipped';
    if (claimed.row.state === 'claimed') return 'unresolved';
    return ACCEPTED_STATES.includes(claimed.row.state) ? 'settled-sent' : 'settled-failed';
  }

  // 3. send ----------------------------------------------------------------------------------

  private startSends(): void {
    while (this.ready.length && !this.halted && this.inFlight < this.window.target) {
      const c = this.ready.shift()!;
      this.inFlight++;
      void this.send(c)
        .then(
          (d) => this.settle(c.page, d),
          (error: unknown) => {
            this.settle(c.page, 'unresolved');
            this.fail(error);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.wake();
        });
    }
  }

  /** One claimed row: wait for a token, send with its own link and headers, retry throttling. */
  async send(c: Claimed): Promise<Delivery> {
    const { deps, report } = this;
    const { recipient: r, token } = c;
    await this.bucket.take(deps.sleeper);
    if (this.halted) return this.drop(c);
    const message = personalise(this.rendered, r, deps.unsubscribeKey, this.settings, report.reportId);
    for (let attempt = 0; ; attempt++) {
      let messageId: string;
      const startedAt = this.stopwatch();
      try {
        ({ messageId } = await deps.mailer.send(message));
      } catch (err) {
        const e = classifySendError(err);
        if (e.kind === 'throttle' && !this.pastDeadline() && !this.halted) {
          await deps.sleeper.sleep(backoffMs(attempt));
          // The retry is a send too: it counts in the one-second window.
          for (let w = this.bucket.admit(); w > 0; w = this.bucket.admit()) await deps.sleeper.sleep(w);
          continue;
        }
        if (e.kind === 'permanent') {
          await deps.ledger.markFailed(report.reportId, r.email, token, e.reason, deps.clock.now());
          if (++this.rejectionsInARow >= this.maxRejections) {
            this.stop ??= {
              kind: 'pause',
              reason: `SES refused ${this.rejectionsInARow} messages in a row, last: ${e.reason}`,
            };
          }
          return 'failed';
        }
        if (e.kind === 'unknown') {
          // It may have gone out: keep the claim, the next run re-sends (at-least-once).
          this.stop ??= { kind: 'error', reason: e.reason };
          return 'unresolved';
        }
        // Not sent (a paused account, or still throttled at the deadline): drop the claim.
        if (e.kind === 'pause') this.stop ??= { kind: 'pause', reason: e.reason };
        return this.drop(c);
      }
      this.window.observe(this.stopwatch() - startedAt);
      this.rejectionsInARow = 0;
      this.unmarked.push({ email: r.email, token, messageId, page: c.page });
      return 'sent';
    }
  }

  /** A claimed row that was never sent: its claim is dropped so the next run claims it afresh. */
  private async drop(c: Claimed): Promise<Delivery> {
    await this.deps.ledger.release(this.report.reportId, c.recipient.email, c.token);
    this.allowance++;
    return 'unresolved';
  }

  private async releaseReady(): Promise<void> {
    const rows = this.ready.splice(0);
    const out = await Promise.allSettled(rows.map((c) => this.drop(c)));
    for (const c of rows) this.settle(c.page, 'unresolved');
    const failed = out.find((o) => o.status === 'rejected');
    // A claim left in place is re-sent by the next run: it never went out, so no duplicate.
    if (failed && !this.failure) throw (failed as PromiseRejectedResult).reason;
  }

  // 4. settle a page ---------------------------------------------------------------------------

  private settle(page: PageProgress, d: Delivery): void {
    this.pages.settle(page, d);
    if (d === 'sent') this.tally.sent++;
    else if (d === 'failed') this.tally.failed++;
    else if (d === 'skipped') this.tally.skipped++;
    // A page with an unresolved row is never saved, nor any after it: claim no further.
    else if (d === 'unresolved') this.stop ??= { kind: 'continues' };
  }

  private takeUnmarked(): (SentMark & { page: PageProgress })[] {
    return this.unmarked.splice(0);
  }

  private async flushMarks(): Promise<void> {
    const marks = this.takeUnmarked();
    try {
      await this.deps.ledger.markSent({
        reportId: this.report.reportId,
        sent: marks,
        now: this.deps.clock.now(),
      });
    } catch (err) {
      // After a failure the run is ending: those rows stay claimed (within the crash bound).
      if (this.failure) return;
      this.unmarked.unshift(...marks);
      throw err;
    }
    for (const m of marks) this.pages.marked(m.page);
  }

  // 5. checkpoint ------------------------------------------------------------------------------

  private async checkpoint(): Promise<void> {
    const run = this.pages.saveableRun();
    if (!run) return;
    const saved = await this.scope.checkpoint(this.checkpoints, run.next, run.delta);
    this.tally.pages += run.pages.length;
    if (!saved) {
      this.stop ??= { kind: 'lease-lost' };
      return;
    }
    this.checkpoints++;
    for (const p of run.pages) this.pages.saved(p);
  }

  // 6. finish ----------------------------------------------------------------------------------

  /** The run's outcome once the pipeline is empty. */
  async end(): Promise<void> {
    const s = this.stop;
    if (s?.kind === 'pause') return this.pause(s.reason, s.pauseKind);
    if (s?.kind === 'error') {
      this.tally.outcome = 'error';
      this.tally.reason = s.reason;
      return;
    }
    if (s) {
      this.tally.outcome = s.kind;
      return;
    }
    // The 24-hour quota is spent with readers left: wait, still SENDING.
    if (this.rowsLeft() && this.allowance <= 0) {
      this.tally.outcome = 'quota';
      return;
    }
    if (this.rowsLeft() || this.pages.openPages > 0) {
      this.tally.outcome = 'continues';
      return;
    }
    await this.finish();
  }

  private async finish(): Promise<void> {
    const { deps, report } = this;
    const end = await this.scope.finish(deps.clock.now());
    if (!end.finished) {
      this.tally.outcome = end.lost ? 'lease-lost' : 'part-done';
      return;
    }
    const done = end.finished;
    this.tally.outcome = 'sent';
    await publishSent(deps, done);
    await notify(deps, {
      kind: 'sent',
      reportId: report.reportId,
      title: report.title,
      sent: done.counts.sent,
      failed: done.counts.failed,
    });
  }

  private async pause(reason: string, kind: PauseKind = 'dispatcher'): Promise<void> {
    const { deps, report } = this;
    this.tally.outcome = 'paused';
    this.tally.reason = reason;
    const paused = await this.scope.pause(reason, deps.clock.now(), kind);
    if (!paused) {
      this.tally.outcome = 'lease-lost';
      return;
    }
    await notify(deps, { kind: 'paused', reportId: report.reportId, title: report.title, reason });
  }
}

async function loadRendered(deps: DispatchDeps, report: ReportRecord): Promise<RenderedReport | null> {
  if (!report.renderedKey) return null;
  try {
    const r = JSON.parse(await deps.blobs.getText(report.renderedKey)) as RenderedReport;
    const ok = (p: unknown) =>
      !!p &&
      typeof p === 'object' &&
      ['subject', 'html', 'text'].every((k) => typeof (p as Record<string, unknown>)[k] === 'string');
    return typeof r.placeholder === 'string' &&
      r.placeholder.length > 0 &&
      ok(r.locales?.ja) &&
      ok(r.locales?.en)
      ? r
      : null;
  } catch {
    return null;
  }
}

/** Tells the editors; a lost notice must not undo or repeat the send. */
export async function notify(
  deps: DispatchDeps,
  notice: Parameters<DispatchDeps['notifier']['notify']>[0],
): Promise<void> {
  try {
    await deps.notifier.notify(notice);
  } catch (err) {
    // The report's state is already right; a lost notice must not undo or repeat the send.
    deps.log.error('dispatch: editor notice failed', {
      kind: notice.kind,
      error: err instanceof Error ? err.name : String(err),
    });
  }
}

/** The report is SENT: its web version goes public. A failure there never undoes the send; it is logged. */
export async function publishSent(deps: DispatchDeps, record: ReportRecord): Promise<void> {
  if (!deps.archive) return;
  try {
    const outcome = await deps.archive.publish(record);
    deps.log.info('archive', { reportId: record.reportId, outcome });
  } catch (err) {
    deps.log.error('archive: publishing failed', {
      reportId: record.reportId,
      error: err instanceof Error ? err.name : 'unknown',
    });
  }
}
