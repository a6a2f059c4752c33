/**
 * Small helpers for DynamoDB's optimistic-concurrency errors. The report item is touched by
 * the dispatcher (checkpoints) and by SES events (counters) at the same time, and a write to
 * an item inside someone else's transaction fails with a conflict: these are retried briefly.
 */

export function errorName(err: unknown): string {
  return (err as { name?: string } | null)?.name ?? '';
}

export const isConditionFailure = (err: unknown) => errorName(err) === 'ConditionalCheckFailedException';

export interface CancellationReason {
  Code?: string;
  Item?: Record<string, { S?: string; N?: string } | undefined>;
}

/** The per-item reasons of a cancelled transaction, or null for any other error. */
export function cancellationReasons(err: unknown): CancellationReason[] | null {
  if (errorName(err) !== 'TransactionCanceledException') return null;
  return ((err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ??
    []) as CancellationReason[];
}

const isConflict = (err: unknown) => {
  if (errorName(err) === 'TransactionConflictException') return true;
  const reasons = cancellationReasons(err);
  return !!reasons && reasons.some((r) => r.Code === 'TransactionConflict');
};

/** Runs `op`, retrying (with a short growing pause) while it fails only because of a conflict. */
export async function retryConflicts<T>(op: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (err) {
      if (!isConflict(err) || i >= attempts - 1) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** i + Math.random() * 20));
    }
  }
}

/**
 * Runs a conditional write under `retryConflicts`: its output, or null when its condition
 * failed (the expected outcome of a lost race, not an error). Every other error is thrown.
 */
export async function unlessConditionFails<T extends object>(op: () => Promise<T>): Promise<T | null> {
  try {
    return await retryConflicts(op);
  } catch (err) {
    if (isConditionFailure(err)) return null;
    throw err;
  }
}
