/**
 * A person's hand on the sending pipeline (`kawaraban report resume | cancel`):
 *
 * 1. Move the report item from an allowed status to the new one in one conditional update,
 *    so a dispatcher writing at the same moment is never overwritten (no lost update).
 * 2. Refused: say what the status is (or that there is no such report); nothing changes.
 *
 * Resume: PAUSED → SENDING; the next dispatcher tick takes the lease and continues from the
 * saved cursor (the ledger keeps anyone already sent from getting it twice).
 * Cancel: SCHEDULED | SENDING | PAUSED → CANCELED; a dispatcher in the middle of it finds
 * the status changed at its next page (or checkpoint) and stops.
 */
import type { Clock } from '../ports.ts';
import { CANCELABLE_STATUSES, RESUMABLE_STATUSES, type ReportRecord, type ReportStatus } from '../report.ts';
import type { ReportStore } from './sending-ports.ts';

export type ControlOutcome =
  | { kind: 'changed'; record: ReportRecord }
  | { kind: 'refused'; status: ReportStatus }
  | { kind: 'unknown' };

export interface ControlDeps {
  reports: Pick<ReportStore, 'changeStatus'>;
  clock: Clock;
}

async function change(deps: ControlDeps, reportId: string, from: readonly ReportStatus[], to: ReportStatus): Promise<ControlOutcome> {
  const out = await deps.reports.changeStatus(reportId, from, to, deps.clock.now());
  if (out.ok) return { kind: 'changed', record: out.record };
  return out.status ? { kind: 'refused', status: out.status } : { kind: 'unknown' };
}

export const resumeReport = (deps: ControlDeps, reportId: string) => change(deps, reportId, RESUMABLE_STATUSES, 'SENDING');

export const cancelReport = (deps: ControlDeps, reportId: string) => change(deps, reportId, CANCELABLE_STATUSES, 'CANCELED');
