/**
 * The start phase: what the run may send, before it claims anyone.
 *
 * 1. The account: SES sending disabled → pause the report.
 * 2. The 24-hour budget, less the confirmation emails' reserve, split among the workers as the rate is:
 *    spent → wait (the report stays SENDING).
 * 3. The rate: `rateFraction` of MaxSendRate less the confirmations' reserve, this worker's
 *    share of it (rate-shares.ts: in proportion to its part's readers when they were counted,
 *    else equal; the parts that finished a window ago left out, as later in the run by
 *    `raiseShare`); the pacer (starting from the lane's last admissions:
 *    hand-over.ts) and the in-flight window follow from it.
 * 4. The rendered output: missing or malformed → pause the report.
 * 5. Sending begins (the scope records the audience on the first run).
 */
import { InFlightWindow } from '../../in-flight.ts';
import { HANDOVER_SKEW_MS, WINDOW_MS } from '../../hand-over.ts';
import { freedParts, weightedShare } from '../../rate-shares.ts';
import { SendPacer } from '../../pacing.ts';
import type { RenderedReport, ReportRecord } from '../../report.ts';
import { reserveFor } from '../../send-load.ts';
import type { DispatchDeps } from '../dispatch-due.ts';
import { pauseRun } from './finish.ts';
import type { RunState } from './state.ts';

/** False when the run ends here (paused, or the quota is spent). */
export async function startRun(run: RunState): Promise<boolean> {
  const { deps, settings, report, scope } = run;
  // 1. The account.
  const quota = await deps.quota.getQuota();
  if (!quota.sendingEnabled) {
    await pauseRun(run, 'SES sending is disabled for this account (SendingEnabled = false)');
    return false;
  }
  // 2. The 24-hour budget. Confirmation emails share the quota: leave them what they have been
  // using, doubled.
  const reserve = deps.confirmations
    ? reserveFor(await deps.confirmations.recent(deps.clock.now()), settings.dailyHeadroom)
    : { rate: 0, daily: settings.dailyHeadroom };
  const daily =
    quota.max24HourSend < 0 ? Infinity : quota.max24HourSend - quota.sentLast24Hours - reserve.daily;
  // 3. The rate, and the budget split as it is (the workers' shares add up to the total).
  const total = Math.min(settings.rateFraction * quota.maxSendRate, quota.maxSendRate - reserve.rate);
  run.totalRate = total;
  const share = shareOf(run, report, deps.clock.now().getTime());
  run.allowance = daily * (total > 0 ? share / total : 1 / scope.share);
  if (run.allowance <= 0) {
    run.tally.outcome = 'quota';
    return false;
  }
  const rate = Math.max(0.01, share);
  run.pacer = new SendPacer(rate, deps.clock);
  run.handOver.start(run.pacer, deps.clock.now().getTime());
  run.window = new InFlightWindow(rate, settings.concurrency);
  run.rate = rate;
  // 4. The rendered output.
  const rendered = await loadRendered(deps, report);
  if (!rendered) {
    await pauseRun(run, `rendered output ${report.renderedKey ?? '(none)'} is missing or malformed`);
    return false;
  }
  run.rendered = rendered;
  // 5. Sending begins.
  await scope.begin(() => deps.audience.countConfirmed());
  return true;
}

/**
 * This worker's share of the total at `now`, as `report` (just read) shows the parts: in
 * proportion to their readers (equal when not counted), the parts finished a window ago left out.
 */
export function shareOf(run: RunState, report: ReportRecord, now: number): number {
  const { scope } = run;
  const weights = scope.weights ?? Array<number>(scope.share).fill(1);
  const freed = freedParts(report.partsFinished, now, WINDOW_MS, HANDOVER_SKEW_MS);
  return weightedShare(run.totalRate, weights, scope.index, freed);
}

/** A part finished a window ago: this run takes up its share of the rate from now on. */
export function raiseShare(run: RunState, report: ReportRecord, now: number): void {
  const share = Math.max(0.01, shareOf(run, report, now));
  if (!(share > run.rate)) return;
  run.deps.log.info('dispatch: a finished part left its share of the rate', {
    reportId: run.report.reportId,
    part: run.scope.index,
    from: run.rate,
    to: share,
  });
  run.rate = share;
  run.pacer.raise(share);
  run.window.raise(share);
}

/** The report's rendered output, or null when it is missing or not what the render function writes. */
export async function loadRendered(deps: DispatchDeps, report: ReportRecord): Promise<RenderedReport | null> {
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
