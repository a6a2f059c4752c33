/**
 * The send phase: each claimed row goes out as soon as the window has room; no send waits for
 * another.
 *
 * 1. start: rows leave the ready queue while fewer than the window's target are in flight
 *    (rate × observed latency, in-flight.ts), unless the run is halted.
 * 2. pace: each send waits for the token bucket's turn (pacing.ts), and the mailer admits it
 *    into the one-second window right before its request is written, so the run never starts
 *    more than its share of the rate in any one-second window where SES counts.
 * 3. send and classify the answer (send-errors.ts): accepted → its "sent" mark waits for the
 *    next write; throttling → back off and retry here (the SES client itself never retries:
 *    `maxAttempts: 1`); a permanent refusal → the row failed (`maxConsecutiveRejections` in a
 *    row pause the run); an answer that may or may not have gone out → keep the claim and end
 *    the run in an error; not sent (a paused account, still throttled at the deadline) → drop
 *    the claim.
 * 4. drop: a claim never sent is released, so the next run claims it afresh.
 */
import { backoffMs } from '../../run-limits.ts';
import { classifySendError } from '../../send-errors.ts';
import { personalise } from '../personalise.ts';
import type { Delivery } from '../send-pages.ts';
import type { SettlePhase } from './settle.ts';
import type { Claimed, RunState } from './state.ts';

export class SendPhase {
  private rejectionsInARow = 0;

  constructor(
    private readonly run: RunState,
    private readonly pages: SettlePhase,
    /** Called when a send ends, so the run's loop looks at what to do next. */
    private readonly wake: () => void,
  ) {}

  // 1. start ------------------------------------------------------------------------------------

  startSends(): void {
    const { run } = this;
    while (run.ready.length && !run.halted && run.inFlight < run.window.target) {
      const c = run.ready.shift()!;
      run.inFlight++;
      void this.send(c)
        .then(
          (d) => this.pages.settle(c.page, d),
          (error: unknown) => {
            this.pages.settle(c.page, 'unresolved');
            run.fail(error);
          },
        )
        .finally(() => {
          run.inFlight--;
          this.wake();
        });
    }
  }

  // 2–3. pace, send, classify -------------------------------------------------------------------

  /** One claimed row: wait for a token, send with its own link and headers, retry throttling. */
  async send(c: Claimed): Promise<Delivery> {
    const { run } = this;
    const { deps, report, settings } = run;
    const { recipient: r, token } = c;
    // The planned time here; the mailer admits the send right before its request is written.
    const slot = await run.pacer.wait(deps.sleeper);
    if (run.halted) return this.drop(c);
    const message = personalise(run.rendered, r, deps.unsubscribeKey, settings, report.reportId);
    for (let attempt = 0; ; attempt++) {
      let messageId: string;
      const startedAt = run.stopwatch();
      const gate = run.pacer.gate(deps.sleeper, slot);
      try {
        ({ messageId } = await deps.mailer.send(message, { admit: gate.admit, written: gate.written }));
        gate.done();
      } catch (err) {
        const e = classifySendError(err);
        if (e.kind === 'throttle' && !run.pastDeadline() && !run.halted) {
          // The retry is a send too: the mailer admits it into the one-second window.
          await deps.sleeper.sleep(backoffMs(attempt));
          continue;
        }
        if (e.kind === 'permanent') {
          await deps.ledger.markFailed(report.reportId, r.email, token, e.reason, deps.clock.now());
          if (++this.rejectionsInARow >= run.maxRejections) {
            run.stopWith({
              kind: 'pause',
              reason: `SES refused ${this.rejectionsInARow} messages in a row, last: ${e.reason}`,
            });
          }
          return 'failed';
        }
        if (e.kind === 'unknown') {
          // It may have gone out: keep the claim, the next run re-sends (at-least-once).
          run.stopWith({ kind: 'error', reason: e.reason });
          return 'unresolved';
        }
        // Not sent (a paused account, or still throttled at the deadline): drop the claim.
        if (e.kind === 'pause') run.stopWith({ kind: 'pause', reason: e.reason });
        return this.drop(c);
      }
      run.window.observe(run.stopwatch() - startedAt);
      this.rejectionsInARow = 0;
      this.pages.sent({ email: r.email, token, messageId, page: c.page });
      return 'sent';
    }
  }

  // 4. drop -------------------------------------------------------------------------------------

  /** A claimed row that was never sent: its claim is dropped so the next run claims it afresh. */
  private async drop(c: Claimed): Promise<Delivery> {
    const { run } = this;
    await run.deps.ledger.release(run.report.reportId, c.recipient.email, c.token);
    run.allowance++;
    return 'unresolved';
  }

  /** The run halted: every row still waiting for room is released unsent. */
  async releaseReady(): Promise<void> {
    const { run } = this;
    const rows = run.ready.splice(0);
    const out = await Promise.allSettled(rows.map((c) => this.drop(c)));
    for (const c of rows) this.pages.settle(c.page, 'unresolved');
    const failed = out.find((o) => o.status === 'rejected');
    // A claim left in place is re-sent by the next run: it never went out, so no duplicate.
    if (failed && !run.failure) throw (failed as PromiseRejectedResult).reason;
  }
}
