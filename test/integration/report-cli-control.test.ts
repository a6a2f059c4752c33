/**
 * `kawaraban report resume | cancel` through the real command line entry, against this file's
 * own tables in DynamoDB Local, with the dispatcher running before and after.
 */
import { describe, expect, it } from 'vitest';
import { SendingPausedException } from '@aws-sdk/client-sesv2';
import type { TestStack } from '../helpers/stack.ts';
import { cliWithStackPerTest } from '../helpers/cli.ts';
import { doc, ledgerRows, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { dispatchRun, dispatchSetup, sentCounts } from '../helpers/dispatch-setup.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import type { ReportStatus } from '../../functions/core/report.ts';

let stack: TestStack;
const cli = cliWithStackPerTest((s) => (stack = s));

const store = () => dynamoReportStore(doc, stack.config.tables.reports);

/** A report paused by SES after `sentBefore` messages, with `n` confirmed readers. */
async function pausedMidSend(n: number, sentBefore: number) {
  const subs = await seedConfirmed(stack, n);
  const report = await seedReport(stack);
  const base = dispatchSetup(stack);
  let calls = 0;
  const mailer: Mailer = {
    async send(m) {
      if (++calls > sentBefore)
        throw new SendingPausedException({ message: 'Sending is paused for this account.', $metadata: {} });
      return base.deps.mailer.send(m);
    },
  };
  const { deps, settings } = dispatchSetup(stack, { mailer });
  const summary = await dispatchDue(deps, settings, dispatchRun());
  expect(summary.reports[0]).toMatchObject({
    reportId: report.reportId,
    outcome: 'paused',
    sent: sentBefore,
  });
  return { subs, report };
}

describe('kawaraban report resume', () => {
  it('moves a PAUSED report to SENDING; the next tick sends the rest from the cursor, nobody twice', async () => {
    const { subs, report } = await pausedMidSend(12, 7);
    const paused = await store().get(report.reportId);
    expect(paused?.status).toBe('PAUSED');
    // Counted up to the last saved page; the page under way is redone on resume.
    const savedSent = paused!.counts.sent;
    expect(savedSent).toBeGreaterThan(0);
    expect(savedSent).toBeLessThanOrEqual(7);
    expect(paused?.cursor).toBeDefined();
    // Paused waits for a person: the dispatcher leaves it alone.
    expect(
      (await dispatchDue(dispatchSetup(stack).deps, dispatchSetup(stack).settings, dispatchRun())).reports,
    ).toEqual([]);

    const { code, out } = await cli('report', 'resume', report.reportId);

    expect(code).toBe(0);
    expect(out).toContain(`再開しました: ${report.reportId}`);
    expect(out).toMatch(/^status\s+SENDING$/m);
    expect(out).toMatch(new RegExp(`^sent\\s+${savedSent}$`, 'm'));
    const resumed = await store().get(report.reportId);
    expect(resumed).toMatchObject({ status: 'SENDING', cursor: paused?.cursor });
    expect(resumed?.pauseReason).toBeUndefined();

    const { deps, settings } = dispatchSetup(stack);
    const summary = await dispatchDue(deps, settings, dispatchRun());
    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 12 - 7 });
    expect(await sentCounts(subs.map((s) => s.email))).toEqual(subs.map(() => 1));
    expect((await store().get(report.reportId))?.counts).toMatchObject({ sent: 12, failed: 0 });
    expect((await ledgerRows(stack, report.reportId)).map((r) => r.state)).toEqual(subs.map(() => 'sent'));
    // The table's TTL attribute is for upload receipts only: never on the report item or a ledger row.
    const items = (await doc.scan({ TableName: stack.env.REPORTS_TABLE, ConsistentRead: true })).Items ?? [];
    expect(items.filter((i) => String(i.item).startsWith('to#'))).toHaveLength(12);
    expect(items.filter((i) => 'expiresAt' in i)).toEqual([]);
  });

  it('lets only one of two simultaneous resumes through', async () => {
    const report = await seedReport(stack, {
      status: 'PAUSED',
      extra: { pauseReason: 'test', startedAt: new Date().toISOString() },
    });
    const reports = store();
    const { resumeReport } = await import('../../functions/core/use-cases/report-control.ts');
    const deps = { reports, clock: { now: () => new Date() } };
    const outcomes = await Promise.all([
      resumeReport(deps, report.reportId),
      resumeReport(deps, report.reportId),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['changed', 'refused']);
    expect(outcomes.find((o) => o.kind === 'refused')).toEqual({ kind: 'refused', status: 'SENDING' });
  });

  it.each(['SCHEDULED', 'SENDING', 'SENT', 'REJECTED', 'CANCELED'] as ReportStatus[])(
    'refuses a %s report and changes nothing',
    async (status) => {
      const report = await seedReport(stack, { status });
      const before = await store().get(report.reportId);
      const { code, out, err } = await cli('report', 'resume', report.reportId);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toContain(`再開できません: ${report.reportId} は ${status} です`);
      expect(await store().get(report.reportId)).toEqual(before);
    },
  );

  it('exits 1 for an unknown report and for something that is not an id, writing nothing', async () => {
    const unknown = await cli('report', 'resume', 'no-such-report');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('報告が見つかりません: no-such-report');
    expect(await store().get('no-such-report')).toBeNull();
    const bad = await cli('report', 'resume', '../Etc');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('報告の id ではありません');
  });
});

