/**
 * The hand-over between two sending runs on one lane. A lane is whoever sends one share of the
 * rate run after run: the dispatcher on a report, or one worker on its part. Each run's pacer
 * keeps its share in every sliding window of its own sends (pacing.ts); a run that started with
 * an empty window did not count the last run's final second, so the second that spans both
 * could hold nearly two seconds' worth (seen: 15 in one second at 14/s, where a 50-second run
 * handed over).
 *
 * 1. Save: a run ends by releasing its lease, and saves with that write the admissions of its
 *    last window (`recent`: at most its share of one second, oldest first, epoch ms). The next
 *    run on the lane reads them with its lease (the report or part item it leases anyway), so
 *    the hand-over costs no extra DynamoDB call.
 * 2. Seed: the next run's pacer starts from them (`start` → SendPacer.seed): in every sliding
 *    window across the boundary the two runs together stay within the new run's share. With
 *    a share that changed between the runs, each window ending in the new run holds at most the
 *    new share, each ending in the old one at most the old share: the larger of the two. Shares
 *    only move with the quota and the confirmations' reserve, all in the same direction
 *    (`rateShare` is monotone), so all lanes together stay within the larger of the two totals.
 * 3. Carry: runs that follow each other in one process (the canary's sample and the main send,
 *    the next due report of a tick) share the lane in memory.
 * 4. Clear: a coordinator that hands the rate to workers, whose pacers know only their own
 *    lanes, first waits until its own last admissions no longer count (`clear`).
 * 5. Hold: a run that starts a report after another lane sent last — another report, ended by
 *    another instance or by its workers, in an earlier invocation — knows only that lane's
 *    last admission (LastSend, one item every lane's last run records) and not its share, so
 *    it counts a full window at that moment (`hold`): it starts sending at most one window and
 *    the skew after it. Runs record their last admission when they release their lease.
 *
 * A run that crashed saves nothing: its lease then holds the lane until its deadline plus
 * `LEASE_MARGIN_MS` (at least 5 s; on AWS the function timeout minus the budget plus 5 s, so
 * at least 5 s after the instance can last have sent), far more than one window.
 */
import type { Clock } from './ports.ts';
import { type SendPacer, type Sleeper, WINDOW_GUARD_MS } from './pacing.ts';
import type { LastSend } from './use-cases/sending-ports.ts';

/**
 * How far the clock of the instance that runs next may be ahead of the one that saved the
 * times. Chained runs may run on two Lambda instances; a run whose clock is ahead would see the
 * last run's admissions as older than they are, so the saved times count as this much later.
 * Lambda does not state its clocks' error; hosts kept by Amazon Time Sync are within about a
 * millisecond, so 50 ms is a wide margin, and it costs at most 50 ms at the start of a run whose
 * window was full (0.1 % of a 50 s run).
 */
export const HANDOVER_SKEW_MS = 50;

/** The pacer's window (pacing.ts): one second and its guard. */
export const WINDOW_MS = 1000 + WINDOW_GUARD_MS;

export class HandOver {
  /** Admissions not yet handed to a pacer, oldest first (epoch ms). */
  private times: number[];
  /** The current run's pacer: from its start, the lane's record. */
  private pacer: SendPacer | null = null;
  /** Another lane's last admission (step 5): the lane counts as full then. */
  private heldAt: number | undefined;

  constructor(times: readonly number[] = []) {
    this.times = clean(times);
  }

  /** Adds the admissions a run saved on the lane (read with the lease). */
  add(times: readonly number[] | undefined, now: number): void {
    if (!times?.length) return;
    this.times = clean([...this.recent(now), ...times]);
    this.pacer = null;
  }

  /** Another lane sent last, at `at` (its clock): count a full window then. */
  hold(at: number): void {
    if (!Number.isFinite(at)) return;
    this.heldAt = Math.max(this.heldAt ?? at, at);
  }

  /** A run's new pacer starts from the lane's last admissions, and records the lane from then on. */
  start(pacer: SendPacer, now: number): void {
    pacer.seed(this.recent(now), HANDOVER_SKEW_MS, this.heldAt);
    this.times = [];
    this.heldAt = undefined;
    this.pacer = pacer;
  }

  /** The lane's admissions that still count at `now`, oldest first: what to save with the release. */
  recent(now: number): number[] {
    if (this.pacer) return this.pacer.recent(now);
    return this.times.filter((t) => t + HANDOVER_SKEW_MS + WINDOW_MS > now);
  }

  /**
   * Waits (one sleep, on the run's own clock) until none of the lane's admissions counts any
   * more; a time from a clock far ahead holds it at most one window and twice the skew.
   */
  async clear(clock: Clock, sleeper: Sleeper): Promise<void> {
    const now = clock.now().getTime();
    const last = Math.max(
      this.recent(now).at(-1) ?? Number.NEGATIVE_INFINITY,
      this.heldAt ?? Number.NEGATIVE_INFINITY,
    );
    if (last === Number.NEGATIVE_INFINITY) return;
    const wait = Math.min(last, now + HANDOVER_SKEW_MS) + HANDOVER_SKEW_MS + WINDOW_MS - now;
    if (wait > 0) await sleeper.sleep(wait);
  }
}

/** Records the lane's last admission for whichever lane sends next; best effort, as the release. */
export async function noteLastSend(
  deps: { lastSend?: LastSend; log: { warn(message: string, extra?: Record<string, unknown>): void } },
  lane: string,
  recent: readonly number[],
): Promise<void> {
  const at = recent.at(-1);
  if (at === undefined || !deps.lastSend) return;
  await deps.lastSend.note(lane, at).catch((err: unknown) =>
    deps.log.warn('dispatch: could not record the last send', {
      lane,
      error: err instanceof Error ? err.name : String(err),
    }),
  );
}

/** Finite times, in order: what was stored may be anything. */
function clean(times: readonly number[]): number[] {
  return times.filter((t) => typeof t === 'number' && Number.isFinite(t)).sort((a, b) => a - b);
}
