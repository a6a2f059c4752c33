/**
 * The canary against DynamoDB Local and the SES emulator, in virtual time: a report to an
 * audience over the threshold goes to its sample first, waits, and the reputation guard judges
 * the sample's bounces and complaints (recorded by the real SES-event use case) before the rest
 * is sent — by one run or by parallel workers — with nobody sent twice.
 */
import { describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import { countsFor, dispatchRun, dispatchSetup, inbox, reportItem } from '../helpers/dispatch-setup.ts';
import { doc, ledgerRows, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { dynamoCanaryStore } from '../../functions/adapters/dynamo-canary-store.ts';
import { dynamoLedger } from '../../functions/adapters/dynamo-ledger.ts';
import { dynamoPartStore } from '../../functions/adapters/dynamo-part-store.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { dynamoSubscriberFeedback } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import { defaultCanarySettings, inSample, type CanarySettings } from '../../functions/core/canary.ts';
import type { Subscriber } from '../../functions/core/subscriber.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { sendPart } from '../../functions/core/use-cases/fan-out.ts';
import type { PartTask } from '../../functions/core/use-cases/fan-out-ports.ts';
import { recordSesEvent } from '../../functions/core/use-cases/record-ses-event.ts';
import { cancelReport, pauseReport, resumeReport } from '../../functions/core/use-cases/report-control.ts';

const WAIT_MS = 30 * 60_000;

/** 60 readers over a threshold of 20: a sample of 12 (share 0.2, bounded to 5–20), read 7 to a page. */
const canarySettings: CanarySettings = {
  ...defaultCanarySettings,
  minAudience: 20,
  share: 0.2,
  minSize: 5,
  maxSize: 20,
  waitMs: WAIT_MS,
  pageSize: 7,
};

function setup(stack: TestStack, over: Partial<CanarySettings> = {}) {
  const s = dispatchSetup(
    stack,
    { canary: dynamoCanaryStore(doc, stack.config.tables.reports) },
    { concurrency: 4, canary: { ...canarySettings, ...over } },
  );
  const tick = () => dispatchDue(s.deps, s.settings, dispatchRun());
  const control = { reports: dynamoReportStore(doc, stack.config.tables.reports), clock: s.clock };
  return { ...s, tick, control };
}

const sampleOf = (reportId: string, subs: Subscriber[], fraction: number) =>
  subs.filter((s) => inSample(reportId, s.id, fraction));

/** A bounce or complaint for `email` on this report, through the same use case as the ses-events function. */
async function feedback(
  stack: TestStack,
  reportId: string,
  email: string,
  kind: 'hard-bounce' | 'complaint',
) {
  const rows = await ledgerRows(stack, reportId);
  const row = rows.find((r) => r.item === `to#${email}`);
  await recordSesEvent(
    {
      ledger: dynamoLedger(doc, stack.config.tables),
      subscribers: dynamoSubscriberFeedback(doc, stack.config.tables.subscribers),
      mailboxes: dynamoRateLimitStore(doc, stack.config.tables.subscribers),
      clock: { now: () => new Date('2030-04-01T00:05:00Z') },
    },
    {
      kind,
      type: kind === 'complaint' ? 'Complaint' : 'Bounce',
      messageId: String(row?.messageId ?? 'unknown'),
      eventId: `${kind}-${email}`,
      reportId,
      mailKind: 'newsletter',
      recipients: [email],
      at: '2030-04-01T00:05:00.000Z',
      reason: kind === 'complaint' ? 'abuse' : 'Permanent/General 5.1.1',
    },
  );
}

/** Paused notices about this report in the editors' inbox. */
async function pausedNotices(stack: TestStack, reportId: string): Promise<string[]> {
  const box = await inbox();
  return (box.get(stack.config.editors[0]!) ?? [])
    .filter((m) => (m.body.text ?? '').includes(reportId) && /paused|一時停止/.test(m.subject))
    .map((m) => m.body.text ?? '');
}

describe('the canary', () => {
  it('sends only the sample, nobody else before the wait ends, then everyone else once', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = setup(stack);

    const first = await s.tick();

    expect(first.reports[0]?.outcome).toBe('canary-wait');
    const waiting = await reportItem(stack, report.reportId);
    expect(waiting?.canary).toMatchObject({ phase: 'waiting', audience: 60, size: 12, fraction: 0.2 });
    const sample = sampleOf(report.reportId, subs, 0.2);
    expect(sample.length).toBeGreaterThan(0);
    const inSampleSet = new Set(sample.map((x) => x.email));
    expect(countsFor(await inbox(), subs)).toEqual(subs.map((x) => (inSampleSet.has(x.email) ? 1 : 0)));
    expect(waiting).toMatchObject({ status: 'SENDING', counts: { sent: sample.length } });
    expect(Date.parse(waiting!.canary!.until!) - s.clock.now().getTime()).toBe(WAIT_MS);
    expect(waiting?.cursor).toBeUndefined();

    // Ticks during the wait send nothing.
    s.clock.advance(WAIT_MS - 60_000);
    expect((await s.tick()).reports[0]?.outcome).toBe('canary-wait');
    expect(countsFor(await inbox(), subs)).toEqual(subs.map((x) => (inSampleSet.has(x.email) ? 1 : 0)));

    // One bounce is no pattern: the sample passes.
    await feedback(stack, report.reportId, sample[0]!.email, 'hard-bounce');
    s.clock.advance(60_000);
    const last = await s.tick();

    expect(last.reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const done = await reportItem(stack, report.reportId);
    expect(done).toMatchObject({
      status: 'SENT',
      counts: { sent: 60, failed: 0, bounced: 1 },
      canary: {
        phase: 'judged',
        verdict: 'passed',
        counts: { sent: sample.length, bounced: 1, complained: 0 },
      },
    });
    expect((await ledgerRows(stack, report.reportId)).length).toBe(60);
  });

  it('pauses the report when the sample bounces over the guard: nobody outside it was sent, resume sends the rest once', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = setup(stack);

    await s.tick();
    const sample = sampleOf(report.reportId, subs, 0.2);
    expect(sample.length).toBeGreaterThanOrEqual(2);
    for (const x of sample.slice(0, 2)) await feedback(stack, report.reportId, x.email, 'hard-bounce');
    s.clock.advance(WAIT_MS);
    const judged = await s.tick();

    expect(judged.reports[0]).toMatchObject({ outcome: 'paused' });
    const paused = await reportItem(stack, report.reportId);
    expect(paused).toMatchObject({
      status: 'PAUSED',
      pauseKind: 'reputation',
      canary: { phase: 'judged', verdict: 'failed', counts: { sent: sample.length, bounced: 2 } },
    });
    expect(paused?.pauseReason).toMatch(/^canary sample: bounce rate/);
    expect(paused?.leaseOwner).toBeUndefined();
    const inSampleSet = new Set(sample.map((x) => x.email));
    expect(countsFor(await inbox(), subs)).toEqual(subs.map((x) => (inSampleSet.has(x.email) ? 1 : 0)));
    const notices = await pausedNotices(stack, report.reportId);
    expect(notices.length).toBe(1);
    expect(notices[0]).toMatch(/canary sample/);
    // Ticks while paused do nothing.
    expect((await s.tick()).reports).toEqual([]);

    // A person looked and resumes: the rest goes out; the bounced readers are suppressed now.
    expect((await resumeReport(s.control, report.reportId)).kind).toBe('changed');
    expect((await s.tick()).reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const after = await reportItem(stack, report.reportId);
    expect(after).toMatchObject({ status: 'SENT', counts: { sent: 60, bounced: 2 } });
  });

  it('pauses on two complaints in the sample', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = setup(stack);

    await s.tick();
    const sample = sampleOf(report.reportId, subs, 0.2);
    for (const x of sample.slice(0, 2)) await feedback(stack, report.reportId, x.email, 'complaint');
    s.clock.advance(WAIT_MS);
    expect((await s.tick()).reports[0]?.outcome).toBe('paused');
    const paused = await reportItem(stack, report.reportId);
    expect(paused?.pauseReason).toMatch(/^canary sample: complaint rate/);
    expect(countsFor(await inbox(), subs).reduce((a, b) => a + b, 0)).toBe(sample.length);
  });

  it('skips the canary for an audience at or under the threshold, and for a report that says "canary": false', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 20);
    const small = await seedReport(stack);
    const s = setup(stack);

    expect((await s.tick()).reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect((await reportItem(stack, small.reportId))?.canary).toEqual({
      phase: 'skipped',
      audience: 20,
      skipped: 'small',
    });

    const more = await seedConfirmed(stack, 10, 'more');
    const optedOut = await seedReport(stack, { extra: { canaryRequested: false } });
    const out = await s.tick();
    expect(out.reports.find((r) => r.reportId === optedOut.reportId)?.outcome).toBe('sent');
    expect((await reportItem(stack, optedOut.reportId))?.canary).toMatchObject({
      phase: 'skipped',
      skipped: 'report',
    });
    expect(countsFor(await inbox(), more)).toEqual(more.map(() => 1));
  });

  it('sends nothing more after a cancel during the wait; a pause during the wait holds the rest until resumed', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const canceled = await seedReport(stack);
    const s = setup(stack);

    await s.tick();
    const before = countsFor(await inbox(), subs);
    expect((await cancelReport(s.control, canceled.reportId)).kind).toBe('changed');
    s.clock.advance(2 * WAIT_MS);
    expect((await s.tick()).reports).toEqual([]);
    expect(countsFor(await inbox(), subs)).toEqual(before);
    expect((await reportItem(stack, canceled.reportId))?.canary?.phase).toBe('waiting');

    const held = await seedReport(stack, { sendAt: s.clock.now() });
    await s.tick();
    expect((await reportItem(stack, held.reportId))?.canary?.phase).toBe('waiting');
    expect((await pauseReport(s.control, held.reportId)).kind).toBe('changed');
    s.clock.advance(WAIT_MS);
    expect((await s.tick()).reports).toEqual([]);
    expect((await reportItem(stack, held.reportId))?.counts.sent).toBeLessThan(60);
    // Resumed after the wait: judged at once, and the rest goes out.
    await resumeReport(s.control, held.reportId);
    expect((await s.tick()).reports[0]?.outcome).toBe('sent');
    expect((await reportItem(stack, held.reportId))?.counts.sent).toBe(60);
  });

  it('a pause while the sample is sent stops it; resume finishes the sample only, then the wait', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = setup(stack);
    const real = s.deps.mailer;
    let sends = 0;
    s.deps.mailer = {
      async send(m) {
        const out = await real.send(m);
        if (++sends === 1) await pauseReport(s.control, report.reportId);
        return out;
      },
    };

    await s.tick();
    const paused = await reportItem(stack, report.reportId);
    expect(paused).toMatchObject({ status: 'PAUSED', canary: { phase: 'sending' } });
    const sample = sampleOf(report.reportId, subs, 0.2);
    expect(paused!.counts.sent).toBeLessThan(sample.length);

    await resumeReport(s.control, report.reportId);
    expect((await s.tick()).reports[0]?.outcome).toBe('canary-wait');
    const inSampleSet = new Set(sample.map((x) => x.email));
    expect(countsFor(await inbox(), subs)).toEqual(subs.map((x) => (inSampleSet.has(x.email) ? 1 : 0)));
    expect(await reportItem(stack, report.reportId)).toMatchObject({
      status: 'SENDING',
      counts: { sent: sample.length },
      canary: { phase: 'waiting' },
    });
  });

  it('a run that fails mid-sample leaves the rest to the next run, which picks the same sample: nobody else before the wait', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = setup(stack);
    const real = s.deps.mailer;
    let sends = 0;
    s.deps.mailer = {
      async send(m) {
        // The third send times out: it may have gone out, so its claim is kept and the run ends.
        if (++sends === 3) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return real.send(m);
      },
    };

    expect((await s.tick()).reports[0]?.outcome).toBe('error');
    expect((await reportItem(stack, report.reportId))?.canary?.phase).toBe('sending');
    s.clock.advance(10 * 60_000);
    expect((await s.tick()).reports[0]?.outcome).toBe('canary-wait');

    const sample = sampleOf(report.reportId, subs, 0.2);
    const inSampleSet = new Set(sample.map((x) => x.email));
    expect(countsFor(await inbox(), subs)).toEqual(subs.map((x) => (inSampleSet.has(x.email) ? 1 : 0)));
    expect(await reportItem(stack, report.reportId)).toMatchObject({
      counts: { sent: sample.length },
      canary: { phase: 'waiting', size: 12 },
    });
  });

  it('the rest goes out through parallel workers after the sample: every reader exactly once, counts right', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = setup(stack, { waitMs: 0 });
    s.settings.maxWorkers = 4;
    s.settings.workerRate = 250;
    const parts = dynamoPartStore(doc, stack.config.tables.reports);
    const launched: PartTask[] = [];
    let runs = 0;
    const launcher = {
      async launch(task: PartTask) {
        launched.push(task);
        const deps = { ...s.deps, parts, launcher: { launch: async () => undefined } };
        for (;;) {
          const out = await sendPart(deps, s.settings, task, { owner: `w-${++runs}`, budgetMs: 600_000 });
          if (out.outcome !== 'continues') return;
        }
      },
    };
    s.deps.fanOut = { parts, launcher };

    // The sample: one run, no workers.
    const first = await s.tick();
    expect(first.reports[0]).toMatchObject({ outcome: 'sent', workers: 4 });
    expect(new Set(launched.map((t) => t.part))).toEqual(new Set([0, 1, 2, 3]));
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const done = await reportItem(stack, report.reportId);
    expect(done).toMatchObject({
      status: 'SENT',
      counts: { sent: 60, failed: 0 },
      canary: { verdict: 'passed' },
    });
    expect(done?.canary?.counts?.sent).toBe(sampleOf(report.reportId, subs, 0.2).length);
  });
});
