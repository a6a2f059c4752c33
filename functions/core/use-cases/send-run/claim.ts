/**
 * The claim phase: reading the audience page by page and claiming its rows in the ledger.
 *
 * 1. A page is read when the current one is used up (the next one is read ahead while the
 *    last rows of this one are claimed, so a claim never waits for it); empty pages are
 *    skipped. Before claiming from a new page the report is read again: still ours and
 *    SENDING, and the reputation guard content — and at most a second apart between pages.
 *    The run's stop gate is read just before it.
 * 2. A claim takes the next rows of the page in one transaction (each with "still
 *    confirmed", and the stop gate's token as read), carrying the "sent" marks of the rows
 *    answered since the last claim: never more than `concurrency` rows are claimed and not
 *    marked (the crash bound).
 * 3. Each claim's answer is resolved: send it, skip a reader no longer confirmed, count a row
 *    an earlier run settled, take over a row a dead run left claimed (given up as failed
 *    after `maxAttempts`), or stop: the report was paused or canceled since the gate was read.
 *    The page then ends after its last claimed row, so it is saved (and counted) once those
 *    are settled, and a resumed send starts right after them.
 *
 * Pause and cancel are exact: they replace every lane's gate token in the transaction that
 * changes the status, so no claim by any worker commits after them (DynamoDB refuses it). What
 * still goes out is what was claimed before: at most `concurrency` rows per worker.
 */
import { ACCEPTED_STATES, type ReportCursor } from '../../report.ts';
import { reputationProblem } from '../../reputation.ts';
import type { Delivery, PageProgress } from '../send-pages.ts';
import type { AudiencePage, ClaimResult, LedgerClaim, Recipient } from '../sending-ports.ts';
import type { SettlePhase } from './settle.ts';
import type { RunState } from './state.ts';

/**
 * How often, at most, the report is read between pages: the reputation guard and a lost lease
 * stop claims within this (pause and cancel stop them at once, through the gate).
 */
export const STATUS_EVERY_MS = 1000;

/** Where the next page is read; null once every shard is read. */
type Position = { shard: number; startKey?: Record<string, string> } | null;

/** The page being claimed: its rows, the next one to claim, and where it began. */
interface Current {
  page: PageProgress;
  items: Recipient[];
  next: number;
  shard: number;
  start: ReportCursor;
}

export class ClaimPhase {
  private position: Position;
  private current: Current | null = null;
  /** The next page, read ahead. */
  private readAhead: { key: string; page: Promise<AudiencePage> } | null = null;
  /** When the report's status was last read (clock ms). */
  private statusReadAt = Number.NEGATIVE_INFINITY;

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

  // 2. claim ------------------------------------------------------------------------------------

  async claim(): Promise<void> {
    const { run } = this;
    if (!this.current || this.current.next >= this.current.items.length) {
      if (!(await this.readPage())) return;
    }
    const cur = this.current!;
    if (run.pastDeadline()) {
      run.stopWith({ kind: 'continues' });
      return;
    }
    if (run.deps.clock.now().getTime() - this.statusReadAt >= STATUS_EVERY_MS && !(await this.checkReport()))
      return;
    const { deps, report } = run;
    const target = run.window.target;
    const pending = run.pending;
    // Never more than `concurrency` rows claimed and not marked: the marks of the answered ones
    // are written in the same transaction as these claims.
    // Half a window ahead, or half a second of sends when that is more (fewer, larger claims).
    const ahead = Math.max(target + Math.ceil(target / 2), Math.ceil(run.rate / 2));
    const room = Math.min(run.settings.concurrency - pending, ahead - pending);
    // No bigger than the allowance left; a fraction of one (SES quotas are doubles) still sends one.
    const size = Math.max(1, Math.min(room, cur.items.length - cur.next, Math.floor(run.allowance)));
    const first = cur.next;
    const group = cur.items.slice(cur.next, cur.next + size);
    cur.next += group.length;
    if (cur.items.length - cur.next <= target) this.readNextPage();
    cur.page.started += group.length;
    run.allowance -= group.length;
    const now = deps.clock.now();
    const claims: LedgerClaim[] = group.map((r) => ({
      reportId: report.reportId,
      email: r.email,
      subscriberId: r.id,
      token: run.newId(),
      now,
      gate: { lane: run.scope.index, token: run.gate },
    }));
    const marks = this.pages.takeMarks();
    let results: ClaimResult[];
    try {
      results = await deps.ledger.claimAll(
        claims,
        marks.length ? { reportId: report.reportId, sent: marks, now } : undefined,
      );
    } catch (err) {
      // Their marks may not have been written: they get another try before the run ends.
      this.pages.returned(marks);
      // The claims never happened: the page cannot be saved in this run.
      for (const _ of group) this.pages.settle(cur.page, 'unresolved');
      run.allowance += group.length;
      throw err;
    }
    this.pages.marked(marks);
    const outcomes: (Delivery | 'send' | 'stopped')[] = [];
    for (let i = 0; i < group.length; i++)
      outcomes.push(await this.resolveClaim(group[i]!, claims[i]!, results[i]!));
    // Stopped: the page ends before the first refused row when every row after it was refused
    // too (the usual case: one transaction); else (a take-over refused amid claims that held)
    // the refused rows leave the page unsaved, for the next run to redo.
    const stoppedAt = outcomes.indexOf('stopped');
    const cut = stoppedAt >= 0 && outcomes.slice(stoppedAt).every((o) => o === 'stopped');
    outcomes.forEach((outcome, i) => {
      if (outcome === 'send')
        run.ready.push({ recipient: group[i]!, token: claims[i]!.token, page: cur.page });
      else if (outcome === 'stopped') {
        if (!cut) this.pages.settle(cur.page, 'unresolved');
      } else this.pages.settle(cur.page, outcome);
    });
    if (cut) this.cutPage(cur, first + stoppedAt);
  }

