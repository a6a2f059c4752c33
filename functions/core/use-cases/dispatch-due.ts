/**
 * dispatchDue: one dispatcher tick (DESIGN §5). For each due report:
 *
 * 1. Take the lease (conditional update); a report leased by a live dispatcher is left alone.
 * 2. Read the SES quota: sending disabled → pause; the 24-hour budget (minus headroom for
 *    confirmation emails) spent → wait, still SENDING, the next tick continues.
 * 3. Load the rendered output once; on the first run count the audience.
 * 4. Shard by shard, page by page from the saved cursor, while the time budget lasts:
 *    check the reputation guard, then take the page's confirmed subscribers in small groups,
 *    `groupLanes` lanes sharing `concurrency` (8 → two lanes of 4): claim a group's ledger
 *    rows in one transaction (each with "still confirmed"), which also marks sent the rows
 *    whose messages went out since the last claim; send each claimed one with its own
 *    unsubscribe link and headers (the group in flight at once, paced by a token bucket).
 *    A lane claims its next group only once its last one's sends have settled, so an
 *    unsubscribe that lands mid-send stops every message not yet claimed. At the end of the
 *    page the last rows are marked, then the cursor and the page's counts are saved.
 * 5. Every shard done → SENT, and the editors are told.
 * 6. A run that ends in an error is counted on the report; `maxFailedRuns` in a row (no page
 *    saved in between) pause it and tell the editors, instead of retrying every tick forever.
 *
 * A crash leaves at most `concurrency` rows ambiguous (claimed, maybe sent, not marked): the
 * next run re-sends those (at-least-once, duplicates bounded by `concurrency`), and misses
 * nobody.
 */
import { randomUUID } from 'node:crypto';
import { unsubscribeUrl } from '../links.ts';
import { backoffMs, TokenBucket, type Sleeper } from '../pacing.ts';
import type { BlobStore, Clock, Mailer, OutgoingEmail, QuotaSource } from '../ports.ts';
import {
  ACCEPTED_STATES,
  DEFAULT_MAX_FAILED_RUNS,
  type PauseKind,
  type RenderedReport,
  type ReportCursor,
  type ReportRecord,
} from '../report.ts';
import { reputationProblem, type ReputationGuard } from '../reputation.ts';
import { classifySendError, redactAddresses } from '../send-errors.ts';
import { REPORT_HEADER } from '../ses-event.ts';
import { SHARD_COUNT } from '../subscriber.ts';
import { unsubscribeToken, type SigningKey } from '../tokens.ts';
import type { Audience, ClaimResult, EditorNotifier, Ledger, LedgerClaim, Recipient, ReportStore, SentBatch, SentMark } from './sending-ports.ts';
import type { ArchivePublisher } from './publish-archive.ts';

export interface DispatchLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface DispatchDeps {
  reports: ReportStore;
  ledger: Ledger;
  audience: Audience;
  blobs: BlobStore;
  mailer: Mailer;
  quota: QuotaSource;
  notifier: EditorNotifier;
  clock: Clock;
  sleeper: Sleeper;
  unsubscribeKey: SigningKey | Buffer;
  log: DispatchLog;
  newId?: () => string;
  /** Publishes a report's web version once it is SENT (see publish-archive.ts); absent = no archive. */
  archive?: ArchivePublisher;
}

export interface DispatchSettings {
  publicBaseUrl: string;
  unsubscribeMailto: string;
  /** Share of MaxSendRate to use. */
  rateFraction: number;
  /** SES calls in flight at once. */
  concurrency: number;
  /** Sends kept free in the 24-hour quota for confirmation emails. */
  dailyHeadroom: number;
  reputation: ReputationGuard;
  /** Subscribers per page (and per checkpoint). */
  pageSize?: number;
  /** A claim re-sent this many times without being confirmed sent is given up as failed. */
  maxAttempts?: number;
  /** This many permanent rejections in a row look like a broken setup, not bad addresses: pause. */
  maxConsecutiveRejections?: number;
  /** The lease outlives the budget by this much, so a slow last send never overlaps the next tick. */
  leaseMarginMs?: number;
  /**
   * Groups in flight at once, sharing `concurrency` (default 2). With one, every claim waits
   * for the slowest send of the group before; more lanes hide that wait (it matters when SES
   * latency, not CPU or the rate, is the limit) at the price of more, smaller transactions.
   * `concurrency` lanes = groups of one: two calls per send (claim + SendEmail).
   */
  groupLanes?: number;
  /** Runs in a row ending in an error (no page saved between them) after which the report is paused. */
  maxFailedRuns?: number;
}

