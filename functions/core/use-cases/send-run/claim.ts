/**
 * The claim phase: reading the audience page by page and claiming its rows in the ledger.
 *
 * 1. The audience is read page by page (send-run/reader.ts). Before claiming from a new page
 *    the report is read again: still ours and SENDING, and the reputation guard content — and
 *    at most a second apart between pages. The run's stop gate is read with it (one snapshot), or
 *    just before it where the store has no such read.
 * 2. A claim takes the next rows of the page in one transaction (each with "still
 *    confirmed", and the stop gate's token as read), carrying the "sent" marks of the rows
 *    answered since the last claim: never more than `concurrency` rows are claimed and not
 *    marked (the crash bound).
 * 3. Each claim's answer is resolved: send it, skip a reader no longer confirmed, count a row
 *    an earlier run settled, take over a row a dead run left claimed (given up as failed
 *    after `maxAttempts`), or stop: the report was paused or canceled since the gate was read.
 *    The page then ends after its last claimed row (the reader cuts it), so it is saved (and
 *    counted) once those are settled, and a resumed send starts right after them.
 *
 * Pause and cancel are exact: they replace every lane's gate token in the transaction that
 * changes the status, so no claim by any worker commits after them (DynamoDB refuses it). What
 * still goes out is what was claimed before: at most `concurrency` rows per worker.
 */
import { ACCEPTED_STATES } from '../../report.ts';
import { reputationProblem } from '../../reputation.ts';
import type { Delivery } from '../send-pages.ts';
import type { ClaimResult, LedgerClaim, Recipient } from '../sending-ports.ts';
import { AudienceReader } from './reader.ts';
import { raiseShare } from './start.ts';
import type { SettlePhase } from './settle.ts';
import type { RunState } from './state.ts';

/**
 * How often, at most, the report is read between pages: the reputation guard and a lost lease
 * stop claims within this (pause and cancel stop them at once, through the gate).
 */
export const STATUS_EVERY_MS = 1000;

export class ClaimPhase {
  private readonly reader: AudienceReader;
  /** When the report's status was last read (clock ms). */
  private statusReadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly run: RunState,
    private readonly pages: SettlePhase,
  ) {
    this.reader = new AudienceReader(run, pages);
  }

  /** Whether the audience has rows this run has not claimed (read or not). */
  rowsLeft(): boolean {
    return this.reader.rowsLeft();
  }

  // 1. the report -----------------------------------------------------------------------------

  /** Reads the gate, then the report: still ours and SENDING, and the reputation guard content? Else a stop. */
  private async checkReport(): Promise<boolean> {
    const { run } = this;
    const { reports } = run.deps;
    const { reportId } = run.report;
    const lane = run.scope.index;
    // One snapshot of both where the store has it (one call a second instead of two); else the
    // gate first: a stop before this read shows in the report, one after it in the token.
    const { gate, report: now } = reports.gateAndReport
      ? await reports.gateAndReport(reportId, lane)
      : { gate: await reports.gate(reportId, lane), report: await reports.get(reportId) };
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
    // A part that finished a window ago leaves its share of the rate to this one.
    if (run.scope.share > 1) raiseShare(run, now, run.deps.clock.now().getTime());
    return true;
  }

  // 2. claim ------------------------------------------------------------------------------------

  async claim(): Promise<void> {
    const { run } = this;
    const cur = await this.reader.page(() => this.checkReport());
    if (!cur) return;
    if (run.pastDeadline()) {
      run.stopWith({ kind: 'continues' });
      return;
    }
    if (run.deps.clock.now().getTime() - this.statusReadAt >= STATUS_EVERY_MS && !(await this.checkReport()))
      return;
    const { deps, report } = run;
    const target = run.window.target;
    const pending = run.pending;
    // Never more than `concurrency` rows claimed and not marked (the window's claimBound): the
    // marks of the answered ones are written in the same transaction as these claims.
    const room = run.window.fillTo - pending;
    // No bigger than the allowance left; a fraction of one (SES quotas are doubles) still sends one.
    const size = Math.max(1, Math.min(room, cur.items.length - cur.next, Math.floor(run.allowance)));
    const first = cur.next;
    const group = this.reader.take(cur, size, target);
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
    const claimStarted = run.stopwatch();
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
    // How long a claim takes decides when the next one must start (in-flight.ts).
    run.window.observeClaim(run.stopwatch() - claimStarted);
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
    if (cut) this.reader.cut(cur, first + stoppedAt);
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