  /** Ends the current page after its first `claimed` rows. */
  private cutPage(cur: Current, claimed: number): void {
    const last = cur.items[claimed - 1];
    cur.page.cut(
      claimed,
      last ? { shard: cur.shard, lastKey: this.run.deps.audience.after(cur.shard, last) } : cur.start,
    );
  }

  // 1. pages ------------------------------------------------------------------------------------

  /** Reads the next non-empty page; false (with a stop) when the run must not claim from it. */
  private async readPage(): Promise<boolean> {
    const { run } = this;
    while (this.position) {
      if (run.pastDeadline()) {
        run.stopWith({ kind: 'continues' });
        return false;
      }
      const { shard, startKey } = this.position;
      const start: ReportCursor = startKey ? { shard, lastKey: startKey } : { shard };
      const page = await this.fetchPage(shard, startKey);
      this.position = page.lastKey
        ? { shard, startKey: page.lastKey }
        : shard + 1 < run.scope.to
          ? { shard: shard + 1 }
          : null;
      const items = run.scope.narrow ? await run.scope.narrow(page.items) : page.items;
      // An empty page (a small list leaves shards empty) costs no writes: a later checkpoint
      // moves the cursor past it, and a redo only reads it again.
      if (items.length === 0) continue;
      if (!(await this.checkReport())) return false;
      const next: ReportCursor = page.lastKey ? { shard, lastKey: page.lastKey } : { shard: shard + 1 };
      this.current = {
        page: this.pages.addPage(next, items.length),
        items,
        next: 0,
        shard,
        start,
      };
      return true;
    }
    return false;
  }

  /** The page at (shard, startKey): the one read ahead when it is that one. */
  private fetchPage(shard: number, startKey: Record<string, string> | undefined): Promise<AudiencePage> {
    const key = JSON.stringify([shard, startKey ?? null]);
    const ahead = this.readAhead;
    this.readAhead = null;
    if (ahead?.key === key) return ahead.page;
    return this.run.deps.audience.page(shard, startKey, this.run.pageSize);
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

  /** Reads the gate, then the report: still ours and SENDING, and the reputation guard content? Else a stop. */
  private async checkReport(): Promise<boolean> {
    const { run } = this;
    const { reports } = run.deps;
    // Gate first: a stop before this read shows in the report, one after it in the token.
    const gate = await reports.gate(run.report.reportId, run.scope.index);
    const now = await reports.get(run.report.reportId);
    this.statusReadAt = run.deps.clock.now().getTime();
    if (!now || !run.scope.holds(now)) {
      run.stopWith({ kind: 'lease-lost' });
      return false;
    }
    const problem = reputationProblem(now.counts, run.settings.reputation, now.guardSince);
    if (problem) {
      run.stopWith({ kind: 'pause', reason: `reputation guard: ${problem}`, pauseKind: 'reputation' });
      return false;
    }
    run.gate = gate;
    return true;
  }

  // 3. resolve ----------------------------------------------------------------------------------

  /** A claim's answer: send it, or what became of the row (a dead run's claim is taken over or given up). */
  private async resolveClaim(
    r: Recipient,
    claim: LedgerClaim,
    result: ClaimResult,
  ): Promise<Delivery | 'send' | 'stopped'> {
    const { run } = this;
    const { ledger, clock } = run.deps;
    let claimed = result;
    if (claimed.kind === 'exists' && claimed.row.state === 'claimed') {
      // Left by a run that died between claim and "sent": it may or may not have gone out.
      if (claimed.row.attempts >= run.maxAttempts) {
        await ledger.markFailed(
          claim.reportId,
          r.email,
          claimed.row.claimToken,
          `gave up after ${claimed.row.attempts} attempts`,
          clock.now(),
        );
        run.allowance++;
        return 'failed';
      }
      claimed = await ledger.takeOver({ ...claim, oldToken: claimed.row.claimToken });
    }
    if (claimed.kind === 'claimed') return 'send';
    run.allowance++;
    if (claimed.kind === 'stopped') {
      // Paused or canceled: as when the report is read so (the row was not claimed).
      run.stopWith({ kind: 'lease-lost' });
      return 'stopped';
    }
    if (claimed.kind === 'not-confirmed') return 'skipped';
    if (claimed.row.state === 'claimed') return 'unresolved';
    return ACCEPTED_STATES.includes(claimed.row.state) ? 'settled-sent' : 'settled-failed';
  }
}
