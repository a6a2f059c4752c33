/**
 * Pacing for the dispatcher: a token bucket and the one-second window (the send rate); back-off
 * and the run budget are run-limits.ts's, the SES calls in flight in-flight.ts's. Time comes from
 * a Clock and waiting from a Sleeper, so tests drive both with a virtual clock instead of sleeping.
 */
import type { Clock } from './ports.ts';
import { TokenBucket } from './token-bucket.ts';

export { TokenBucket };

export interface Sleeper {
  sleep(ms: number): Promise<void>;
}

/**
 * What the one-second window adds for the time between a send's admission (right before its
 * request is written) and its arrival at SES: the write, and the network's jitter (a few ms
 * within a region). On the loopback bench, from a request's write to its arrival at the proxy
 * took at most ~2 ms (eighth session, the proxy at real-time priority). Each ms costs a
 * thousandth of the rate.
 */
export const WINDOW_GUARD_MS = 10;

export const systemSleeper: Sleeper = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** One reserved send: its planned start, and the latest moment it was counted at (epoch ms). */
export interface PlannedSend {
  readonly at: number;
  counted: number;
}

/**
 * Paces sends at `ratePerSecond` and never lets more than floor(rate) start within any window
 * of `windowMs` (one second plus a guard), sliding. The token bucket holds a quarter second of
 * sends, so a run that fell behind (a slow claim, a busy event loop) catches up instead of
 * losing the time; the sliding window is what keeps the catching up, and the bucket's own
 * rate + capacity, within the bound.
 *
 * Two steps per send: `wait()` sleeps until its planned time (before the message is built), and
 * `admit()` counts it at its real start, as late as the mailer can call it (right before the
 * request is written: SES counts arrivals, and anything between the pacer and the socket would
 * bunch sends up). The guard covers what still lies between that moment and SES's clock (the
 * write itself, network jitter). Reservations are synchronous, like the bucket's.
 *
 * A run that follows another on the same lane starts from that run's last admissions
 * (`seed`, hand-over.ts), so the one-second windows that span the two runs hold too.
 */
export class SendPacer {
  private readonly bucket: TokenBucket;
  private limit: number;
  private ratePerSecond: number;
  /** The last `limit` reservations, oldest first: when each was planned, and when it was counted. */
  private readonly planned: PlannedSend[] = [];
  /** Real start times of the last `limit` sends, oldest first. */
  private readonly started: number[] = [];
  /** Whether a send was planned yet. */
  private begun = false;

  constructor(
    ratePerSecond: number,
    private readonly clock: Clock,
    private readonly windowMs = 1000 + WINDOW_GUARD_MS,
  ) {
    this.ratePerSecond = ratePerSecond;
    this.bucket = new TokenBucket(ratePerSecond, Math.max(1, Math.floor(ratePerSecond / 4)), clock);
    this.limit = Math.max(1, Math.floor(ratePerSecond));
  }

  /**
   * A bigger share from now on (rate-shares.ts freedParts): the bucket refills faster and the
   * window holds more. Sends already counted stay counted. Never lowers the rate: a smaller
   * limit would drop counted sends from the window's memory.
   */
  raise(ratePerSecond: number): void {
    if (!(ratePerSecond > this.ratePerSecond)) return;
    this.ratePerSecond = ratePerSecond;
    this.bucket.setRate(ratePerSecond, Math.max(1, Math.floor(ratePerSecond / 4)));
    this.limit = Math.max(1, Math.floor(ratePerSecond));
  }

  /** Milliseconds to wait before the reserved send (or group of `k`) may start. */
  reserve(k = 1): number {
    return this.plan(k).at - this.clock.now().getTime();
  }

  /** The most sends one group may hold: the window's limit (a bigger one could never start). */
  get groupLimit(): number {
    return this.limit;
  }

