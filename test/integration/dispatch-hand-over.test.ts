/**
 * The hand-over between two runs against DynamoDB Local and the SES emulator: runs with a short
 * budget follow one another (as the handlers chain them), and each new run's pacer starts from
 * the admissions the last one saved with its lease release (functions/core/hand-over.ts). What is
 * checked is the recorded admission times, on the virtual clock the pacer itself reads, at the
 * moment the real SES mailer's last middleware admitted each request: in no sliding second do
 * they pass the share, across every boundary between runs.
 */
import { describe, expect, it } from 'vitest';
import { createTestStack } from '../helpers/stack.ts';
import { countsFor, dispatchSetup, inbox, reportItem } from '../helpers/dispatch-setup.ts';
import { doc, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { busiest } from '../helpers/windows.ts';
import {
  BUDGET_MS,
  FREED_AFTER_MS,
  inProcessWorkers,
  owner,
  quota14,
  recording,
  twoPartSend,
} from '../helpers/in-process-workers.ts';
import { dynamoCanaryStore } from '../../functions/adapters/dynamo-canary-store.ts';
import { dynamoLastSend } from '../../functions/adapters/dynamo-last-send.ts';
import { dynamoPartStore } from '../../functions/adapters/dynamo-part-store.ts';
import { defaultCanarySettings } from '../../functions/core/canary.ts';
import { weightedShare } from '../../functions/core/rate-shares.ts';
import { dispatchDue, type DispatchDeps } from '../../functions/core/use-cases/dispatch-due.ts';
import type { PartTask } from '../../functions/core/use-cases/fan-out-ports.ts';

describe('the hand-over between two runs', () => {
  it('one dispatcher, run after run: no second across a boundary holds more than the rate', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 64);
    const report = await seedReport(stack);
    const s = dispatchSetup(stack, { quota: quota14 }, { concurrency: 1, pageSize: 8 });
    const admitted: number[] = [];
    s.deps.mailer = recording(s.deps.mailer, s.clock, admitted);

    // As the dispatch handler chains them locally: the next run at once while readers are left.
    let chained = 0;
    for (;;) {
      const out = await dispatchDue(s.deps, s.settings, { owner: owner(), budgetMs: BUDGET_MS });
      if (out.reports[0]?.outcome !== 'continues') break;
      chained++;
    }

    expect(chained).toBeGreaterThanOrEqual(2);
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect(await reportItem(stack, report.reportId)).toMatchObject({ status: 'SENT', counts: { sent: 64 } });
    expect(admitted).toHaveLength(64);
    expect(busiest(admitted)).toBeLessThanOrEqual(14);
  });

  it('two workers, each run after run on its part: neither passes its share in any second (until the other finished), nor both the rate', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 64);
    const report = await seedReport(stack);
    const s = dispatchSetup(
      stack,
      { quota: quota14 },
      { concurrency: 1, pageSize: 8, maxWorkers: 2, workerRate: 7 },
    );
    const parts = dynamoPartStore(doc, stack.config.tables.reports);
    const { launcher, byPart, chained } = inProcessWorkers(s, parts, BUDGET_MS);
    const deps: DispatchDeps = { ...s.deps, fanOut: { parts, launcher } };

    const out = await dispatchDue(deps, s.settings, { owner: owner(), budgetMs: BUDGET_MS });

    expect(out.reports[0]).toMatchObject({ workers: 2 });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const item = await reportItem(stack, report.reportId);
    expect(item).toMatchObject({ status: 'SENT', counts: { sent: 64 } });
    // Each part's share follows its readers (7 each only when they are even).
    const weights = item?.partWeights ?? [];
    expect(weights.reduce((a, b) => a + b, 0)).toBe(64);
    // Each within its share until the other part's share is freed (dispatch-freed-share.test.ts).
    const finished = item?.partsFinished as { part: number; at: string }[];
    for (const part of [0, 1]) {
      expect(chained.get(part) ?? 0).toBeGreaterThanOrEqual(2);
      const freed = Date.parse(finished.find((f) => f.part !== part)!.at) + FREED_AFTER_MS;
      expect(busiest(byPart.get(part)!.filter((t) => t < freed))).toBeLessThanOrEqual(
        weightedShare(14, weights, part),
      );
    }
    expect(busiest([...byPart.values()].flat())).toBeLessThanOrEqual(14);
  });

  it("in one tick, the next report's run and the main send after a canary start from the last run's admissions", async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 30);
    // Due first, without a canary; then one whose canary has no wait: its main send follows the
    // sample in the same run.
    const first = await seedReport(stack, {
      sendAt: new Date('2029-12-01T00:00:00Z'),
      extra: { canaryRequested: false },
    });
    const second = await seedReport(stack, { sendAt: new Date('2029-12-02T00:00:00Z') });
    const s = dispatchSetup(
      stack,
      { quota: quota14, canary: dynamoCanaryStore(doc, stack.config.tables.reports) },
      {
        concurrency: 1,
        pageSize: 8,
        canary: {
          ...defaultCanarySettings,
          minAudience: 20,
          share: 0.2,
          minSize: 5,
          maxSize: 20,
          waitMs: 0,
          pageSize: 7,
        },
      },
    );
    const admitted: number[] = [];
    s.deps.mailer = recording(s.deps.mailer, s.clock, admitted);

    const out = await dispatchDue(s.deps, s.settings, { owner: owner(), budgetMs: 600_000 });

    expect(out.reports.map((r) => [r.reportId, r.outcome])).toEqual([
      [first.reportId, 'sent'],
      [second.reportId, 'sent'],
    ]);
    expect((await reportItem(stack, second.reportId))?.canary).toMatchObject({
      phase: 'judged',
      verdict: 'passed',
    });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 2));
    expect(admitted).toHaveLength(60);
    expect(busiest(admitted)).toBeLessThanOrEqual(14);
  });

  it('while workers send one report (launched, as on AWS, to run elsewhere), the tick starts no other at the full rate', async () => {
    const stack = await createTestStack();
    await seedConfirmed(stack, 20);
    const split = await seedReport(stack, { sendAt: new Date('2029-12-01T00:00:00Z') });
    const next = await seedReport(stack, { sendAt: new Date('2029-12-02T00:00:00Z') });
    const s = dispatchSetup(stack, { quota: quota14 }, { concurrency: 1, maxWorkers: 2, workerRate: 7 });
    const parts = dynamoPartStore(doc, stack.config.tables.reports);
    const launched: PartTask[] = [];
    // An asynchronous invocation: the workers are queued and send on their own.
    const launcher = { launch: async (task: PartTask) => void launched.push(task) };
    const deps: DispatchDeps = { ...s.deps, fanOut: { parts, launcher } };

    const out = await dispatchDue(deps, s.settings, { owner: owner(), budgetMs: 600_000 });

    expect(out.reports.map((r) => [r.reportId, r.outcome, r.workers])).toEqual([
      [split.reportId, 'continues', 2],
    ]);
    expect(launched).toHaveLength(2);
    expect(await reportItem(stack, next.reportId)).toMatchObject({
      status: 'SCHEDULED',
      counts: { sent: 0 },
    });
  });

  it.each([
    ['with', true],
    ['without', false],
  ])(
    'a report finished by its workers, then the next one started by a later tick on another instance (%s the last send recorded)',
    async (_, recorded) => {
      const stack = await createTestStack();
      const subs = await seedConfirmed(stack, 42);
      const split = await seedReport(stack, {
        sendAt: new Date('2029-12-01T00:00:00Z'),
        extra: { canaryRequested: false },
      });
      const lastSend = recorded ? { lastSend: dynamoLastSend(doc, stack.config.tables.reports) } : {};
      const s = dispatchSetup(
        stack,
        { quota: quota14, ...lastSend },
        { concurrency: 1, pageSize: 8, maxWorkers: 2, workerRate: 7 },
      );
      const admitted: number[] = [];
      const parts = dynamoPartStore(doc, stack.config.tables.reports);
      // Instance 1: the tick launches two workers, which send the first report to its end.
      const { launcher } = inProcessWorkers(s, parts, 600_000, admitted);
      const first = await dispatchDue({ ...s.deps, fanOut: { parts, launcher } }, s.settings, {
        owner: owner(),
        budgetMs: 600_000,
      });
      expect(first.reports.map((r) => [r.reportId, r.outcome])).toEqual([[split.reportId, 'sent']]);
      const endOfFirst = admitted.length;
      // Another report comes due just then.
      const next = await seedReport(stack, {
        sendAt: new Date('2029-12-02T00:00:00Z'),
        extra: { canaryRequested: false },
      });

      // Instance 2, at once (a tick due now), with its own ports and an empty lane: the next report,
      // sent by this run alone (one worker is enough for what is left of the rate).
      const other = dispatchSetup(
        stack,
        { quota: quota14, clock: s.clock, sleeper: s.clock, ...lastSend },
        { concurrency: 1, pageSize: 8 },
      );
      other.deps.mailer = recording(other.deps.mailer, s.clock, admitted);
      const second = await dispatchDue(other.deps, other.settings, { owner: owner(), budgetMs: 600_000 });

      expect(second.reports.map((r) => [r.reportId, r.outcome])).toEqual([[next.reportId, 'sent']]);
      expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 2));
      expect(admitted).toHaveLength(84);
      // The first report's last second held at least the share of the worker that ended last.
      const ended = Math.max(...admitted.slice(0, endOfFirst));
      expect(admitted.slice(0, endOfFirst).filter((t) => t > ended - 1000).length).toBeGreaterThanOrEqual(7);
      if (recorded) expect(busiest(admitted)).toBeLessThanOrEqual(14);
      // Without the record the second report's run starts on an empty window: the bound is passed.
      else expect(busiest(admitted)).toBeGreaterThan(14);
    },
  );

  it('parts of unequal size: each worker paces a share in proportion to its readers, never more', async () => {
    const stack = await createTestStack();
    // 36 readers in the first part's shards (0–7), 12 in the second's (8–15).
    const { subs, report, s } = await twoPartSend(stack, [36, 12]);
    const parts = dynamoPartStore(doc, stack.config.tables.reports);
    const { launcher, byPart } = inProcessWorkers(s, parts, 600_000);

    const out = await dispatchDue({ ...s.deps, fanOut: { parts, launcher } }, s.settings, {
      owner: owner(),
      budgetMs: 600_000,
    });

    expect(out.reports[0]).toMatchObject({ workers: 2, outcome: 'sent' });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect((await reportItem(stack, report.reportId))?.partWeights).toEqual([36, 12]);
    const shares = [0, 1].map((k) => weightedShare(14, [36, 12], k));
    expect(shares).toEqual([10, 4]);
    // Each within its share until the other part's share is freed (dispatch-freed-share.test.ts).
    const finished = (await reportItem(stack, report.reportId))?.partsFinished as {
      part: number;
      at: string;
    }[];
    expect(finished.map((f) => f.part).sort()).toEqual([0, 1]);
    for (const k of [0, 1]) {
      const freed = Date.parse(finished.find((f) => f.part !== k)!.at) + FREED_AFTER_MS;
      expect(busiest(byPart.get(k)!.filter((t) => t < freed))).toBeLessThanOrEqual(shares[k]!);
    }
    const all = [...byPart.values()].flat();
    expect(busiest(all)).toBeLessThanOrEqual(14);
    // The bigger part's worker really paces above an equal share (7): the shares are in effect.
    expect(busiest(byPart.get(0)!)).toBeGreaterThan(7);
  });
});
