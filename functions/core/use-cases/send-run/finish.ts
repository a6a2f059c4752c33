/**
 * The finish phase: the run's outcome once its pipeline is empty, and the editors' notices.
 *
 * 1. A stop decides it: a pause pauses the report (and tells the editors); an error, the
 *    deadline or a lost lease end the run with that outcome.
 * 2. The 24-hour budget spent with readers left: wait, still SENDING.
 * 3. Readers left, or pages not saved: the next run continues.
 * 4. Every shard of the scope sent: the scope finishes (SENDING → SENT is conditional, so one
 *    run wins), the web version goes public and the editors are told — once.
 */
import type { PauseKind, RenderedReport, ReportRecord } from '../../report.ts';
import type { DispatchDeps } from '../dispatch-due.ts';
import type { RunState } from './state.ts';

/** What is left when the pipeline is empty. */
export interface Leftover {
  /** Rows of the audience this run has not claimed. */
  rowsLeft: boolean;
  /** Pages read and not saved. */
  openPages: number;
}

export async function endRun(run: RunState, left: Leftover): Promise<void> {
  const { tally } = run;
  // 1. A stop.
  const s = run.stop;
  if (s?.kind === 'pause') return pauseRun(run, s.reason, s.pauseKind);
  if (s?.kind === 'error') {
    tally.outcome = 'error';
    tally.reason = s.reason;
    return;
  }
  if (s) {
    tally.outcome = s.kind;
    return;
  }
  // 2. The 24-hour quota is spent with readers left: wait, still SENDING.
  if (left.rowsLeft && run.allowance <= 0) {
    tally.outcome = 'quota';
    return;
  }
  // 3. More to do.
  if (left.rowsLeft || left.openPages > 0) {
    tally.outcome = 'continues';
    return;
  }
  // 4. Done.
  await finishRun(run);
}

async function finishRun(run: RunState): Promise<void> {
  const { deps, report, tally } = run;
  const end = await run.scope.finish(deps.clock.now());
  if (!end.finished) {
    tally.outcome = end.lost ? 'lease-lost' : 'part-done';
    return;
  }
  const done = end.finished;
  tally.outcome = 'sent';
  await publishSent(deps, done);
  await retireRendered(deps, report.reportId, run.rendered);
  await notify(deps, {
    kind: 'sent',
    reportId: report.reportId,
    title: report.title,
    sent: done.counts.sent,
    failed: done.counts.failed,
  });
}

/** Pauses the report with the run's reason and tells the editors (a lost lease: neither). */
export async function pauseRun(run: RunState, reason: string, kind: PauseKind = 'dispatcher'): Promise<void> {
  const { deps, report, tally } = run;
  tally.outcome = 'paused';
  tally.reason = reason;
  const paused = await run.scope.pause(reason, deps.clock.now(), kind);
  if (!paused) {
    tally.outcome = 'lease-lost';
    return;
  }
  await notify(deps, { kind: 'paused', reportId: report.reportId, title: report.title, reason });
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

/**
 * The report is SENT: what the mailer keeps for its rendered parts (the SES templates its
 * newsletters named) goes. A failure never undoes the send; it is logged.
 */
export async function retireRendered(
  deps: DispatchDeps,
  reportId: string,
  rendered: RenderedReport | null | undefined,
): Promise<void> {
  if (!deps.mailer.retire || !rendered) return;
  try {
    await deps.mailer.retire(rendered);
  } catch (err) {
    deps.log.error('dispatch: retiring the rendered parts failed', {
      reportId,
      error: err instanceof Error ? err.name : 'unknown',
    });
  }
}