describe('kawaraban report cancel', () => {
  it('cancels a PAUSED report: the dispatcher never sends it again', async () => {
    const { subs, report } = await pausedMidSend(8, 3);
    const savedSent = (await store().get(report.reportId))!.counts.sent;
    const { code, out } = await cli('report', 'cancel', report.reportId);
    expect(code).toBe(0);
    expect(out).toContain(`取り消しました: ${report.reportId}`);
    expect(out).toMatch(/^status\s+CANCELED$/m);
    expect(out).toMatch(new RegExp(`^sent\\s+${savedSent}$`, 'm'));

    const { deps, settings } = dispatchSetup(stack);
    expect((await dispatchDue(deps, settings, dispatchRun())).reports).toEqual([]);
    expect((await sentCounts(subs.map((s) => s.email))).reduce((a, b) => a + b, 0)).toBe(3);
    expect((await store().get(report.reportId))?.status).toBe('CANCELED');
  });

  it('cancels a SCHEDULED report before it starts', async () => {
    const subs = await seedConfirmed(stack, 3);
    const report = await seedReport(stack);
    expect((await cli('report', 'cancel', report.reportId)).code).toBe(0);
    const { deps, settings } = dispatchSetup(stack);
    expect((await dispatchDue(deps, settings, dispatchRun())).reports).toEqual([]);
    expect(await sentCounts(subs.map((s) => s.email))).toEqual([0, 0, 0]);
  });

  it("stops a report that is SENDING at the dispatcher's next check", async () => {
    const subs = await seedConfirmed(stack, 20);
    const report = await seedReport(stack);
    const base = dispatchSetup(stack);
    let sends = 0;
    let cancel: Awaited<ReturnType<typeof cli>> | undefined;
    const mailer: Mailer = {
      async send(m) {
        const out = await base.deps.mailer.send(m);
        // The operator cancels right after the first message, while the dispatcher holds the lease.
        if (++sends === 1) cancel = await cli('report', 'cancel', report.reportId);
        return out;
      },
    };
    const { deps, settings } = dispatchSetup(stack, { mailer });

    const summary = await dispatchDue(deps, settings, dispatchRun());

    expect(cancel?.code).toBe(0);
    expect(summary.reports[0]?.outcome).toBe('lease-lost');
    expect(sends).toBeLessThanOrEqual(settings.pageSize!);
    expect((await sentCounts(subs.map((s) => s.email))).reduce((a, b) => a + b, 0)).toBe(sends);
    const after = await store().get(report.reportId);
    expect(after?.status).toBe('CANCELED');
    expect(after?.leaseOwner).toBeUndefined();
  });

  it.each(['SENT', 'REJECTED', 'CANCELED'] as ReportStatus[])(
    'refuses a %s report and changes nothing',
    async (status) => {
      const report = await seedReport(stack, { status });
      const before = await store().get(report.reportId);
      const { code, out, err } = await cli('report', 'cancel', report.reportId);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toContain(`取り消せません: ${report.reportId} は ${status} です`);
      expect(await store().get(report.reportId)).toEqual(before);
    },
  );

  it('exits 1 for an unknown report, writing nothing', async () => {
    const unknown = await cli('report', 'cancel', 'no-such-report-2');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('報告が見つかりません: no-such-report-2');
    expect(await store().get('no-such-report-2')).toBeNull();
  });
});
