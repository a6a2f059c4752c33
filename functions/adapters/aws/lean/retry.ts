/**
 * The SDK's standard retry mode, for the lean clients: up to `maxAttempts` calls, retrying
 * throttling and transient faults (never a refusal), after a full-jitter exponential backoff
 * (100 ms base, 500 ms when throttled, capped at 20 s).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isThrottling, isTransient } from './errors.ts';

export interface RetryPolicy {
  maxAttempts: number;
  /** Tests replace it to run without waiting. */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

export const standardRetry: RetryPolicy = { maxAttempts: 3 };

export async function withRetries<T>(policy: RetryPolicy, call: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (err) {
      const throttled = isThrottling(err);
      if (attempt >= policy.maxAttempts || !(throttled || isTransient(err))) throw err;
      const base = throttled ? 500 : 100;
      const delay = Math.floor(
        (policy.random ?? Math.random)() * Math.min(20_000, base * 2 ** (attempt - 1)),
      );
      await (policy.sleep ?? sleep)(delay);
    }
  }
}
