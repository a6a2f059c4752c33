/**
 * The send phase: claimed rows go out as soon as the window has room, in groups of one request
 * each (SES SendBulkEmail) when the mailer can; no send waits for another.
 *
 * 1. start: rows leave the ready queue, as many to a group as one request may carry
 *    (`groupSize`), while fewer than the window's target are in flight (rate × observed
 *    latency, in-flight.ts), unless the run is halted. A smaller group goes only when no claim
 *    is being written or due.
 * 2. pace: each group waits for the token bucket's turn for all its rows (pacing.ts), and the
 *    mailer admits it into the one-second window right before its request is written, counting
 *    every row, so the run never starts more than its share of the rate in any one-second window
 *    where SES counts.
 * 3. send and classify each row's answer (send-errors.ts): accepted → its "sent" mark waits for
 *    the next write; throttling → back off and retry those rows here, as a smaller group (the SES
 *    client itself never retries: `maxAttempts: 1`); a permanent refusal → the row failed
 *    (`maxConsecutiveRejections` in a row pause the run); an answer that may or may not have gone
 *    out → keep the claim and end the run in an error; not sent (a paused account, still
 *    throttled at the deadline) → drop the claim. A whole request's error is each row's answer.
 * 4. drop: a claim never sent is released, so the next run claims it afresh.
 */
