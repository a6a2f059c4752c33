/**
 * Parallel fan-out: when one run cannot reach the account's rate, the report's shards are split
 * into parts and each part is sent by its own worker, coordinated through DynamoDB only.
 *
 * Coordinator (the scheduled dispatcher, holding the report's lease for a moment):
 * 1. Decide the workers: ceil(rate ÷ `workerRate`), at most `maxWorkers` (a report keeps the
 *    split it started with).
 * 2. On the first run, record the audience and the start; split the shards into parts, with
 *    each part's readers (counted per shard) as its weight.
 * 3. Launch a worker for every part not done and not held by a live worker (a crashed worker's
 *    part is relaunched once its lease expires); finish the report if every part is done but
 *    the last worker died before finishing it. When this run sent just before (a canary's
 *    sample, another report), the workers start only once its last sends no longer count:
 *    their windows know only their own lanes (hand-over.ts).
 *
 * Worker (one part):
 * 1. The report must be SENDING; take the part's lease.
 * 2. Send the part with a SendRun at its share of the rate (whole sends per second adding up
 *    to the rate, in proportion to the parts' weights so that they all end together:
 *    rate-shares.ts) and the same share of the 24-hour budget, its pacer starting from the
 *    admissions the part's last run saved with its release (and saving its own with its own).
 * 3. The part done → counted on the report; the worker whose part completes the count
 *    finishes the report (SENDING → SENT, conditional) and tells the editors: exactly once.
 * Pause and cancel stop every worker before its next claim: each claim checks the worker's own
 * stop gate (lane = part number), whose token every pause and cancel replaces (report.ts). The
 * reputation guard is read from the report item before each page, by every worker.
 */
import { HandOver, noteLastSend } from '../hand-over.ts';
import { clip } from '../clip.ts';
import { partWeights } from '../rate-shares.ts';
import type { ReportRecord } from '../report.ts';
import { skipSample } from './canary-step.ts';
import type { DispatchDeps, DispatchSettings, ReportRunSummary } from './dispatch-due.ts';
import type { PartRecord, PartStore, PartTask, WorkerLauncher } from './fan-out-ports.ts';
import { notify, publishSent, retireRendered, SendRun, type RunScope } from './send-run.ts';
import { loadRendered } from './send-run/start.ts';

export interface FanOutDeps {
  parts: PartStore;
  launcher: WorkerLauncher;
}

/** Workers for a send at `rate`/s: one per `workerRate`, at most `maxWorkers` (and 16 shards). */
export function workersFor(
  rate: number,
  settings: Pick<DispatchSettings, 'workerRate' | 'maxWorkers'>,
): number {
  const max = Math.min(16, settings.maxWorkers ?? 1);
  return Math.max(1, Math.min(max, Math.ceil(rate / (settings.workerRate ?? 150))));
}

/** Coordinator steps 2–3, under the report's lease. Returns the workers launched. */
export async function launchParts(
  deps: DispatchDeps & FanOutDeps,
  report: ReportRecord,
  owner: string,
  workers: number,
  tally: ReportRunSummary,
  /** This run's own last admissions, if it sent just before. */
  lane?: HandOver,
): Promise<void> {
  const { clock } = deps;
  // Readers per shard, once, at the split: each part's share of the rate follows its readers.
  const byShard = report.parts ? undefined : await deps.audience.countConfirmedByShard?.();
  if (!report.cursor && !report.parts) {
    await deps.reports.beginSending(
      report.reportId,
      owner,
      byShard ? byShard.reduce((a, b) => a + b, 0) : await deps.audience.countConfirmed(),
      clock.now(),
    );
  }
  const parts = report.parts
    ? await deps.parts.list(report.reportId)
    : await deps.parts.split(report.reportId, workers, byShard && partWeights(byShard, workers));
  tally.workers = parts.length;
  const now = clock.now().toISOString();
  const open = parts.filter((p) => !p.done && (!p.leaseUntil || p.leaseUntil < now));
  if (parts.every((p) => p.done)) {
    const finished = await deps.parts.finishReport(report.reportId, parts.length, clock.now());
    tally.outcome = finished ? 'sent' : 'busy';
    if (finished) await notifySent(deps, finished);
    return;
  }
  tally.outcome = 'continues';
  // Only a launch needs the lane clear (a tick that finds every part leased waits for nothing).
  if (open.length) await lane?.clear(clock, deps.sleeper);
  // Each launch is queued (AWS) or runs in this process (locally); all start together.
  await Promise.all(
    open.map((p) =>
      deps.launcher.launch({ kind: 'kawaraban.send-part', reportId: report.reportId, part: p.part }),
    ),
  );
  // Workers that ran in this process (locally) may have finished the report.
  if ((await deps.reports.get(report.reportId))?.status === 'SENT') tally.outcome = 'sent';
}