  /** How many sends back the one that must be a window old is, for `k` more to fit the window. */
  private back(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > this.limit)
      throw new RangeError(`a group holds 1 to ${this.limit} sends, not ${k}`);
    return this.limit - k + 1;
  }

  /**
   * The next send's slot. The window's bound counts from when the send `limit` slots back was
   * counted (its admission, or later its write), not when it was planned: a send planned from
   * the plan alone would find the window still full whenever it left its planned time sooner
   * than that one did (by a millisecond or two of timer, message building and signing), and
   * wait a second time: at 14/s that was a timer and an event-loop wake-up for most sends.
   */
  private plan(k = 1): PlannedSend {
    const back = this.back(k);
    const now = this.clock.now().getTime();
    // The time between the pacer's start and its first send (the quota, the rendered output,
    // the first claim) is no stall to catch up: with four workers that was a burst of ~50 at once.
    if (!this.begun) {
      this.begun = true;
      this.bucket.startNow();
    }
    let at = now + this.bucket.reserve(k);
    if (this.planned.length >= back) {
      const ref = this.planned[this.planned.length - back]!;
      at = Math.max(at, Math.max(ref.at, ref.counted) + this.windowMs);
    }
    // A group's sends share one slot: they are planned, counted and written together.
    const slot: PlannedSend = { at, counted: at };
    for (let i = 0; i < k; i++) this.planned.push(slot);
    while (this.planned.length > this.limit) this.planned.shift();
    return slot;
  }

  /**
   * Sleeps until the send's planned time (it still has to be admitted when it starts); the slot
   * it returns goes to `gate`, which records when the send was really counted.
   */
  async wait(sleeper: Sleeper, k = 1): Promise<PlannedSend> {
    const slot = this.plan(k);
    const wait = slot.at - this.clock.now().getTime();
    if (wait > 0) await sleeper.sleep(wait);
    return slot;
  }

  /** Waits until the window has room, then counts the send as starting now. */
  async admitted(sleeper: Sleeper): Promise<void> {
    for (let w = this.admit(); w > 0; w = this.admit()) await sleeper.sleep(w);
  }

  /** `wait()` then `admitted()`: for a caller that starts the send itself. */
  async take(sleeper: Sleeper): Promise<void> {
    const slot = await this.wait(sleeper);
    await this.admitted(sleeper);
    slot.counted = Math.max(slot.counted, this.clock.now().getTime());
  }

  /**
   * One attempt's admission, to hand to a mailer (SendOptions.admit): 0 when the send may start
   * now (counted), else a sleep on `sleeper` after which to ask again. `written()` when the
   * mailer has handed the request to its socket moves the count to that moment (later, never
   * earlier), so sends the event loop held back after their admission are counted where they
   * left and the window holds in the times they were written. `done()` after the attempt
   * succeeded counts it now if the mailer never asked (one that writes no request), so the
   * window never forgets a send.
   */
  gate(
    sleeper: Sleeper,
    slot?: PlannedSend,
    /** The sends one request carries (a SendBulkEmail's readers): admitted and counted together. */
    k = 1,
  ): { admit: () => 0 | Promise<void>; written: () => void; done: () => void } {
    this.back(k);
    let admittedAt: number | null = null;
    const counted = (at: number) => {
      if (slot && at > slot.counted) slot.counted = at;
    };
    return {
      admit: () => {
        const wait = this.admit(k);
        if (wait > 0) return sleeper.sleep(wait);
        admittedAt = this.clock.now().getTime();
        counted(admittedAt);
        return 0;
      },
      written: () => {
        if (admittedAt === null) return;
        const now = this.clock.now().getTime();
        for (let i = 0; i < k; i++) this.restamp(admittedAt, now);
        counted(now);
      },
      done: () => {
        if (admittedAt !== null) return;
        const now = this.clock.now().getTime();
        for (let i = 0; i < k; i++) this.count(now);
        counted(now);
      },
    };
  }

  /** 0, counting the send (or `k` together) as starting now; or how long to wait before asking again. */
  admit(k = 1): number {
    const back = this.back(k);
    const now = this.clock.now().getTime();
    if (this.started.length >= back) {
      const wait = this.started[this.started.length - back]! + this.windowMs - now;
      if (wait > 0) return wait;
    }
    for (let i = 0; i < k; i++) this.count(now);
    return 0;
  }

  /**
   * Starts the window from the admissions of the run before on this lane (epoch ms, as that run's
   * clock read them), before this pacer's first send: they count against this run's limit until
   * they are a window old, in `planned` and `started` alike, and the bucket holds only what came
   * in since the last of them (no catch-up credit on top of a full window). Each time is moved
   * `skewMs` later (the other instance's clock may be behind this one's) and never past
   * now + `skewMs`, so a time from a clock far ahead holds the run at most one window and the
   * skew: every wait is measured on this pacer's own clock, which a test's virtual clock
   * advances as it sleeps. `fullAt`: the last admission of another lane (LastSend), counted as
   * a full window at that moment.
   */
  seed(times: readonly number[], skewMs: number, fullAt?: number): void {
    const now = this.clock.now().getTime();
    const horizon = now + skewMs;
    const real = times.filter((t) => typeof t === 'number' && Number.isFinite(t));
    // Another lane's last admission: its share is unknown, so count the whole window as taken then.
    if (fullAt !== undefined && Number.isFinite(fullAt)) real.push(...Array<number>(this.limit).fill(fullAt));
    const kept = real
      .map((t) => Math.min(t + skewMs, horizon))
      .filter((t) => t + this.windowMs > now)
      .sort((a, b) => a - b)
      .slice(-this.limit);
    if (kept.length === 0) return;
    this.planned.splice(0, this.planned.length, ...kept.map((t) => ({ at: t, counted: t })));
    this.started.splice(0, this.started.length, ...kept);
    this.bucket.takenAt(Math.min(now, Math.max(...real)));
  }

  /** The admissions that still count at `now`, oldest first: what the next run on this lane must count. */
  recent(now: number): number[] {
    return this.started.filter((t) => t + this.windowMs > now);
  }

  /** Moves one send counted at `from` to `to` (a later moment), keeping the times in order. */
  private restamp(from: number, to: number): void {
    const i = this.started.lastIndexOf(from);
    if (i < 0 || to <= from) return;
    this.started.splice(i, 1);
    let k = this.started.length;
    while (k > 0 && this.started[k - 1]! > to) k--;
    this.started.splice(k, 0, to);
  }

  private count(at: number): void {
    this.started.push(at);
    if (this.started.length > this.limit) this.started.shift();
  }
}
