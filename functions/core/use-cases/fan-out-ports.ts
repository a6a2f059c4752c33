/**
 * Ports of the parallel fan-out: a report's subscriber shards split into parts, each sent by
 * its own worker with its own lease and cursor (items `part#<k>` beside the report item), and
 * the launcher that starts a worker (an asynchronous Lambda invocation on AWS, an in-process
 * call locally). Implemented in functions/adapters/dynamo-part-store.ts.
 */
import type { PauseKind, ReportCursor, ReportRecord } from '../report.ts';
import type { CountDelta } from './sending-ports.ts';

export interface PartRecord {
  reportId: string;
  part: number;
  parts: number;
  /** Shards [from, to) of this part. */
  from: number;
  to: number;
  cursor?: ReportCursor;
  checkpoints?: number;
  leaseOwner?: string;
  leaseUntil?: string;
  /** The last run's admissions in its last second, saved with its release (hand-over.ts). */
  recentSends?: number[];
  done?: boolean;
}

export interface PartStore {
  /**
   * Splits the report into `parts` (idempotent: an existing split is kept) and returns the parts;
   * `weights` (each part's readers) are kept on the report with the split, for the shares.
   */
  split(reportId: string, parts: number, weights?: readonly number[]): Promise<PartRecord[]>;
  list(reportId: string): Promise<PartRecord[]>;
  /** Takes a part's lease: null when it is done or a live worker holds it. */
  lease(reportId: string, part: number, owner: string, now: Date, until: Date): Promise<PartRecord | null>;
  /** Releases the lease, saving the run's last admissions (`recentSends`) for the next run. */
  release(reportId: string, part: number, owner: string, recentSends?: readonly number[]): Promise<void>;
  /**
   * Saves the part's cursor as checkpoint `saved + 1` and adds the page's counts to the report, in
   * one transaction; false when the lease was lost. A retried write counts once (numbered).
   */
  checkpoint(
    reportId: string,
    part: number,
    owner: string,
    saved: number,
    cursor: ReportCursor,
    add: CountDelta,
  ): Promise<boolean>;
  /**
   * Marks the part done and counts it on the report, in one transaction; returns the report as it
   * is then, or null when the lease was lost.
   */
  finishPart(reportId: string, part: number, owner: string, now: Date): Promise<ReportRecord | null>;
  /** SENDING → SENT when every part is done; null when not (or already finished): one caller wins. */
  finishReport(reportId: string, parts: number, now: Date): Promise<ReportRecord | null>;
  /** SENDING → PAUSED (a worker's reason); null when it was not SENDING. */
  pauseReport(reportId: string, reason: string, now: Date, kind: PauseKind): Promise<ReportRecord | null>;
}

/** What a worker is asked to send: one part of one report, at a share of the rate. */
export interface PartTask {
  kind: 'kawaraban.send-part';
  reportId: string;
  part: number;
}

export interface WorkerLauncher {
  /** Starts a worker on `task`; on AWS it returns once the invocation is queued. */
  launch(task: PartTask): Promise<void>;
}
