/**
 * dispatchDue: one dispatcher tick (DESIGN §5). For each due report:
 *
 * 1. Take the lease (conditional update); a report leased by a live dispatcher is left alone.
 *    With a canary (canary-step.ts), send its sample first, wait, judge it; the rest only after.
 * 2. Send it with one `SendRun` (send-run.ts): the quota, the rendered output, then a pipeline
 *    of claims, sends, page settlements and checkpoints until the audience, the time budget
 *    or the quota runs out; every shard done → SENT, and the editors are told.
 * 3. A run that ends in an error is counted on the report; `maxFailedRuns` in a row (no page
 *    saved in between) pause it and tell the editors, instead of retrying every tick forever.
 * 4. Release the lease (a no-op when the run ended it: SENT, PAUSED), saving the admissions of
 *    the run's last second for the next run on the report (hand-over.ts), and its last
 *    admission for whichever lane sends next (`lastSend`). The tick's reports share one lane:
 *    the next report's run starts from the last one's admissions too; a report that another
 *    lane sent just before (another instance, the last report's workers) waits for that lane's
 *    second to pass (hand-over.ts, step 5).
 * 5. The rate is the account's: after a report whose workers are still sending it (or when the
 *    24-hour quota is spent) the tick starts no other report.
 *
 * Crash bound: at most `concurrency` rows are ambiguous after a crash (claimed, maybe sent, not
 * marked): the next run re-sends those (at-least-once) and misses nobody.
 */
import { HandOver, noteLastSend } from '../hand-over.ts';
import { DEFAULT_MAX_FAILED_RUNS, type ReportRecord } from '../report.ts';
import type { Sleeper } from '../pacing.ts';
import type { BlobStore, Clock, Mailer, QuotaSource } from '../ports.ts';
import type { ReputationGuard } from '../reputation.ts';
import { redactAddresses } from '../send-errors.ts';
import type { ConfirmationLoad } from '../send-load.ts';
import type { CanarySettings } from '../canary.ts';
import { canaryStep, skipSample, type CanaryStore } from './canary-step.ts';
import { launchParts, workersFor, type FanOutDeps } from './fan-out.ts';
import type { ArchivePublisher } from './publish-archive.ts';
import { notify, reportScope, SendRun } from './send-run.ts';
import type { SigningKey } from '../tokens.ts';
import type { Audience, EditorNotifier, LastSend, Ledger, ReportStore } from './sending-ports.ts';

export { personalise } from './personalise.ts';

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
  /** Milliseconds from a monotonic timer, to measure SES latency (default: performance.now). */
  stopwatch?: () => number;
  /** Parallel workers (fan-out.ts); without them every report is sent by this run alone. */
  fanOut?: FanOutDeps;
  /** Recent confirmation emails, for the share of the quota left to them (default: a fixed `dailyHeadroom`). */
  confirmations?: ConfirmationLoad;
  /** Publishes a report's web version once it is SENT (see publish-archive.ts); absent = no archive. */
  archive?: ArchivePublisher;
  /** The canary's writes (with `settings.canary`); absent = no report has a canary. */
  canary?: CanaryStore;
  /** The account's last admission across lanes and instances; absent = one process sends everything. */
  lastSend?: LastSend;
}

export interface DispatchSettings {
  publicBaseUrl: string;
  unsubscribeMailto: string;
  /** Share of MaxSendRate to use. */
  rateFraction: number;
  /**
   * The most SES calls in flight at once (the run keeps rate × observed latency in flight, up to
   * this); also the most rows a crash can leave ambiguous.
   */
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
  /** Runs in a row ending in an error (no page saved between them) after which the report is paused. */
  maxFailedRuns?: number;
  /** The most parallel workers for one report (default 1: no fan-out). */
  maxWorkers?: number;
  /** Sends per second one worker is given before another is added (default 150). */
  workerRate?: number;
  /** The canary (functions/core/canary.ts), with `deps.canary`. */
  canary?: CanarySettings;
}

export interface DispatchRun {
  /** Unique per run: the lease owner. */
  owner: string;
  /** Stop claiming new recipients after this long. */
  budgetMs: number;
}

/**
 * `part-done`: a worker sent its part while other workers still send theirs; `canary-wait`: the
 * canary's sample is sent and the rest waits for its verdict.
 */