import { backoffMs } from '../../run-limits.ts';
import { classifySendError } from '../../send-errors.ts';
import { personalise } from '../personalise.ts';
import type { BulkOutcome, OutgoingEmail, SendOptions } from '../../ports.ts';
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
    /** Whether the run is claiming more rows now: a group short of its size waits for them. */
    private readonly moreComing: () => boolean = () => false,
  ) {}

  // 1. start ------------------------------------------------------------------------------------

  /**
   * The rows one request carries: one without a bulk mailer; else at most what the window
   * admits at once (its limit, a second of this run's rate), SES takes in one call, and half or
   * a third of the crash bound allows, so that the next group is claimed while this one is sent.
   */
  groupSize(): number {
    const { run } = this;
    const { mailer } = run.deps;
    if (!mailer.sendBulk) return 1;
    const limit = run.pacer.groupLimit;
    const { claimBound } = run.window;
    // Half the crash bound where it holds two seconds of this run's sends or more (14/s: one
    // request a second); a third where it holds less, so that a claim starts while two groups
    // are still ahead of it (at 500/s over 4 workers, halves left one: a slow answer or claim
    // stalled the next group, 91–95 % of the rate).
    const share = claimBound >= 2 * limit ? 2 : 3;
    const most = Math.max(1, Math.min(limit, mailer.bulkLimit ?? 1, Math.floor(claimBound / share)));
    return evenGroup(limit, most);
  }

  startSends(): void {
    const { run } = this;
    const size = this.groupSize();
    run.window.group = size;
    while (run.ready.length && !run.halted && run.inFlight < run.window.target) {
      // A claim is due or writing (the window claims once a group's worth is left): a group
      // short of its size waits for it, so small shards do not split groups.
      if (run.ready.length < size && this.moreComing()) return;
      const group = run.ready.splice(0, size);
      run.inFlight += group.length;
      void this.sendGroup(group)
        .then(
          (ds) => {
            for (const [i, d] of ds.entries()) this.pages.settle(group[i]!.page, d);
          },
          (error: unknown) => {
            for (const c of group) this.pages.settle(c.page, 'unresolved');
            run.fail(error);
          },
        )
        .finally(() => {
          run.inFlight -= group.length;
          this.wake();
        });
    }
  }

  // 2–3. pace, send, classify -------------------------------------------------------------------

  /** Claimed rows: wait for their tokens, send each with its own link and headers, retry throttling. */
  async sendGroup(group: Claimed[]): Promise<Delivery[]> {
    const { run } = this;
    const { deps, report, settings } = run;
    // The planned time here; the mailer admits the group right before its request is written.
    const slot = await run.pacer.wait(deps.sleeper, group.length);
    if (run.halted) return Promise.all(group.map((c) => this.drop(c)));
    const messages = group.map((c) =>
      personalise(run.rendered, c.recipient, deps.unsubscribeKey, settings, report.reportId),
    );
    const out: Delivery[] = [];
    let left = group.map((_, i) => i);
    for (let attempt = 0; left.length; attempt++) {
      const startedAt = run.stopwatch();
      const gate = run.pacer.gate(deps.sleeper, slot, left.length);
      const outcomes = await this.mail(
        left.map((i) => messages[i]!),
        { admit: gate.admit, written: gate.written },
        gate.done,
      );
      if (outcomes.some((o) => 'messageId' in o)) run.window.observe(run.stopwatch() - startedAt);
      const settled = left.map((i, j) => this.decide(group[i]!, outcomes[j]!));
      const retry = left.filter((_, j) => settled[j] === 'retry');
      // Each row's own write (failed, released); one that throws leaves that row unresolved.
      const written = await Promise.allSettled(settled.map((d) => (d === 'retry' ? 'retry' : d())));
      written.forEach((w, j) => {
        if (w.status === 'fulfilled') {
          if (w.value !== 'retry') out[left[j]!] = w.value;
          return;
        }
        out[left[j]!] = 'unresolved';
        run.fail(w.reason);
      });
      left = retry;
      if (!left.length) break;
      // The retry is a send too: the mailer admits it into the one-second window.
      await deps.sleeper.sleep(backoffMs(attempt));
      if (run.halted) {
        const dropped = await Promise.all(left.map((i) => this.drop(group[i]!)));
        for (const [j, i] of left.entries()) out[i] = dropped[j]!;
        break;
      }
    }
    return out;
  }

  /** One request for the messages (a bulk one for several); a thrown error is each one's answer. */
  private async mail(
    messages: OutgoingEmail[],
    options: SendOptions,
    done: () => void,
  ): Promise<BulkOutcome[]> {
    const { mailer } = this.run.deps;
    try {
      const out =
        messages.length > 1 && mailer.sendBulk
          ? await mailer.sendBulk(messages, options)
          : [await mailer.send(messages[0]!, options)];
      done();
      return out;
    } catch (error) {
      return messages.map(() => ({ error }));
    }
  }

  /** What one row's answer means: retry it, or what is written for it (and its delivery). */
  private decide(c: Claimed, outcome: BulkOutcome): 'retry' | (() => Promise<Delivery>) {
    const { run } = this;
    const { deps, report } = run;
    const { recipient: r, token } = c;
    if ('messageId' in outcome) {
      this.rejectionsInARow = 0;
      this.pages.sent({ email: r.email, token, messageId: outcome.messageId, page: c.page });
      return async () => 'sent';
    }
    const e = classifySendError(outcome.error);
    if (e.kind === 'throttle' && !run.pastDeadline() && !run.halted) return 'retry';
    if (e.kind === 'permanent') {
      if (++this.rejectionsInARow >= run.maxRejections) {
        run.stopWith({
          kind: 'pause',
          reason: `SES refused ${this.rejectionsInARow} messages in a row, last: ${e.reason}`,
        });
      }
      return async () => {
        await deps.ledger.markFailed(report.reportId, r.email, token, e.reason, deps.clock.now());
        return 'failed';
      };
    }
    if (e.kind === 'unknown') {
      // It may have gone out: keep the claim, the next run re-sends (at-least-once).
      run.stopWith({ kind: 'error', reason: e.reason });
      return async () => 'unresolved';
    }
    // Not sent (a paused account, or still throttled at the deadline): drop the claim.
    if (e.kind === 'pause') run.stopWith({ kind: 'pause', reason: e.reason });
    return () => this.drop(c);
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

/**
 * The group size from half `most` to `most` whose whole groups fill most of the one-second
 * window's `limit` (the larger on a tie): 7 groups of 16 would leave 12 of a limit of 124 unused
 * in every window (90 % of the rate), 11 groups of 11 leave 3.
 */
export function evenGroup(limit: number, most: number): number {
  let best = most;
  for (let k = most; k >= Math.ceil(most / 2); k--) {
    if (k * Math.floor(limit / k) > best * Math.floor(limit / best)) best = k;
  }
  return best;
}
