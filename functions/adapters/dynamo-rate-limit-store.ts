/**
 * Rate-limit counters in the subscribers table, under "rl#…" keys that expire by TTL
 * (`expiresAt`). Every decision is one conditional update, so Lambda instances running in
 * parallel share the limits exactly. TTL only cleans up (AWS deletes expired items up to
 * days late): no decision relies on an item being gone.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { isConditionFailure } from './dynamo-conflicts.ts';
import type { FixedWindow, LimitResult, RateLimitStore, SpacingRule } from '../core/use-cases/rate-limits.ts';

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function dynamoRateLimitStore(db: Dynamo, table: string): RateLimitStore {
  return {
    async countRequest(key, windows: readonly FixedWindow[], now) {
      const t = seconds(now);
      for (const w of windows) {
        const start = t - (t % w.seconds);
        try {
          // ADD on a missing item starts it at 1; the condition refuses the (max+1)th.
          await db.update({
            TableName: table,
            Key: { email: `rl#${key}#${w.seconds}#${start}` },
            UpdateExpression: 'ADD n :one SET expiresAt = :exp',
            ConditionExpression: 'attribute_not_exists(n) OR n < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': w.max, ':exp': start + w.seconds + 60 },
          });
        } catch (err) {
          if (isConditionFailure(err)) {
            return { allowed: false, retryAfterSeconds: Math.max(1, start + w.seconds - t) };
          }
          throw err;
        }
      }
      return { allowed: true };
    },

    /**
     * Keeps the last `max` event times in slots t0 (newest) … t{max-1} (oldest) and shifts
     * them in one update: allowed when t0 is at least the gap ago and t{max-1} has left the
     * window — an exact sliding window in a single conditional write.
     */
    async recordSpaced(key, rule: SpacingRule, now): Promise<LimitResult> {
      const t = now.getTime();
      const last = `t${rule.max - 1}`;
      const shifts = Array.from({ length: rule.max - 1 }, (_, i) => {
        const to = rule.max - 1 - i;
        return `t${to} = if_not_exists(t${to - 1}, :zero)`;
      });
      try {
        await db.update({
          TableName: table,
          Key: { email: `rl#${key}` },
          UpdateExpression: `SET ${[...shifts, 't0 = :now', 'expiresAt = :exp'].join(', ')}`,
          ConditionExpression: `(attribute_not_exists(t0) OR t0 <= :gapCutoff) AND (attribute_not_exists(${last}) OR ${last} <= :windowCutoff)`,
          ExpressionAttributeValues: {
            // Only a rule of more than one slot shifts, and DynamoDB refuses an unused value.
            ...(shifts.length ? { ':zero': 0 } : {}),
            ':now': t,
            ':gapCutoff': t - rule.minGapSeconds * 1000,
            ':windowCutoff': t - rule.windowSeconds * 1000,
            ':exp': Math.ceil(t / 1000) + rule.windowSeconds + 60,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        });
        return { allowed: true };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // The old item as DynamoDB wrote it ({N: "…"}): errors are not unmarshalled (nor in lib-dynamodb).
        const old = ((err as { Item?: unknown }).Item ?? {}) as Record<string, { N?: string }>;
        const at = (name: string) => Number(old[name]?.N ?? 0);
        const waitMs = Math.max(
          at('t0') + rule.minGapSeconds * 1000 - t,
          at(last) + rule.windowSeconds * 1000 - t,
        );
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
    },

    // No expiresAt: a complaint is not forgotten after a while. The key is a hash: no address.
    async markMailboxSuppressed(key, now) {
      await db.update({
        TableName: table,
        Key: { email: suppressedKey(key) },
        UpdateExpression: 'SET since = if_not_exists(since, :now), lastAt = :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      });
    },

    async isMailboxSuppressed(key) {
      const out = await db.get({
        TableName: table,
        Key: { email: suppressedKey(key) },
        ConsistentRead: true,
      });
      return out.Item !== undefined;
    },
  };
}

/** The item that marks a mailbox (an `addressKey`); never shared with a counter, whose TTL would delete it. */
export const suppressedKey = (key: string) => `rl#${key}#mailbox-said-no`;