export type ReportRunOutcome =
  | 'sent'
  | 'part-done'
  | 'canary-wait'
  | 'continues'
  | 'quota'
  | 'paused'
  | 'busy'
  | 'lease-lost'
  | 'error';

export interface ReportRunSummary {
  reportId: string;
  outcome: ReportRunOutcome;
  sent: number;
  failed: number;
  skipped: number;
  pages: number;
  reason?: string;
  /** Parallel workers the report is split among (absent: this run sent it alone). */
  workers?: number;
}

export interface DispatchSummary {
  owner: string;
  reports: ReportRunSummary[];
}

export async function dispatchDue(
  deps: DispatchDeps,
  settings: DispatchSettings,
  run: DispatchRun,
): Promise<DispatchSummary> {
  const deadline = deps.clock.now().getTime() + run.budgetMs;
  const summary: DispatchSummary = { owner: run.owner, reports: [] };
  const due = await deps.reports.findDue(deps.clock.now());
  // One sender: each report's run starts from the admissions of the run before it.
  const lane = new HandOver();
  // Who sent last, if that was another lane (read once: this tick's own lane carries it on).
  const last = due.length ? await readLastSend(deps) : undefined;
  for (const reportId of due) {
    if (deps.clock.now().getTime() >= deadline) break;
    if (last && last.lane !== reportId) lane.hold(last.at);
    const result = await sendReport(deps, settings, run, reportId, deadline, lane);
    summary.reports.push(result);
    deps.log.info('dispatch: report run', { ...result });
    // The 24-hour quota is the account's: no other report can send either.
    if (result.outcome === 'quota') break;
    // Workers still sending this report use the whole rate: the next report waits until they are done.
    if (result.workers !== undefined && result.outcome === 'continues') break;
  }
  return summary;
}

async function sendReport(
  deps: DispatchDeps,
  settings: DispatchSettings,
  run: DispatchRun,
  reportId: string,
  deadline: number,
  lane: HandOver,
): Promise<ReportRunSummary> {
  const tally: ReportRunSummary = { reportId, outcome: 'busy', sent: 0, failed: 0, skipped: 0, pages: 0 };
  // 1. The lease, with the last run's admissions.
  const until = new Date(deadline + (settings.leaseMarginMs ?? 120_000));
  const leased = await deps.reports.acquireLease(reportId, run.owner, deps.clock.now(), until);
  if (!leased) return tally;
  lane.add(leased.recentSends, deps.clock.now().getTime());
  let report = leased;
  try {
    const canary = await canaryStep(deps, settings, run.owner, leased, deadline, tally, lane);
    if (canary.next === 'main') {
      report = canary.report;
      const workers = deps.fanOut ? (report.parts ?? workersFor(await fanOutRate(deps), settings)) : 1;
      if (deps.fanOut && workers > 1)
        await launchParts({ ...deps, ...deps.fanOut }, report, run.owner, workers, tally, lane);
      else {
        const scope = skipSample(deps, report, reportScope(deps, report, run.owner));
        await new SendRun({
          deps,
          settings,
          owner: run.owner,
          report,
          scope,
          deadline,
          tally,
          handOver: lane,
        }).execute();
      }
    }
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
    const recent = lane.recent(deps.clock.now().getTime());
    await deps.reports.releaseLease(reportId, run.owner, recent).catch(() => undefined);
    await noteLastSend(deps, reportId, recent);
  }
  return tally;
}

/** Who sent last; when that cannot be read, someone just now (a window's wait rather than a risk). */
async function readLastSend(deps: DispatchDeps): Promise<{ lane: string; at: number } | null | undefined> {
  try {
    return await deps.lastSend?.read();
  } catch (err) {
    deps.log.warn('dispatch: could not read the last send', {
      error: err instanceof Error ? err.name : String(err),
    });
    return { lane: '', at: deps.clock.now().getTime() };
  }
}

/** The rate the account allows now (for the number of workers). */
async function fanOutRate(deps: DispatchDeps): Promise<number> {
  return (await deps.quota.getQuota()).maxSendRate;
}

/** Step 3: one more failed run; the `maxFailedRuns`-th in a row pauses the report for a person. */
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
