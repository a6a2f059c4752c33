/**
 * A part that finishes early leaves its share of the rate to the others (rate-shares.ts
 * freedParts), against DynamoDB Local and the SES emulator on the virtual clock the pacers read:
 * the parts here are split equally (readers not counted at the split), one with nine times the
 * other's readers. Once the small part has finished and a window has passed, the big part's
 * worker sends at the whole rate; before that at its half; and no sliding second of the two
 * together ever passes the rate.
 */
import { describe, expect, it } from 'vitest';
import { createTestStack } from '../helpers/stack.ts';
import { countsFor, inbox, reportItem } from '../helpers/dispatch-setup.ts';
import { doc } from '../helpers/audience.ts';
import { FREED_AFTER_MS, inProcessWorkers, owner, twoPartSend } from '../helpers/in-process-workers.ts';
import { busiest } from '../helpers/windows.ts';
import { dynamoPartStore } from '../../functions/adapters/dynamo-part-store.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';

describe("a finished part's share", () => {
  it('goes to the part still sending a window after the finish, never above the rate together', async () => {
    const stack = await createTestStack();
    // Part 0 (shards 0–7): 90 readers; part 1 (shards 8–15): 10.
    const { subs, report, s } = await twoPartSend(stack, [90, 10]);
    // Readers not counted at the split: equal shares, 7 and 7 of 14/s.
    const { countConfirmedByShard: _uncounted, ...audience } = s.deps.audience;
    const deps = { ...s.deps, audience };
    const parts = dynamoPartStore(doc, stack.config.tables.reports);
    const { launcher, byPart } = inProcessWorkers({ ...s, deps }, parts, 600_000);

    const out = await dispatchDue({ ...deps, fanOut: { parts, launcher } }, s.settings, {
      owner: owner(),
      budgetMs: 600_000,
    });

    expect(out.reports[0]).toMatchObject({ workers: 2, outcome: 'sent' });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const item = await reportItem(stack, report.reportId);
    expect(item?.partWeights).toBeUndefined();
    const finished = item?.partsFinished as { part: number; at: string }[];
    expect(finished.map((f) => f.part)).toEqual([1, 0]);
    const freed = Date.parse(finished[0]!.at) + FREED_AFTER_MS;
    const bigSends = byPart.get(0)!;
    const smallSends = byPart.get(1)!;
    expect(bigSends).toHaveLength(90);
    expect(smallSends).toHaveLength(10);
    // Until the small part's share is freed, each keeps to its half; after, the big part takes
    // up the whole rate (without the change it stayed at 7: this fails).
    expect(busiest(bigSends.filter((t) => t < freed))).toBeLessThanOrEqual(7);
    expect(busiest(smallSends)).toBeLessThanOrEqual(7);
    const after = bigSends.filter((t) => t >= freed);
    expect(after.length).toBeGreaterThanOrEqual(30);
    expect(busiest(after)).toBeGreaterThan(10);
    expect(busiest(after)).toBeLessThanOrEqual(14);
    // No sliding second of the two together passes the rate, across the moment the share moved.
    expect(busiest([...bigSends, ...smallSends])).toBeLessThanOrEqual(14);
    // What makes it safe: the small part's last send started before it recorded its finish.
    expect(Math.max(...smallSends)).toBeLessThanOrEqual(Date.parse(finished[0]!.at));
  });
});
