/**
 * Counts of confirmation emails in the subscribers table, for the dispatcher's reserve
 * (functions/core/send-load.ts): one counter per minute (kept 2 hours) and one per hour (kept
 * 26 hours), items `load#confirm#m#<minute>` and `load#confirm#h#<hour>` with the table's TTL and
 * no `statusShard`, so the byStatus index never sees them.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { ConfirmationLoad } from '../core/send-load.ts';

const minuteKey = (t: number) => `load#confirm#m#${new Date(t).toISOString().slice(0, 16)}`;
const hourKey = (t: number) => `load#confirm#h#${new Date(t).toISOString().slice(0, 13)}`;

export function dynamoConfirmationLoad(doc: Dynamo, table: string): ConfirmationLoad {
  const add = (email: string, keepS: number, now: Date) =>
    doc.update({
      TableName: table,
      Key: { email },
      UpdateExpression: 'ADD n :one SET expiresAt = if_not_exists(expiresAt, :exp)',
      ExpressionAttributeValues: { ':one': 1, ':exp': Math.floor(now.getTime() / 1000) + keepS },
    });
  return {
    async record(now) {
      const t = now.getTime();
      await Promise.all([add(minuteKey(t), 2 * 3600, now), add(hourKey(t), 26 * 3600, now)]);
    },
    async recent(now) {
      const t = now.getTime();
      const minutes = Array.from({ length: 10 }, (_, i) => minuteKey(t - i * 60_000));
      const hours = Array.from({ length: 24 }, (_, i) => hourKey(t - i * 3_600_000));
      const counts = new Map<string, number>();
      let keys: Record<string, unknown>[] | undefined = [...minutes, ...hours].map((email) => ({ email }));
      while (keys?.length) {
        const out = await doc.batchGet({
          RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'email, n' } },
        });
        for (const it of out.Responses?.[table] ?? []) counts.set(String(it.email), Number(it.n ?? 0));
        keys = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
      }
      return {
        peakPerSecond: Math.max(0, ...minutes.map((k) => counts.get(k) ?? 0)) / 60,
        last24h: hours.reduce((n, k) => n + (counts.get(k) ?? 0), 0),
      };
    },
  };
}