export interface DispatchRun {
  /** Unique per run: the lease owner. */
  owner: string;
  /** Stop claiming new recipients after this long. */
  budgetMs: number;
}

export type ReportRunOutcome = 'sent' | 'continues' | 'quota' | 'paused' | 'busy' | 'lease-lost' | 'error';

export interface ReportRunSummary {
  reportId: string;
  outcome: ReportRunOutcome;
  sent: number;
  failed: number;
  skipped: number;
  pages: number;
  reason?: string;
}

export interface DispatchSummary {
  owner: string;
  reports: ReportRunSummary[];
}

type Stop = { kind: 'quota' } | { kind: 'pause'; reason: string } | { kind: 'error'; reason: string };
/** What became of one recipient in this run; `settled-*` = settled by an earlier run (a redone page). */
type Delivery = 'sent' | 'failed' | 'settled-sent' | 'settled-failed' | 'skipped' | 'unresolved';

export async function dispatchDue(
  deps: DispatchDeps,
  settings: DispatchSettings,
  run: DispatchRun,
): Promise<DispatchSummary> {
  const deadline = deps.clock.now().getTime() + run.budgetMs;
  const summary: DispatchSummary = { owner: run.owner, reports: [] };
  const due = await deps.reports.findDue(deps.clock.now());
  for (const reportId of due) {
    if (deps.clock.now().getTime() >= deadline) break;
    const result = await sendReport(deps, settings, run, reportId, deadline);
    summary.reports.push(result);
    deps.log.info('dispatch: report run', { ...result });
    // The 24-hour quota is the account's: no other report can send either.
    if (result.outcome === 'quota') break;
  }
  return summary;
}

