/**
 * How many SendEmail calls a run keeps in flight: rate × observed SES latency (Little's law),
 * with a quarter of headroom plus one for jitter, never more than the configured maximum.
 * SES answers in 40–150 ms on AWS, so a fixed number caps the rate at (number ÷ latency);
 * following the latency lets one run use its whole share of the quota, and the maximum bounds
 * what a crash can leave ambiguous (see SendRun).
 */
export class InFlightWindow {
  private latencyMs: number;

  constructor(
    /** The run's send rate (messages per second). */
    private readonly ratePerSecond: number,
    /** The configured maximum in flight. */
    readonly max: number,
    /** The latency assumed before the first answer: high, so a run starts wide and narrows. */
    initialLatencyMs = 150,
    /** Weight of each new observation in the moving average. */
    private readonly alpha = 0.1,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be positive');
    if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a whole number ≥ 1');
    this.latencyMs = initialLatencyMs;
  }

  /** One SendEmail's time from request to answer. */
  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.latencyMs += this.alpha * (ms - this.latencyMs);
  }

  get meanLatencyMs(): number {
    return this.latencyMs;
  }

  /** The number of calls to keep in flight now. */
  get target(): number {
    const needed = Math.ceil((this.ratePerSecond * this.latencyMs * 1.25) / 1000) + 1;
    return Math.max(1, Math.min(this.max, needed));
  }
}
