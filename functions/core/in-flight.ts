/**
 * How many SendEmail calls a run keeps in flight, and when it claims more rows.
 *
 * In flight: rate × observed SES latency (Little's law), with a quarter of headroom plus one for
 * jitter, never more than the configured maximum. SES answers in 40–150 ms on AWS, so a fixed
 * number caps the rate at (number ÷ latency); following the latency lets one run use its whole
 * share of the quota.
 *
 * Claims: a claim is one DynamoDB transaction, written while the rows already claimed are sent,
 * so it must start while enough of them are left to cover its own latency (observed too), and
 * take enough rows to last until the next one. What bounds both is the crash bound: at most
 * `claimBound` rows claimed and not marked, the configured maximum (see SendRun).
 */
/**
 * The most claims one transaction holds with as many marks and the stop gate: DynamoDB takes
 * 100 items, a claim is two (the row, the subscriber check) and a mark one.
 */
const ONE_TRANSACTION_CLAIMS = 33;

export class InFlightWindow {
  private latencyMs: number;
  private claimLatencyMs: number;
  /** Rows claimed and not yet marked, at most. */
  readonly claimBound: number;
  /**
   * The rows one request carries (send-run/send.ts groupSize): a group must be claimed and ready
   * while the one before is sent, so claims start once a group's worth is left and fill to two.
   */
  group = 1;

  constructor(
    /** The run's send rate (messages per second). */
    private ratePerSecond: number,
    /** The configured maximum in flight. */
    readonly max: number,
    /** The latency assumed before the first answer: high, so a run starts wide and narrows. */
    initialLatencyMs = 150,
    /** Weight of each new observation in the moving average. */
    private readonly alpha = 0.1,
    /** A claim's latency assumed before the first one is written. */
    initialClaimLatencyMs = 50,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be positive');
    if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a whole number ≥ 1');
    this.latencyMs = initialLatencyMs;
    this.claimLatencyMs = initialClaimLatencyMs;
    this.claimBound = max;
  }

  /** A bigger share from now on: more in flight, bigger claims. Never lowers it. */
  raise(ratePerSecond: number): void {
    if (ratePerSecond > this.ratePerSecond) this.ratePerSecond = ratePerSecond;
  }

  /** One SendEmail's time from request to answer. */
  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.latencyMs += this.alpha * (ms - this.latencyMs);
  }

  /** One claim's time (its transaction, with the marks it carries). */
  observeClaim(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    // Weighted more than sends: claims are few, and a slow one must widen the next at once.
    this.claimLatencyMs += 3 * this.alpha * (ms - this.claimLatencyMs);
  }

  get meanLatencyMs(): number {
    return this.latencyMs;
  }

  /**
   * The rows to keep in flight now: rate × latency with a quarter of headroom, plus one group
   * (one row when sends go one by one) that waits for its turn at the pacer meanwhile.
   */
  get target(): number {
    const needed = Math.ceil((this.ratePerSecond * this.latencyMs * 1.25) / 1000) + this.group;
    return Math.max(1, Math.min(this.max, needed));
  }

  /** The sends a claim's own latency uses up, with a quarter of headroom. */
  private get duringClaim(): number {
    return Math.ceil((this.ratePerSecond * this.claimLatencyMs * 1.25) / 1000);
  }

  /** Claim when no more than this many rows are claimed and not yet answered. */
  get claimAt(): number {
    const at = Math.max(Math.floor(this.target / 2), this.duringClaim, this.group);
    return Math.min(Math.floor(this.claimBound / 2), at);
  }

  /**
   * A claim fills the rows claimed and not yet answered up to this: half a window ahead, or
   * half a second of sends (a whole second while that fits one transaction with its marks), or
   * what lasts through the next claim.
   */
  get fillTo(): number {
    const t = this.target;
    const ahead = Math.max(
      t + Math.ceil(t / 2),
      Math.ceil(this.ratePerSecond / 2),
      // Each claim is a transaction whose fixed cost (CPU in the run, a round trip) slow runs pay
      // per few rows: at 14/s half a second made it a third of the run's CPU per recipient.
      Math.min(Math.ceil(this.ratePerSecond), ONE_TRANSACTION_CLAIMS),
      this.claimAt + this.duringClaim,
      2 * this.group,
    );
    return Math.min(this.claimBound, ahead);
  }
}
