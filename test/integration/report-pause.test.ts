/**
 * `kawaraban report pause`, and what `resume` does after each kind of pause (a person's, one
 * before the report started, the reputation guard's), through the real command line entry and
 * dispatcher against this file's tables in DynamoDB Local and the SES emulator.
 */
import { describe, expect, it } from 'vitest';
import type { TestStack } from '../helpers/stack.ts';
import { cliWithStackPerTest } from '../helpers/cli.ts';
import { doc, ledgerRows, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { dispatchRun, dispatchSetup, sentCounts } from '../helpers/dispatch-setup.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { OPERATOR_PAUSE_REASON, pauseReport } from '../../functions/core/use-cases/report-control.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import type { ReportStatus } from '../../functions/core/report.ts';

let stack: TestStack;
const cli = cliWithStackPerTest((s) => (stack = s));
const store = () => dynamoReportStore(doc, stack.config.tables.reports);
const dispatch = (
  over: Parameters<typeof dispatchSetup>[1] = {},
  settings: Parameters<typeof dispatchSetup>[2] = {},
) => {
  const { deps, settings: s } = dispatchSetup(stack, over, settings);
  return dispatchDue(deps, s, dispatchRun());
};

/** Adds to the report's counters as SES events would. */
async function addCounts(reportId: string, add: { bounced?: number; complained?: number }) {
  await doc.update({
    TableName: stack.env.REPORTS_TABLE,
    Key: { reportId, item: 'report' },
    UpdateExpression: 'ADD bounced :b, complained :c',
    ExpressionAttributeValues: { ':b': add.bounced ?? 0, ':c': add.complained ?? 0 },
  });
}

describe('kawaraban report pause', () => {
  it('holds a SCHEDULED report; resume makes it SCHEDULED again (it had not started) and it then goes out', async () => {
    const subs = await seedConfirmed(stack, 4);
    const report = await seedReport(stack);

    const paused = await cli('report', 'pause', report.reportId);

    expect(paused.code).toBe(0);
    expect(paused.out).toContain(`一時停止しました: ${report.reportId}`);
    expect(paused.out).toMatch(/^status\s+PAUSED$/m);
    expect(await store().get(report.reportId)).toMatchObject({
      status: 'PAUSED',
      pauseKind: 'operator',
      pauseReason: OPERATOR_PAUSE_REASON,
    });
    expect((await dispatch()).reports).toEqual([]);
    expect(await sentCounts(subs.map((s) => s.email))).toEqual([0, 0, 0, 0]);

    const resumed = await cli('report', 'resume', report.reportId);

    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('配信予約 (SCHEDULED) に戻しました');
    const record = await store().get(report.reportId);
    expect(record?.status).toBe('SCHEDULED');
    expect(record?.pauseReason).toBeUndefined();
    expect(record?.pauseKind).toBeUndefined();
    expect((await dispatch()).reports[0]).toMatchObject({ outcome: 'sent', sent: 4 });
    expect(await sentCounts(subs.map((s) => s.email))).toEqual([1, 1, 1, 1]);
  });

  it('stops a send under way before its next page; resume sends the rest, nobody twice', async () => {
    const subs = await seedConfirmed(stack, 12);
    const report = await seedReport(stack);
    const base = dispatchSetup(stack);
    let calls = 0;
    // A person pauses it while the third message of the first page is going out.
    const mailer: Mailer = {
      async send(m) {
        if (++calls === 3)
          expect(
            await pauseReport({ reports: store(), clock: { now: () => new Date() } }, report.reportId),
          ).toMatchObject({ kind: 'changed' });
        return base.deps.mailer.send(m);
      },
    };

    const first = await dispatch({ mailer }, { pageSize: 5 });

    // The page under way (readers sit in shards: a page is at most one shard's) finishes; the next does not start.
    expect(first.reports[0]).toMatchObject({ reportId: report.reportId, outcome: 'lease-lost' });
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThan(12);
    expect((await sentCounts(subs.map((s) => s.email))).filter((n) => n === 1)).toHaveLength(calls);
    const afterPause = await store().get(report.reportId);
    expect(afterPause).toMatchObject({ status: 'PAUSED', pauseKind: 'operator' });
    expect(afterPause?.leaseOwner).toBeUndefined();
    expect((await dispatch()).reports).toEqual([]);

    const resumed = await cli('report', 'resume', report.reportId);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`再開しました: ${report.reportId}（次の配信処理で`);
    expect(resumed.out).toMatch(/^status\s+SENDING$/m);

    expect((await dispatch()).reports[0]).toMatchObject({ outcome: 'sent' });
    expect(await sentCounts(subs.map((s) => s.email))).toEqual(subs.map(() => 1));
    expect((await store().get(report.reportId))?.counts).toMatchObject({ sent: 12, failed: 0 });
    expect((await ledgerRows(stack, report.reportId)).map((r) => r.state)).toEqual(subs.map(() => 'sent'));
  });

  it('a report leased while the 24-hour quota was spent has not started: resume brings it back to SCHEDULED', async () => {
    const subs = await seedConfirmed(stack, 3);
    const report = await seedReport(stack);
    const spent = {
      getQuota: async () => ({
        maxSendRate: 10,
        max24HourSend: 200,
        sentLast24Hours: 200,
        sendingEnabled: true,
      }),
    };

    expect((await dispatch({ quota: spent })).reports[0]).toMatchObject({ outcome: 'quota' });
    const waiting = await store().get(report.reportId);
    expect(waiting?.status).toBe('SENDING');
    expect(waiting?.startedAt).toBeUndefined();

    expect((await cli('report', 'pause', report.reportId)).code).toBe(0);
    expect((await cli('report', 'resume', report.reportId)).out).toContain(
      '配信予約 (SCHEDULED) に戻しました',
    );
    expect((await dispatch()).reports[0]).toMatchObject({ outcome: 'sent', sent: 3 });
    expect((await store().get(report.reportId))?.startedAt).toEqual(expect.any(String));
    expect(await sentCounts(subs.map((s) => s.email))).toEqual([1, 1, 1]);
  });

  it.each(['PAUSED', 'SENT', 'REJECTED', 'CANCELED'] as ReportStatus[])(
    'refuses a %s report and changes nothing',
    async (status) => {
      const report = await seedReport(stack, { status });
      const before = await store().get(report.reportId);
      const { code, out, err } = await cli('report', 'pause', report.reportId);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toContain(`一時停止できません: ${report.reportId} は ${status} です`);
      expect(await store().get(report.reportId)).toEqual(before);
    },
  );

  it('exits 1 for an unknown report and for something that is not an id, writing nothing', async () => {
    const unknown = await cli('report', 'pause', 'no-such-report');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('報告が見つかりません: no-such-report');
    expect(await store().get('no-such-report')).toBeNull();
    const bad = await cli('report', 'pause', 'Not/An/Id');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('報告の id ではありません');
  });
});

