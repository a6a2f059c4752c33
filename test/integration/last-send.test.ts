/**
 * The account's last newsletter admission (functions/adapters/dynamo-last-send.ts) against
 * DynamoDB Local: lanes that end out of order leave the latest, and the item stays out of the
 * reports' byStatus index.
 */
import { describe, expect, it } from 'vitest';
import { dynamoLastSend } from '../../functions/adapters/dynamo-last-send.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { doc } from '../helpers/audience.ts';
import { createTestStack } from '../helpers/stack.ts';

describe('the last send across lanes', () => {
  it('reads nothing at first, then only ever the latest admission, whichever lane wrote it', async () => {
    const stack = await createTestStack();
    const last = dynamoLastSend(doc, stack.config.tables.reports);
    expect(await last.read()).toBeNull();
    await last.note('r-1#part0', 1_000);
    await last.note('r-1#part1', 3_000);
    // A lane that ends later by the clock but recorded an earlier admission changes nothing.
    await last.note('r-1#part2', 2_000);
    expect(await last.read()).toEqual({ lane: 'r-1#part1', at: 3_000 });
    await Promise.all([last.note('r-2', 5_000), last.note('r-3', 4_000)]);
    expect(await last.read()).toEqual({ lane: 'r-2', at: 5_000 });
  });

  it('is not a report: nothing due, listed or counted sees it', async () => {
    const stack = await createTestStack();
    await dynamoLastSend(doc, stack.config.tables.reports).note('r-1', Date.now());
    const reports = dynamoReportStore(doc, stack.config.tables.reports);
    expect(await reports.findDue(new Date('2100-01-01T00:00:00Z'))).toEqual([]);
  });
});
