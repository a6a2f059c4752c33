/**
 * The pages of a run that are read but not yet saved, in cursor order. A page is saved (its
 * checkpoint moves the cursor past it) only when every subscriber on it is claimed, settled and,
 * if sent, marked sent in the ledger; and only after every page before it, since the cursor
 * is one position. A page with an unresolved row is never saved: the next run redoes it and
 * finds the rows settled now in the ledger.
 */
import type { ReportCursor } from '../report.ts';

/** What became of one recipient in this run; `settled-*` = settled by an earlier run (a redone page). */
export type Delivery = 'sent' | 'failed' | 'settled-sent' | 'settled-failed' | 'skipped' | 'unresolved';

export const DELIVERIES: readonly Delivery[] = [
  'sent',
  'failed',
  'settled-sent',
  'settled-failed',
  'skipped',
  'unresolved',
];

export class PageProgress {
  readonly counts: Record<Delivery, number> = Object.fromEntries(DELIVERIES.map((d) => [d, 0])) as Record<
    Delivery,
    number
  >;
  /** Rows handed to a claim so far. */
  started = 0;
  /** Rows sent whose "sent" mark is not written yet. */
  unmarked = 0;

  constructor(
    /** Where the cursor moves once this page is saved. */
    public next: ReportCursor,
    public size: number,
  ) {}

  /**
   * The page ends after its first `size` rows, at `next` (a stop refused the claims of the
   * rest): it can be saved once those are settled, and the next run starts after them.
   */
  cut(size: number, next: ReportCursor): void {
    if (size < this.settled || size > this.started) throw new Error('a page is cut after its settled rows');
    this.size = size;
    this.started = size;
    this.next = next;
  }

  get settled(): number {
    return DELIVERIES.reduce((n, d) => n + this.counts[d], 0);
  }

  /** Every row started, settled and marked, none unresolved. */
  get complete(): boolean {
    return (
      this.started === this.size &&
      this.settled === this.size &&
      this.unmarked === 0 &&
      this.counts.unresolved === 0
    );
  }

  /** The page's counts as the checkpoint adds them to the report. */
  get delta(): { sent: number; failed: number } {
    return {
      sent: this.counts.sent + this.counts['settled-sent'],
      failed: this.counts.failed + this.counts['settled-failed'],
    };
  }
}

export class PageBook {
  private readonly open: PageProgress[] = [];

  /** A page just read, behind every page still open. */
  add(next: ReportCursor, size: number): PageProgress {
    const page = new PageProgress(next, size);
    this.open.push(page);
    return page;
  }

  settle(page: PageProgress, d: Delivery): void {
    page.counts[d]++;
    if (d === 'sent') page.unmarked++;
  }

  marked(page: PageProgress): void {
    page.unmarked--;
  }

  /** The oldest open page, when it may be saved now. */
  saveable(): PageProgress | undefined {
    const head = this.open[0];
    return head?.complete ? head : undefined;
  }

  /**
   * Every page that may be saved now, as one checkpoint: the cursor after the last of them and
   * their counts together (one write instead of one per page when the writer fell behind).
   */
  saveableRun():
    | { pages: PageProgress[]; next: ReportCursor; delta: { sent: number; failed: number } }
    | undefined {
    const pages: PageProgress[] = [];
    for (const p of this.open) {
      if (!p.complete) break;
      pages.push(p);
    }
    if (pages.length === 0) return undefined;
    const delta = { sent: 0, failed: 0 };
    for (const p of pages) {
      delta.sent += p.delta.sent;
      delta.failed += p.delta.failed;
    }
    return { pages, next: pages.at(-1)!.next, delta };
  }

  saved(page: PageProgress): void {
    if (this.open[0] !== page) throw new Error('pages are saved in cursor order');
    this.open.shift();
  }

  get openPages(): number {
    return this.open.length;
  }
}
