/**
 * A report whose dispatcher runs keep failing is paused for a person after `maxFailedRuns` in
 * a row, instead of being retried every tick forever. The fault comes from a wrapper around the
 * real DynamoDB audience (a throttled GSI query, which DynamoDB Local never produces).
 */
import { describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import { sentTo } from '../helpers/inbox.ts';
import { doc, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { dispatchRun, dispatchSetup, sentCounts } from '../helpers/dispatch-setup.ts';
import { dynamoAudience } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { resumeReport } from '../../functions/core/use-cases/report-control.ts';
import type { Audience } from '../../functions/core/use-cases/sending-ports.ts';
import { dynamoError } from '../helpers/faulty-dynamo.ts';

/** The real audience, whose pages fail while `failing` is set. */
function flakyAudience(stack: TestStack) {
  const real = dynamoAudience(doc, stack.config.tables.subscribers);
  const state = { failing: true };
  const audience: Audience = {
    countConfirmed: () => real.countConfirmed(),
    after: (shard, r) => real.after(shard, r),
    page: (shard, start, limit) =>
      state.failing
        ? Promise.reject(
            dynamoError('ProvisionedThroughputExceededException', {
              message: 'The level of configured provisioned throughput for the index was exceeded',
            }),
          )
        : real.page(shard, start, limit),
  };
  return { audience, state };
}

const store = (stack: TestStack) => dynamoReportStore(doc, stack.config.tables.reports);

describe('dispatchDue: failed runs in a row', () => {
  it('counts failed runs and pauses the report with the reason after five, telling the editors', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 6);
    const report = await seedReport(stack);
    const { audience, state } = flakyAudience(stack);
    const { deps, settings } = dispatchSetup(stack, { audience });

    for (let n = 1; n <= 4; n++) {
      const summary = await dispatchDue(deps, settings, dispatchRun());
      expect(summary.reports[0]).toMatchObject({ reportId: report.reportId, outcome: 'error' });
      expect(await store(stack).get(report.reportId)).toMatchObject({ status: 'SENDING', failedRuns: n });
    }
    expect(await sentTo(stack.config.editors[0]!)).toEqual([]);

    const fifth = await dispatchDue(deps, settings, dispatchRun());

    expect(fifth.reports[0]).toMatchObject({ outcome: 'paused' });
    const paused = await store(stack).get(report.reportId);
    expect(paused?.status).toBe('PAUSED');
    expect(paused?.leaseOwner).toBeUndefined();
    expect(paused?.pauseReason).toMatch(
      /^5 dispatcher runs in a row failed, last: ProvisionedThroughputExceededException: /,
    );
    const notices = await sentTo(stack.config.editors[0]!);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body.text).toContain('ProvisionedThroughputExceededException');
    // Paused: the next tick leaves it alone.
    expect((await dispatchDue(deps, settings, dispatchRun())).reports).toEqual([]);
    expect(await sentCounts(subs.map((s) => s.email))).toEqual(subs.map(() => 0));

    // A person resumes once the fault is gone: a fresh count, and the report goes out.
    state.failing = false;
    const resumed = await resumeReport({ reports: store(stack), clock: deps.clock }, report.reportId);
    expect(resumed.kind).toBe('changed');
    expect((await store(stack).get(report.reportId))?.failedRuns).toBeUndefined();
    expect((await dispatchDue(deps, settings, dispatchRun())).reports[0]).toMatchObject({
      outcome: 'sent',
      sent: 6,
    });
    expect(await sentCounts(subs.map((s) => s.email))).toEqual(subs.map(() => 1));
  });

  it('starts counting again after a run that saves a page', async () => {
    const stack = await createTestStack();
    await seedConfirmed(stack, 40);
    const report = await seedReport(stack);
    const { audience, state } = flakyAudience(stack);
    const slow = {
      getQuota: async () => ({
        maxSendRate: 10,
        max24HourSend: 1_000_000,
        sentLast24Hours: 0,
        sendingEnabled: true,
      }),
    };
    const { deps, settings } = dispatchSetup(stack, { audience, quota: slow });
    settings.maxFailedRuns = 3;

    for (let n = 1; n <= 2; n++) await dispatchDue(deps, settings, dispatchRun());
    expect((await store(stack).get(report.reportId))?.failedRuns).toBe(2);

    // A healthy run that only gets part of the way (10 messages/s, 1.5 s) but saves pages.
    state.failing = false;
    expect((await dispatchDue(deps, settings, dispatchRun(1500))).reports[0]?.outcome).toBe('continues');
    const between = await store(stack).get(report.reportId);
    expect(between?.failedRuns).toBeUndefined();
    expect(between?.counts.sent).toBeGreaterThan(0);

    state.failing = true;
    for (let n = 1; n <= 2; n++) await dispatchDue(deps, settings, dispatchRun());
    expect(await store(stack).get(report.reportId)).toMatchObject({ status: 'SENDING', failedRuns: 2 });
    expect((await dispatchDue(deps, settings, dispatchRun())).reports[0]?.outcome).toBe('paused');
    expect((await store(stack).get(report.reportId))?.pauseReason).toMatch(
      /^3 dispatcher runs in a row failed/,
    );
  });
});
