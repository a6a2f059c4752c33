/** The token bucket under the send pacer (pacing.ts): the rate, with a little catch-up. */
import type { Clock } from './ports.ts';
import type { Sleeper } from './pacing.ts';

/**
 * A token bucket that hands out reservations: `reserve()` takes a token now, possibly going
 * into debt, and says how long the caller must wait before using it. Reservations are
 * synchronous, so concurrent callers are spaced out correctly without a lock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private ratePerSecond: number,
    private capacity: number,
    private readonly clock: Clock,
    initial = 1,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be positive');
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.tokens = Math.min(initial, capacity);
    this.last = clock.now().getTime();
  }

  /** Milliseconds to wait before the reserved send (or `n` sent together) may go. */
  reserve(n = 1): number {
    this.refill();
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
  }

  /** A new rate and capacity from now on (what came in until now, at the old rate). */
  setRate(ratePerSecond: number, capacity: number): void {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be positive');
    this.refill();
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
  }

  private refill(): void {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }

  async take(sleeper: Sleeper): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleeper.sleep(wait);
  }

  /** Credits nothing for the time before now: a run's first send is no catch-up. */
  startNow(): void {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.tokens, 1);
    this.last = now;
  }

  /**
   * The run before took its last token at `at` (epoch ms): no more tokens than have come in
   * since, so a new bucket gives no catch-up credit on top of that run's last second.
   */
  takenAt(at: number): void {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.tokens, Math.max(0, ((now - at) / 1000) * this.ratePerSecond));
    this.last = now;
  }
}
