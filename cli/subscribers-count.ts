/**
 * `kawaraban subscribers count`: how many subscribers are in each status, from the byStatus
 * index (counted, no item read, no address printed), and how many the next report would reach.
 */
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../functions/core/subscriber.ts';
import { chooseTarget } from './target.ts';
import { cliDynamo } from './aws-config.ts';

export async function printSubscriberCounts(opts: { json?: boolean } = {}): Promise<number> {
  await chooseTarget();
  const table = process.env.SUBSCRIBERS_TABLE;
  if (!table) {
    console.error(
      'SUBSCRIBERS_TABLE is not set (run `npm start` for the local stack, or set it from the stack outputs)',
    );
    return 1;
  }
  // The SDK reads its endpoints when the clients are created: only after chooseTarget().
  const [dynamo, { countByStatus }] = await Promise.all([
    cliDynamo(),
    import('../functions/adapters/dynamo-audience.ts'),
  ]);
  const counts = await Promise.all(SUBSCRIBER_STATUSES.map((s) => countByStatus(dynamo, table, s)));
  const byStatus = Object.fromEntries(SUBSCRIBER_STATUSES.map((s, i) => [s, counts[i]!])) as Record<
    SubscriberStatus,
    number
  >;
  if (opts.json) {
    console.log(JSON.stringify({ ...byStatus, total: counts.reduce((a, b) => a + b, 0) }));
    return 0;
  }
  console.log(formatCounts(byStatus));
  return 0;
}

export function formatCounts(counts: Record<SubscriberStatus, number>): string {
  const total = SUBSCRIBER_STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const rows: [string, number][] = [
    ...SUBSCRIBER_STATUSES.map((s): [string, number] => [s, counts[s]]),
    ['total', total],
  ];
  return rows.map(([k, v]) => `${k.padEnd(14)}${v.toLocaleString('en-US').padStart(10)}`).join('\n');
}
