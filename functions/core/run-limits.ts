/**
 * A run's limits in time: how long it waits before retrying a throttled send (back-off), and how
 * long it may claim new recipients (its budget inside the Lambda's remaining time).
 */

/** Exponential back-off with full jitter, capped: attempt 0 → up to `baseMs`. */
export function backoffMs(
  attempt: number,
  baseMs = 200,
  capMs = 10_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How long a dispatcher run may claim new recipients: the configured budget, but always well
 * inside the Lambda's remaining time (a fifth of it, at least 10 s, is left for in-flight
 * sends, the last checkpoint and the lease release).
 */
export function runBudget(configuredMs: number, remainingMs: number | undefined): number {
  if (remainingMs === undefined) return configuredMs;
  return Math.max(0, Math.min(configuredMs, remainingMs - Math.max(10_000, remainingMs * 0.2)));
}
