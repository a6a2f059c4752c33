/**
 * Settle a page, then checkpoint it: what became of each row, the "sent" marks not yet
 * written, and the saves of the cursor.
 *
 * 1. settle: each row's outcome is counted on its page and in the run's tally; an unresolved
 *    row means its page (and every page after it) cannot be saved in this run, so the run
 *    claims no further.
 * 2. sent: a row SES accepted waits for its "sent" mark; marks ride with the next claim
 *    (`takeMarks`, `returned` when that write failed, `marked` once written) or, when no claim
 *    is coming, go on their own (`flushMarks`).
 * 3. checkpoint: the pages whose rows are all claimed, settled and marked are saved in cursor
 *    order, as one write with their counts (send-pages.ts keeps that order).
 */
import type { ReportCursor } from '../../report.ts';
import { PageBook, type Delivery, type PageProgress } from '../send-pages.ts';
import type { SentMark } from '../sending-ports.ts';
import type { RunState } from './state.ts';

/** A row SES accepted, waiting for its "sent" mark. */
export type PendingMark = SentMark & { page: PageProgress };

export class SettlePhase {
  private readonly pages = new PageBook();
  private unmarked: PendingMark[] = [];
  private checkpoints: number;

  constructor(private readonly run: RunState) {
    this.checkpoints = run.scope.checkpoints;
  }

  /** A page just read, behind every page still open. */
  addPage(next: ReportCursor, size: number): PageProgress {
    return this.pages.add(next, size);
  }

  // 1. settle -----------------------------------------------------------------------------------

  settle(page: PageProgress, d: Delivery): void {
    const { tally } = this.run;
    this.pages.settle(page, d);
    if (d === 'sent') tally.sent++;
    else if (d === 'failed') tally.failed++;
    else if (d === 'skipped') tally.skipped++;
    // A page with an unresolved row is never saved, nor any after it: claim no further.
    else if (d === 'unresolved') this.run.stopWith({ kind: 'continues' });
  }

  // 2. marks ------------------------------------------------------------------------------------

  /** SES accepted the row: its mark is written with the next claim (or flushed). */
  sent(mark: PendingMark): void {
    this.unmarked.push(mark);
  }

  get unmarkedCount(): number {
    return this.unmarked.length;
  }

  /** Every mark not yet written, for a write that carries them. */
  takeMarks(): PendingMark[] {
    return this.unmarked.splice(0);
  }

  /** Marks a failed write may not have written: they get another try before the run ends. */
  returned(marks: PendingMark[]): void {
    this.unmarked.unshift(...marks);
  }

  /** Marks a write carried. */
  marked(marks: PendingMark[]): void {
    for (const m of marks) this.pages.marked(m.page);
  }

  async flushMarks(): Promise<void> {
    const { deps, report } = this.run;
    const marks = this.takeMarks();
    try {
      await deps.ledger.markSent({ reportId: report.reportId, sent: marks, now: deps.clock.now() });
    } catch (err) {
      // After a failure the run is ending: those rows stay claimed (within the crash bound).
      if (this.run.failure) return;
      this.returned(marks);
      throw err;
    }
    this.marked(marks);
  }

  // 3. checkpoint -------------------------------------------------------------------------------

  /** Whether a page may be saved now. */
  saveable(): boolean {
    return this.pages.saveable() !== undefined;
  }

  get openPages(): number {
    return this.pages.openPages;
  }

  async checkpoint(): Promise<void> {
    const pages = this.pages.saveableRun();
    if (!pages) return;
    const saved = await this.run.scope.checkpoint(this.checkpoints, pages.next, pages.delta);
    this.run.tally.pages += pages.pages.length;
    if (!saved) {
      this.run.stopWith({ kind: 'lease-lost' });
      return;
    }
    this.checkpoints++;
    for (const p of pages.pages) this.pages.saved(p);
  }
}
