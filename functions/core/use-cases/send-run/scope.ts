/**
 * What a run sends and where its progress goes: the whole report (one dispatcher, under the
 * report item's lease and cursor) or one part of it (a worker, under the part's lease and
 * cursor: fan-out.ts builds that scope).
 *
 * 1. Shards [from, to) and the cursor to resume from.
 * 2. The run's share of the quota (1 of `share` workers, number `index`; by `weights` when known).
 * 3. holds: whether the report as just read still lets the run claim.
 * 4. begin / checkpoint / finish / pause: the writes that record the run's progress and end.
 */
import type { PauseKind, ReportCursor, ReportRecord } from '../../report.ts';
import { SHARD_COUNT } from '../../subscriber.ts';
import type { DispatchDeps } from '../dispatch-due.ts';
import type { Recipient } from '../sending-ports.ts';

export interface RunScope {
  /** Shards [from, to). */
  readonly from: number;
  readonly to: number;
  readonly cursor: ReportCursor | undefined;
  readonly checkpoints: number;
  /** The workers sharing the quota: the run takes 1/share of the rate and of the 24-hour budget. */
  readonly share: number;
  /** Which of them this run is (0 …share − 1); also the lane of its stop gate. */
  readonly index: number;
  /** The readers of each worker's part, when counted at the split: shares in proportion to them. */
  readonly weights?: readonly number[];
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