async function sendReport(
  deps: DispatchDeps,
  settings: DispatchSettings,
  run: DispatchRun,
  reportId: string,
  deadline: number,
): Promise<ReportRunSummary> {
  const tally: ReportRunSummary = { reportId, outcome: 'busy', sent: 0, failed: 0, skipped: 0, pages: 0 };
  // 1. The lease.
  const until = new Date(deadline + (settings.leaseMarginMs ?? 120_000));
  const report = await deps.reports.acquireLease(reportId, run.owner, deps.clock.now(), until);
  if (!report) return tally;
  try {
    await sendLeased(deps, settings, run, report, deadline, tally);
  } catch (err) {
    tally.outcome = 'error';
    tally.reason = redactAddresses(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(
      0,
      300,
    );
    deps.log.error('dispatch: report run failed', { reportId, error: tally.reason });
  }
  try {
    if (tally.outcome === 'error') await countFailedRun(deps, settings, run, report, tally);
  } catch (err) {
    // Counting is best effort: the same fault may be what broke the run.
    deps.log.error('dispatch: could not count the failed run', {
      reportId,
      error: err instanceof Error ? err.name : String(err),
    });
  } finally {
    // No-op when the run ended the lease itself (SENT, PAUSED).
    await deps.reports.releaseLease(reportId, run.owner).catch(() => undefined);
  }
  return tally;
}

async function sendLeased(
  deps: DispatchDeps,
  settings: DispatchSettings,
  run: DispatchRun,
  report: ReportRecord,
  deadline: number,
  tally: ReportRunSummary,
): Promise<void> {
  const { clock, reports, ledger } = deps;
  const reportId = report.reportId;
  const pause = async (reason: string, kind: PauseKind = 'dispatcher') => {
    tally.outcome = 'paused';
    tally.reason = reason;
    const paused = await reports.pause(reportId, run.owner, reason, clock.now(), kind);
    if (!paused) {
      tally.outcome = 'lease-lost';
      return;
    }
    await notify(deps, { kind: 'paused', reportId, title: report.title, reason });
  };

  // 2. The quota.
  const quota = await deps.quota.getQuota();
  if (!quota.sendingEnabled)
    return pause('SES sending is disabled for this account (SendingEnabled = false)');
  let allowance =
    quota.max24HourSend < 0 ? Infinity : quota.max24HourSend - quota.sentLast24Hours - settings.dailyHeadroom;
  if (allowance <= 0) {
    tally.outcome = 'quota';
    return;
  }
  const rate = Math.max(0.01, settings.rateFraction * quota.maxSendRate);
  const bucket = new TokenBucket(rate, Math.max(1, Math.floor(rate)), clock);

  // 3. The rendered output and, on the first run, the audience.
  const rendered = await loadRendered(deps.blobs, report);
  if (!rendered) return pause(`rendered output ${report.renderedKey ?? '(none)'} is missing or malformed`);
  if (!report.cursor)
    await reports.beginSending(reportId, run.owner, await deps.audience.countConfirmed(), clock.now());

  const pageSize = settings.pageSize ?? 100;
  const maxAttempts = settings.maxAttempts ?? 5;
  const maxRejections = settings.maxConsecutiveRejections ?? 25;
  const newId = deps.newId ?? randomUUID;
  const pastDeadline = () => clock.now().getTime() >= deadline;
  const lanes = Math.max(1, Math.min(settings.concurrency, settings.groupLanes ?? 2));
  /** Lane i's group size: the lanes share `concurrency` as evenly as whole numbers allow. */
  const groupSize = (lane: number) =>
    Math.floor(settings.concurrency / lanes) + (lane < settings.concurrency % lanes ? 1 : 0);
  let rejectionsInARow = 0;
  let stop: Stop | null = null;

  /**
   * Sent rows not yet marked: they ride along with the next claim (any lane's), the rest are
   * marked at the end of the page. A crash leaves these and the sends in flight ambiguous —
   * at most `concurrency` rows, re-sent by the next run (at-least-once).
   */
  let unmarked: SentMark[] = [];
  const takeUnmarked = (): SentBatch | undefined => {
    const sent = unmarked;
    unmarked = [];
    return sent.length ? { reportId, sent, now: clock.now() } : undefined;
  };

  /**
   * One group: claim it in one transaction, which also marks the rows sent so far → send each
   * claimed one (all in flight at once). The allowance is taken for the whole group up front
   * and given back for each recipient not sent.
   */
  const deliverGroup = async (group: readonly Recipient[]): Promise<Delivery[]> => {
    allowance -= group.length;
    const now = clock.now();
    const claims: LedgerClaim[] = group.map((r) => ({
      reportId,
      email: r.email,
      subscriberId: r.id,
      token: newId(),
      now,
    }));
    const previous = takeUnmarked();
    let claimed: ClaimResult[];
    try {
      claimed = await ledger.claimAll(claims, previous);
    } catch (err) {
      // Their marks may not have been written: they get another try at the end of the page.
      if (previous) unmarked.push(...previous.sent);
      throw err;
    }
    const outcomes = await Promise.allSettled(
      group.map((r, i) => deliverClaimed(r, claims[i]!, claimed[i]!)),
    );
    const failure = outcomes.find((o) => o.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    return outcomes.map((o) => (o as PromiseFulfilledResult<Delivery>).value);
  };

  /** One recipient after the group's claim: take over a dead run's claim or skip, send, collect the message id. */
  const deliverClaimed = async (r: Recipient, claim: LedgerClaim, result: ClaimResult): Promise<Delivery> => {
    let claimed = result;
    if (claimed.kind === 'exists' && claimed.row.state === 'claimed') {
      // Left by a run that died between claim and "sent": it may or may not have gone out.
      if (claimed.row.attempts >= maxAttempts) {
        await ledger.markFailed(
          reportId,
          r.email,
          claimed.row.claimToken,
          `gave up after ${claimed.row.attempts} attempts`,
          clock.now(),
        );
        allowance++;
        return 'failed';
      }
      claimed = await ledger.takeOver({ ...claim, oldToken: claimed.row.claimToken });
    }
    if (claimed.kind !== 'claimed') {
      allowance++;
      if (claimed.kind === 'not-confirmed') return 'skipped';
      if (claimed.row.state === 'claimed') return 'unresolved';
      return ACCEPTED_STATES.includes(claimed.row.state) ? 'settled-sent' : 'settled-failed';
    }

    const { token } = claim;
    await bucket.take(deps.sleeper);
    const message = personalise(rendered, r, deps.unsubscribeKey, settings, reportId);
    for (let attempt = 0; ; attempt++) {
      let messageId: string;
      try {
        ({ messageId } = await deps.mailer.send(message));
      } catch (err) {
        const c = classifySendError(err);
        if (c.kind === 'throttle' && !pastDeadline() && stop === null) {
          await deps.sleeper.sleep(backoffMs(attempt));
          continue;
        }
        if (c.kind === 'permanent') {
          await ledger.markFailed(reportId, r.email, token, c.reason, clock.now());
          if (++rejectionsInARow >= maxRejections) {
            stop ??= {
              kind: 'pause',
              reason: `SES refused ${rejectionsInARow} messages in a row, last: ${c.reason}`,
            };
          }
          return 'failed';
        }
        if (c.kind === 'unknown') {
          // It may have gone out: keep the claim, the next run re-sends (at-least-once).
          stop ??= { kind: 'error', reason: c.reason };
          return 'unresolved';
        }
        // Not sent (paused account, or still throttled at the deadline): drop the claim.
        if (c.kind === 'pause') stop ??= { kind: 'pause', reason: c.reason };
        await ledger.release(reportId, r.email, token);
        allowance++;
        return 'unresolved';
      }
      rejectionsInARow = 0;
      unmarked.push({ email: r.email, token, messageId });
      return 'sent';
    }
  };

  // 4. Shards and pages from the cursor.
  const cursor: ReportCursor = report.cursor ?? { shard: 0 };
  for (let shard = cursor.shard; shard < SHARD_COUNT; shard++) {
    let startKey = shard === cursor.shard ? cursor.lastKey : undefined;
    do {
      if (pastDeadline()) {
        tally.outcome = 'continues';
        return;
      }
      const page = await deps.audience.page(shard, startKey, pageSize);
      // An empty page (a small list leaves shards empty) costs no writes: a later checkpoint
      // moves the cursor past it, and a redo only reads it again.
      if (page.items.length === 0) {
        startKey = page.lastKey;
        continue;
      }
      const current = await reports.get(reportId);
      if (!current || current.status !== 'SENDING' || current.leaseOwner !== run.owner) {
        tally.outcome = 'lease-lost';
        return;
      }
      const problem = reputationProblem(current.counts, settings.reputation, current.guardSince);
      if (problem) return pause(`reputation guard: ${problem}`, 'reputation');

      const counts: Record<Delivery | 'started', number> = {
        sent: 0,
        failed: 0,
        'settled-sent': 0,
        'settled-failed': 0,
        skipped: 0,
        unresolved: 0,
        started: 0,
      };
      // `groupLanes` lanes take groups off the page, each claiming its next group once its
      // last one's sends have settled; together never more than `concurrency` in flight.
      let next = 0;
      let failure: { error: unknown } | null = null;
      const lane = async (_: unknown, laneNo: number) => {
        while (failure === null && next < page.items.length && stop === null && !pastDeadline()) {
          if (allowance <= 0) {
            stop ??= { kind: 'quota' };
            return;
          }
          // No bigger than the allowance left; a fraction of one (SES quotas are doubles) still sends one.
          const size = Math.max(1, Math.min(groupSize(laneNo), Math.floor(allowance)));
          const group = page.items.slice(next, next + size);
          next += group.length;
          counts.started += group.length;
          try {
            for (const d of await deliverGroup(group)) counts[d]++;
          } catch (error) {
            failure ??= { error };
          }
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
      // What went out is marked, also before the run stops on an error.
      const last = takeUnmarked();
      if (last) await ledger.markSent(last);
      if (failure) throw (failure as { error: unknown }).error;
      tally.sent += counts.sent;
      tally.failed += counts.failed;
      tally.skipped += counts.skipped;

      // A page is checkpointed only when every subscriber on it is settled; otherwise it is
      // redone next time, and the rows settled now are found in the ledger and counted then.
      const resolved = counts.unresolved === 0 && counts.started === page.items.length;
      if (resolved) {
        const next: ReportCursor = page.lastKey ? { shard, lastKey: page.lastKey } : { shard: shard + 1 };
        const saved = await reports.checkpoint(reportId, run.owner, current.checkpoints ?? 0, next, {
          sent: counts.sent + counts['settled-sent'],
          failed: counts.failed + counts['settled-failed'],
        });
        tally.pages++;
        if (!saved) {
          tally.outcome = 'lease-lost';
          return;
        }
      }
      const s = stop as Stop | null;
      if (s?.kind === 'pause') return pause(s.reason);
      if (s) {
        tally.outcome = s.kind;
        if (s.kind === 'error') tally.reason = s.reason;
        return;
      }
      if (!resolved) {
        tally.outcome = 'continues';
        return;
      }
      startKey = page.lastKey;
    } while (startKey);
  }

  // 5. Done.
  const done = await reports.finish(reportId, run.owner, clock.now());
  if (!done) {
    tally.outcome = 'lease-lost';
    return;
  }
  tally.outcome = 'sent';
  await publishSent(deps, done);
  await notify(deps, {
    kind: 'sent',
    reportId,
    title: report.title,
    sent: done.counts.sent,
    failed: done.counts.failed,
  });
}

/** Step 6: one more failed run; the `maxFailedRuns`-th in a row pauses the report for a person. */
async function countFailedRun(
  deps: DispatchDeps,
  settings: DispatchSettings,
  run: DispatchRun,
  report: ReportRecord,
  tally: ReportRunSummary,
): Promise<void> {
  const { reportId } = report;
  const failedRuns = await deps.reports.recordFailedRun(reportId, run.owner, deps.clock.now());
  if (failedRuns === null || failedRuns < (settings.maxFailedRuns ?? DEFAULT_MAX_FAILED_RUNS)) return;
  const reason = `${failedRuns} dispatcher runs in a row failed, last: ${tally.reason ?? 'unknown error'}`;
  const paused = await deps.reports.pause(reportId, run.owner, reason, deps.clock.now(), 'dispatcher');
  if (!paused) return;
  tally.outcome = 'paused';
  tally.reason = reason;
  await notify(deps, { kind: 'paused', reportId, title: report.title, reason });
}

/** The rendered output with this recipient's unsubscribe token, headers and tags. */
export function personalise(
  rendered: RenderedReport,
  r: Recipient,
  key: SigningKey | Buffer,
  settings: Pick<DispatchSettings, 'publicBaseUrl' | 'unsubscribeMailto'>,
  reportId: string,
): OutgoingEmail {
  const part = rendered.locales[r.locale] ?? rendered.locales.ja;
  const token = unsubscribeToken(key, r.id);
  return {
    to: r.email,
    subject: part.subject,
    html: part.html.replaceAll(rendered.placeholder, token),
    text: part.text.replaceAll(rendered.placeholder, token),
    headers: [
      {
        name: 'List-Unsubscribe',
        value: `<${unsubscribeUrl(settings.publicBaseUrl, token)}>, <mailto:${settings.unsubscribeMailto}?subject=unsubscribe-${token}>`,
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: REPORT_HEADER, value: reportId },
    ],
    tags: { reportId, kind: 'newsletter' },
  };
}

async function loadRendered(blobs: BlobStore, report: ReportRecord): Promise<RenderedReport | null> {
  if (!report.renderedKey) return null;
  try {
    const r = JSON.parse(await blobs.getText(report.renderedKey)) as RenderedReport;
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

async function notify(deps: DispatchDeps, notice: Parameters<EditorNotifier['notify']>[0]): Promise<void> {
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
async function publishSent(deps: DispatchDeps, record: ReportRecord): Promise<void> {
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