/** A worker's run over one part. */
export async function sendPart(
  deps: DispatchDeps & FanOutDeps,
  settings: DispatchSettings,
  task: PartTask,
  run: { owner: string; budgetMs: number },
): Promise<ReportRunSummary> {
  const { clock } = deps;
  const tally: ReportRunSummary = {
    reportId: task.reportId,
    outcome: 'busy',
    sent: 0,
    failed: 0,
    skipped: 0,
    pages: 0,
  };
  const deadline = clock.now().getTime() + run.budgetMs;
  const report = await deps.reports.get(task.reportId);
  if (report?.status !== 'SENDING') {
    tally.outcome = 'lease-lost';
    return tally;
  }
  const until = new Date(deadline + (settings.leaseMarginMs ?? 120_000));
  const part = await deps.parts.lease(task.reportId, task.part, run.owner, clock.now(), until);
  if (!part) return tally;
  const handOver = new HandOver(part.recentSends);
  try {
    await new SendRun({
      deps,
      settings,
      owner: run.owner,
      report,
      // After a canary, its sample is left out (canary-step.ts).
      scope: skipSample(deps, report, partScope(deps, part, run.owner, report.partWeights)),
      deadline,
      tally,
      handOver,
    }).execute();
  } catch (err) {
    tally.outcome = 'error';
    tally.reason = clip(err instanceof Error ? `${err.name}: ${err.message}` : String(err), 300);
    deps.log.error('dispatch: worker run failed', {
      reportId: task.reportId,
      part: task.part,
      error: tally.reason,
    });
  } finally {
    const recent = handOver.recent(clock.now().getTime());
    await deps.parts.release(task.reportId, task.part, run.owner, recent).catch(() => undefined);
    await noteLastSend(deps, `${task.reportId}#part${task.part}`, recent);
  }
  return tally;
}

/** One part under its own lease; the report's counts, pause and end are shared by all parts. */
function partScope(
  deps: DispatchDeps & FanOutDeps,
  part: PartRecord,
  owner: string,
  weights: readonly number[] | undefined,
): RunScope {
  const { parts } = deps;
  const { reportId } = part;
  return {
    from: part.from,
    to: part.to,
    cursor: part.cursor,
    checkpoints: part.checkpoints ?? 0,
    share: part.parts,
    index: part.part,
    ...(weights?.length === part.parts ? { weights } : {}),
    holds: (report) => report.status === 'SENDING',
    begin: async () => undefined,
    checkpoint: (saved, cursor, add) => parts.checkpoint(reportId, part.part, owner, saved, cursor, add),
    async finish(now) {
      const report = await parts.finishPart(reportId, part.part, owner, now);
      if (!report) return { finished: null, lost: true };
      if ((report.partsDone ?? 0) < part.parts) return { finished: null, lost: false };
      const finished = await parts.finishReport(reportId, part.parts, now);
      return finished ? { finished } : { finished: null, lost: false };
    },
    pause: (reason, now, kind) => parts.pauseReport(reportId, reason, now, kind),
  };
}

async function notifySent(deps: DispatchDeps, report: ReportRecord): Promise<void> {
  await publishSent(deps, report);
  if (deps.mailer.retire) await retireRendered(deps, report.reportId, await loadRendered(deps, report));
  await notify(deps, {
    kind: 'sent',
    reportId: report.reportId,
    title: report.title,
    sent: report.counts.sent,
    failed: report.counts.failed,
  });
}
