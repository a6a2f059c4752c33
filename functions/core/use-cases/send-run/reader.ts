/**
 * The audience as the claim phase reads it: page by page through the scope's shards, from the
 * saved cursor.
 *
 * 1. When the current page is used up, the next non-empty one is read (the one read ahead
 *    when it is that one), narrowed to the readers the scope lets this run claim (the canary's
 *    sample, or all but it); empty pages cost no writes: a later checkpoint moves the cursor
 *    past them. The caller checks the report before any row of it is claimed.
 * 2. take: the next rows of the page; when what is left of it fits in the window, the next
 *    page is read ahead, so a claim never waits for it.
 * 3. cut: a stop refused the claims of the page's remaining rows; the page ends after the
 *    rows claimed, at the key right after the last of them.
 */
import type { ReportCursor } from '../../report.ts';
import type { PageProgress } from '../send-pages.ts';
import type { AudiencePage, Recipient } from '../sending-ports.ts';
import type { SettlePhase } from './settle.ts';
import type { RunState } from './state.ts';

/** Where the next page is read; null once every shard is read. */
type Position = { shard: number; startKey?: Record<string, string> } | null;

/** The page being claimed: its rows, the next one to claim, and where it began. */
export interface CurrentPage {
  page: PageProgress;
  items: Recipient[];
  next: number;
  shard: number;
  start: ReportCursor;
}

export class AudienceReader {
  private position: Position;
  private current: CurrentPage | null = null;
  /** The next page, read ahead. */
  private readAhead: { key: string; page: Promise<AudiencePage> } | null = null;

  constructor(
    private readonly run: RunState,
    private readonly pages: SettlePhase,
  ) {
    const { scope } = run;
    const cursor: ReportCursor = scope.cursor ?? { shard: scope.from };
    this.position = cursor.shard < scope.to ? { shard: cursor.shard, startKey: cursor.lastKey } : null;
  }

  /** Whether the audience has rows this run has not claimed (read or not). */
  rowsLeft(): boolean {
    if (!this.current || this.current.next >= this.current.items.length) return this.position !== null;
    return true;
  }

  // 1. pages ------------------------------------------------------------------------------------

  /**
   * The page with rows left to claim, reading the next non-empty one when this one is used up;
   * null (with a stop) when the run must not claim from it — `mayClaimFrom` says so for a new
   * page — or when nothing is left.
   */
  async page(mayClaimFrom: () => Promise<boolean>): Promise<CurrentPage | null> {
    const { run } = this;
    if (this.current && this.current.next < this.current.items.length) return this.current;
    while (this.position) {
      if (run.pastDeadline()) {
        run.stopWith({ kind: 'continues' });
        return null;
      }
      const { shard, startKey } = this.position;
      const start: ReportCursor = startKey ? { shard, lastKey: startKey } : { shard };
      const page = await this.fetchPage(shard, startKey);
      this.position = page.lastKey
        ? { shard, startKey: page.lastKey }
        : shard + 1 < run.scope.to
          ? { shard: shard + 1 }
          : null;
      // Only the readers this run may claim (the scope may narrow them: the canary's sample, or all but it).
      const items = run.scope.narrow ? await run.scope.narrow(page.items) : page.items;
      // An empty page (a small list leaves shards empty) costs no writes: a later checkpoint
      // moves the cursor past it, and a redo only reads it again.
      if (items.length === 0) continue;
      if (!(await mayClaimFrom())) return null;
      const next: ReportCursor = page.lastKey ? { shard, lastKey: page.lastKey } : { shard: shard + 1 };
      this.current = {
        page: this.pages.addPage(next, items.length),
        items,
        next: 0,
        shard,
        start,
      };
      return this.current;
    }
    return null;
  }

  /** The page at (shard, startKey): the one read ahead when it is that one. */
  private fetchPage(shard: number, startKey: Record<string, string> | undefined): Promise<AudiencePage> {
    const key = JSON.stringify([shard, startKey ?? null]);
    const ahead = this.readAhead;
    this.readAhead = null;
    if (ahead?.key === key) return ahead.page;
    return this.run.deps.audience.page(shard, startKey, this.run.pageSize);
  }

  // 2. take -------------------------------------------------------------------------------------

  /** The page's next `size` rows; reads the next page ahead once `aheadAt` rows or fewer are left. */
  take(cur: CurrentPage, size: number, aheadAt: number): Recipient[] {
    const group = cur.items.slice(cur.next, cur.next + size);
    cur.next += group.length;
    if (cur.items.length - cur.next <= aheadAt) this.readNextPage();
    cur.page.started += group.length;
    return group;
  }

  /** Reads the next page while the current one's last rows are claimed, so a claim never waits for it. */
  private readNextPage(): void {
    if (this.readAhead || !this.position) return;
    const { shard, startKey } = this.position;
    const page = this.run.deps.audience.page(shard, startKey, this.run.pageSize);
    // Awaited (and its failure thrown) only when claimed from; never an unhandled rejection.
    page.catch(() => undefined);
    this.readAhead = { key: JSON.stringify([shard, startKey ?? null]), page };
  }

  // 3. cut --------------------------------------------------------------------------------------

  /** Ends the page after its first `claimed` rows (a stop refused the rest). */
  cut(cur: CurrentPage, claimed: number): void {
    const last = cur.items[claimed - 1];
    cur.page.cut(
      claimed,
      last ? { shard: cur.shard, lastKey: this.run.deps.audience.after(cur.shard, last) } : cur.start,
    );
  }
}
