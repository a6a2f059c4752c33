/**
 * SendRun: one dispatcher run over one leased report (or one worker's part of it), as a
 * pipeline with explicit state (send-run/state.ts) and named phases, each in its own file:
 *
 * 1. start (send-run/start.ts): the quota (sending disabled → pause; the 24-hour budget spent
 *    → wait, still SENDING), the rate and window, the rendered output, and on the first run
 *    the audience.
 * 2. claim (send-run/claim.ts, reading the audience through send-run/reader.ts): when the
 *    rows claimed and not yet answered drop to half the in-flight window, the next rows of the
 *    current page are claimed in one transaction (each with "still confirmed", and the run's
 *    stop gate), which also marks sent every row answered since the last claim. A new page is
 *    read when one is used up, after checking the report is still ours and SENDING and the
 *    reputation guard.
 * 3. send (send-run/send.ts): claimed rows go out as soon as the window has room, in groups of
 *    one SendBulkEmail each where the mailer can (a second of the rate at most), paced by the
 *    token bucket and admitted as that many sends; each row's answer is its own. Throttling backs
 *    off and retries (the SES client itself never retries: `maxAttempts: 1`).
 * 4. settle a page (send-run/settle.ts): each row's outcome is counted on its page; a page is
 *    settled when all its rows are, and its sent rows marked.
 * 5. checkpoint (send-run/settle.ts): settled pages are saved in cursor order, with their counts.
 * 6. finish (send-run/finish.ts): every shard done → SENT, and the editors are told (once:
 *    SENT is conditional).
 *
 * This file is the run itself: it holds the phases and pumps them — sends and one write at a
 * time — until nothing is left to do.
 *
 * The window (`InFlightWindow`) follows rate × observed latency. Crash bound: at most
 * `concurrency` rows are ever claimed and not marked (a claim takes only `concurrency` minus
 * the rows still claimed, and it carries the marks of the answered ones), so a crash leaves
 * at most `concurrency` rows ambiguous; the next run re-sends those (at-least-once) and misses
 * nobody.
 *
 * Pause and cancel bound: once a pause or cancel is recorded, no row is claimed by any run or
 * worker (each claim transaction checks the run's stop gate, whose token the pause or cancel
 * replaced in the same transaction as the status: send-run/claim.ts), so what still goes out is
 * at most the `concurrency` rows each run had claimed and not yet answered.
 */
import { ClaimPhase } from './send-run/claim.ts';
import { endRun } from './send-run/finish.ts';
import { SendPhase } from './send-run/send.ts';
import { SettlePhase } from './send-run/settle.ts';
import { startRun } from './send-run/start.ts';
import { RunState, type SendRunInput } from './send-run/state.ts';

export { notify, publishSent, retireRendered } from './send-run/finish.ts';
export { reportScope, type RunScope } from './send-run/scope.ts';
export { rateShare } from '../rate-shares.ts';
export type { SendRunInput, Stop } from './send-run/state.ts';

export class SendRun {
  readonly state: RunState;
  private readonly pages: SettlePhase;
  private readonly claims: ClaimPhase;
  private readonly sends: SendPhase;
  private writing = false;
  private claiming = false;
  private woken = false;
  private wakeUp: (() => void) | null = null;

  constructor(input: SendRunInput) {
    this.state = new RunState(input);
    this.pages = new SettlePhase(this.state);
    this.claims = new ClaimPhase(this.state, this.pages);
    this.sends = new SendPhase(
      this.state,
      this.pages,
      () => this.wake(),
      // More rows come at once only from a claim being written or due now; otherwise a short
      // group goes as it is rather than wait for the groups in flight.
      () => this.claiming || this.claimDue(),
    );
  }

  /** The whole run: start, the pipeline until nothing is left to do, then its outcome. */
  async execute(): Promise<void> {
    const run = this.state;
    if (!(await startRun(run))) return;
    await this.pump();
    if (run.failure) throw run.failure.error;
    await endRun(run, { rowsLeft: this.claims.rowsLeft(), openPages: this.pages.openPages });
  }

  /**
   * Runs sends and one write at a time (claim, marks, checkpoint, release) until neither has
   * anything left to do. Every send and write wakes the loop when it ends.
   */
  private async pump(): Promise<void> {
    const run = this.state;
    for (;;) {
      this.sends.startSends();
      if (!this.writing) {
        const step = this.nextWrite();
        if (step) {
          this.writing = true;
          void step()
            .catch((error: unknown) => run.fail(error))
            .finally(() => {
              this.writing = false;
              this.wake();
            });
        }
      }
      if (!this.writing && run.inFlight === 0) return;
      await this.nextEvent();
    }
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async nextEvent(): Promise<void> {
    if (!this.woken) await new Promise<void>((resolve) => (this.wakeUp = resolve));
    this.wakeUp = null;
    this.woken = false;
  }

  /** Whether more rows may be claimed in this run. */
  private mayClaim(): boolean {
    const run = this.state;
    return !run.stop && !run.failure && run.allowance > 0 && this.claims.rowsLeft();
  }

  /**
   * Whether a claim is due now: rows are left, and the window has claimed down to its mark, or
   * the rows ready are part of a group (a page ended) and the crash bound has room for the rest
   * of it — else that group would wait for the answers of the groups in flight.
   */
  private claimDue(): boolean {
    const run = this.state;
    if (!this.mayClaim()) return false;
    const { claimAt, group, fillTo } = run.window;
    const short = group - run.ready.length;
    const partial = run.ready.length > 0 && short > 0;
    return run.pending <= claimAt || (partial && fillTo - run.pending >= short);
  }

  /** The next write, in order of urgency, or null when none is due. */
  private nextWrite(): (() => Promise<void>) | null {
    const run = this.state;
    if (run.halted && run.ready.length) return () => this.sends.releaseReady();
    if (!run.failure && this.pages.saveable()) return () => this.pages.checkpoint();
    if (this.claimDue()) {
      return async () => {
        this.claiming = true;
        try {
          await this.claims.claim();
        } finally {
          this.claiming = false;
        }
      };
    }
    // Marks ride with claims; only when no claim is coming do they go on their own.
    const unmarked = this.pages.unmarkedCount;
    if (unmarked && !this.mayClaim() && (run.inFlight === 0 || unmarked >= run.window.target)) {
      return () => this.pages.flushMarks();
    }
    return null;
  }
}