describe('kawaraban report resume after the reputation guard', () => {
  // The guard as deployed, but judged after 5 sends so that a test needs only a few readers.
  const guard = {
    maxBounceRate: 0.05,
    maxComplaintRate: 0.001,
    minSendsForBounceRate: 5,
    minSendsForComplaintRate: 1000,
  };

  it('restarts the guard window at the resume, says so, and pauses again only on new bounces', async () => {
    const subs = await seedConfirmed(stack, 12);
    // Stopped once already: 300 sent, 30 bounced (10 %), from an earlier run.
    const report = await seedReport(stack, {
      status: 'SENDING',
      extra: {
        startedAt: '2030-04-01T00:00:00.000Z',
        counts: {
          audience: 312,
          sent: 300,
          delivered: 0,
          bounced: 30,
          softBounced: 0,
          complained: 0,
          failed: 0,
        },
      },
    });
    const guarded = await dispatch({}, { reputation: guard, pageSize: 5 });
    expect(guarded.reports[0]).toMatchObject({ outcome: 'paused' });
    const paused = await store().get(report.reportId);
    expect(paused).toMatchObject({ status: 'PAUSED', pauseKind: 'reputation' });
    expect(paused?.pauseReason).toContain('reputation guard: bounce rate 10.00 % (30/300)');

    // Without the window, resuming would only pause again at the first page.
    const { code, out } = await cli('report', 'resume', report.reportId);
    expect(code).toBe(0);
    expect(out).toContain(
      '注意: この報告は評判ガードで止まっていました（reputation guard: bounce rate 10.00 % (30/300)',
    );
    expect(out).toMatch(/^guardSince\s+sent 300, bounced 30, complained 0$/m);
    expect(await store().get(report.reportId)).toMatchObject({
      status: 'SENDING',
      guardSince: { sent: 300, bounced: 30, complained: 0 },
    });

    // After the first page of the resumed send, 3 of its 5 messages bounce.
    const base = dispatchSetup(stack);
    let calls = 0;
    const mailer: Mailer = {
      async send(m) {
        if (++calls === 6) await addCounts(report.reportId, { bounced: 3 });
        return base.deps.mailer.send(m);
      },
    };
    const again = await dispatch({ mailer }, { reputation: guard, pageSize: 5 });

    expect(again.reports[0]).toMatchObject({ outcome: 'paused' });
    const second = await store().get(report.reportId);
    expect(second).toMatchObject({ status: 'PAUSED', pauseKind: 'reputation' });
    expect(second?.pauseReason).toMatch(
      /^reputation guard: bounce rate since the resume \d+\.\d\d % \(3\/\d+\)/,
    );
    // The window still starts where the person resumed it.
    expect(second?.guardSince).toEqual({ sent: 300, bounced: 30, complained: 0 });
    const got = await sentCounts(subs.map((s) => s.email));
    expect(got.every((n) => n <= 1)).toBe(true);
    expect(got.filter((n) => n === 1).length).toBeGreaterThanOrEqual(5);
    expect(got.filter((n) => n === 1).length).toBeLessThan(12);
  });

  it('a resume after any other pause keeps the guard window as it was', async () => {
    const report = await seedReport(stack, {
      status: 'PAUSED',
      extra: {
        startedAt: '2030-04-01T00:00:00.000Z',
        pauseKind: 'dispatcher',
        pauseReason: 'SES sending is disabled for this account',
      },
    });
    const { code, out } = await cli('report', 'resume', report.reportId);
    expect(code).toBe(0);
    expect(out).not.toContain('評判ガード');
    const resumed = await store().get(report.reportId);
    expect(resumed?.status).toBe('SENDING');
    expect(resumed?.guardSince).toBeUndefined();
  });
});
