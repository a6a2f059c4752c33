/**
 * A person's hand on the sending pipeline (`kawaraban report pause | resume | cancel`):
 *
 * 1. Read the report (resume only: where it goes back to depends on whether it had started).
 * 2. Move the report item from an allowed status to the new one in one conditional update,
 *    so a dispatcher writing at the same moment is never overwritten (no lost update).
 * 3. Refused: say what the status is (or that there is no such report); nothing changes.
 *
 * Pause: SCHEDULED | SENDING → PAUSED (kind `operator`), with a new token in every stop gate in
 * the same transaction (report.ts): a dispatcher or worker in the middle of it is refused its
 * next claim by DynamoDB, and stops; only rows it claimed before may still go out.
 * Resume: PAUSED → SENDING when sending had started (the next tick continues from the saved
 * cursor; the ledger keeps anyone already sent from getting it twice), PAUSED → SCHEDULED when
 * it had not (so its `sendAt` still holds). After a reputation-guard pause the guard's window
 * restarts at the resume: the person has looked, and the old counts would pause it again at once.
 * Cancel: SCHEDULED | SENDING | PAUSED → CANCELED, like pause but for good.
 */
import type { Clock } from '../ports.ts';
import {
  CANCELABLE_STATUSES,
  PAUSABLE_STATUSES,
  RESUMABLE_STATUSES,
  type ReportRecord,
  type ReportStatus,
} from '../report.ts';
import type { ReportStore, StatusChangeFields } from './sending-ports.ts';

export type ControlOutcome =
  | { kind: 'changed'; record: ReportRecord; before: ReportRecord | null }
  | { kind: 'refused'; status: ReportStatus }
  | { kind: 'unknown' };

export interface ControlDeps {
  reports: Pick<ReportStore, 'changeStatus' | 'get'>;
  clock: Clock;
}

async function change(
  deps: ControlDeps,
  reportId: string,
  from: readonly ReportStatus[],
  to: ReportStatus,
  set?: StatusChangeFields,
  before: ReportRecord | null = null,
): Promise<ControlOutcome> {
  const out = await deps.reports.changeStatus(reportId, from, to, deps.clock.now(), set);
  if (out.ok) return { kind: 'changed', record: out.record, before };
  return out.status ? { kind: 'refused', status: out.status } : { kind: 'unknown' };
}

/** The pause reason a person's pause records (shown by `report status`). */
export const OPERATOR_PAUSE_REASON = 'paused by an operator (kawaraban report pause)';

export const pauseReport = (deps: ControlDeps, reportId: string) =>
  change(deps, reportId, PAUSABLE_STATUSES, 'PAUSED', {
    pauseReason: OPERATOR_PAUSE_REASON,
    pauseKind: 'operator',
  });

export async function resumeReport(deps: ControlDeps, reportId: string): Promise<ControlOutcome> {
  const before = await deps.reports.get(reportId);
  if (!before) return { kind: 'unknown' };
  if (!RESUMABLE_STATUSES.includes(before.status)) return { kind: 'refused', status: before.status };
  const to: ReportStatus = before.startedAt ? 'SENDING' : 'SCHEDULED';
  const { sent, bounced, complained } = before.counts;
  const set: StatusChangeFields =
    before.pauseKind === 'reputation' ? { guardSince: { sent, bounced, complained } } : {};
  return change(deps, reportId, RESUMABLE_STATUSES, to, set, before);
}

export const cancelReport = (deps: ControlDeps, reportId: string) =>
  change(deps, reportId, CANCELABLE_STATUSES, 'CANCELED');
