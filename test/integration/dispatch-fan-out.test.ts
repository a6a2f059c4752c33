/**
 * Parallel fan-out against DynamoDB Local and the SES emulator: the dispatcher splits a report
 * among workers (parts with their own leases and cursors) which run concurrently in this
 * process, as the local runtime runs them; time is virtual. Faults come from wrappers around
 * the real adapters: a worker that dies holding its lease, SES throttling a fifth of the calls,
 * a person pausing or cancelling, readers leaving mid-send.
 */
import { describe, expect, it } from 'vitest';
import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import { countsFor, dispatchSetup, inbox, reportItem } from '../helpers/dispatch-setup.ts';
import {
  doc,
  ledgerRows,
  seedConfirmed,
  seedReport,
  setStatus,
  templateNameFor,
} from '../helpers/audience.ts';
import { templateNames } from '../helpers/inbox.ts';
import { dynamoPartStore } from '../../functions/adapters/dynamo-part-store.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import {
  dispatchDue,
  type DispatchDeps,
  type DispatchSettings,
} from '../../functions/core/use-cases/dispatch-due.ts';
import { sendPart } from '../../functions/core/use-cases/fan-out.ts';
import type { PartStore, PartTask } from '../../functions/core/use-cases/fan-out-ports.ts';
import { cancelReport, pauseReport, resumeReport } from '../../functions/core/use-cases/report-control.ts';

let runs = 0;
const owner = () => `fan-${++runs}`;

/**
 * The dispatcher's ports with fan-out: `workerOver(task)` may replace a worker's ports (to
 * inject a fault into one worker). Workers run their part to its end, as `runPart` does locally.
 */
function fanOutSetup(
  stack: TestStack,
  over: Partial<DispatchDeps> = {},
  settingsOver: Partial<DispatchSettings> = {},
) {
  const base = dispatchSetup(stack, over, {
    concurrency: 4,
    pageSize: 7,
    maxWorkers: 4,
    workerRate: 250,
    ...settingsOver,
  });
  const parts = dynamoPartStore(doc, stack.config.tables.reports);
  const launched: PartTask[] = [];
  const workerDeps: { over?: (task: PartTask) => Partial<DispatchDeps> & { parts?: PartStore } } = {};
  const launcher = {
    async launch(task: PartTask) {
      launched.push(task);
      const extra = workerDeps.over?.(task) ?? {};
      // The setup's ports as the test left them (a test may wrap the mailer after setup).
      const deps = { ...setup.deps, parts, launcher: { launch: async () => undefined }, ...extra };
      for (;;) {
        const s = await sendPart(deps, base.settings, task, { owner: owner(), budgetMs: 600_000 });
        if (s.outcome !== 'continues') return;
      }
    },
  };
  const deps: DispatchDeps = { ...base.deps, fanOut: { parts, launcher } };
  const setup = { ...base, deps, parts, launched, workerDeps };
  return setup;
}

const tick = (s: ReturnType<typeof fanOutSetup>) =>
  dispatchDue(s.deps, s.settings, { owner: owner(), budgetMs: 600_000 });

/** Notices of kind `sent` in the editors' inbox for this report. */
async function sentNotices(stack: TestStack, reportId: string): Promise<number> {
  const box = await inbox();
  return (box.get(stack.config.editors[0]!) ?? []).filter(
    (m) => (m.body.text ?? '').includes(reportId) && !/paused|一時停止/.test(m.subject),
  ).length;
}

describe('dispatchDue with parallel workers', () => {
  it('splits a report among 4 workers that send concurrently: every confirmed reader once, counts right, one "sent" notice', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 90);
    const report = await seedReport(stack);
    const s = fanOutSetup(stack);
    let inFlight = 0;
    let peak = 0;
    const real = s.deps.mailer;
    s.deps.mailer = {
      async send(m) {
        peak = Math.max(peak, ++inFlight);
        try {
          return await real.send(m);
        } finally {
          inFlight--;
        }
      },
      retire: real.retire,
    };

    const summary = await tick(s);

    expect(summary.reports[0]).toMatchObject({ workers: 4 });
    expect(new Set(s.launched.map((t) => t.part))).toEqual(new Set([0, 1, 2, 3]));
    // The workers' sends overlapped: more in flight than one worker's window allows.
    expect(peak).toBeGreaterThan(s.settings.concurrency);
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const after = await reportItem(stack, report.reportId);
    expect(after).toMatchObject({
      status: 'SENT',
      parts: 4,
      partsDone: 4,
      counts: { audience: 90, sent: 90, failed: 0 },
    });
    expect(await sentNotices(stack, report.reportId)).toBe(1);
    // Whichever worker finished it deleted the part's SES template.
    expect(await templateNames()).not.toContain(templateNameFor(report.reportId));
    const parts = await s.parts.list(report.reportId);
    expect(parts.map((p) => [p.from, p.to, p.done])).toEqual([
      [0, 4, true],
      [4, 8, true],
      [8, 12, true],
      [12, 16, true],
    ]);
    // A later tick has nothing to do and sends no second notice.
    expect((await tick(s)).reports).toEqual([]);
    expect(await sentNotices(stack, report.reportId)).toBe(1);
  });

  it('relaunches the part of a worker killed mid-send once its lease expires: no miss, duplicates only from its ambiguous rows', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 80);
    const report = await seedReport(stack);
    const s = fanOutSetup(stack);
    // Worker of part 1 dies after its 3rd marking write, holding its lease (no release, no error handling).
    let marks = 0;
    s.workerDeps.over = (task) => {
      if (task.part !== 1 || marks >= 3) return {};
      const ledger = s.deps.ledger;
      return {
        ledger: {
          ...ledger,
          async claimAll(claims, markFirst) {
            if (markFirst && ++marks >= 3) throw new Error('worker killed');
            return ledger.claimAll(claims, markFirst);
          },
          async markSent(batch) {
            if (++marks >= 3) throw new Error('worker killed');
            return ledger.markSent(batch);
          },
        },
        parts: { ...s.parts, release: async () => undefined },
      };
    };

    await tick(s);
    const mid = await reportItem(stack, report.reportId);
    expect(mid?.status).toBe('SENDING');
    const stuck = (await ledgerRows(stack, report.reportId))
      .filter((r) => r.state === 'claimed')
      .map((r) => String(r.item).slice(3));
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.length).toBeLessThanOrEqual(s.settings.concurrency);

    // Before the lease expires the part is left alone; after, it is sent by a new worker.
    await tick(s);
    expect((await reportItem(stack, report.reportId))?.status).toBe('SENDING');
    s.clock.advance(800_000);
    await tick(s);

    const after = await reportItem(stack, report.reportId);
    expect(after).toMatchObject({ status: 'SENT', counts: { sent: 80 } });
    const counts = countsFor(await inbox(), subs);
    expect(counts.every((n) => n >= 1)).toBe(true);
    expect(subs.filter((_, i) => counts[i]! > 1).every((x) => stuck.includes(x.email))).toBe(true);
    expect(await sentNotices(stack, report.reportId)).toBe(1);
  });

  it('loses no reader when SES throttles a fifth of the calls', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const s = fanOutSetup(stack);
    const real = s.deps.mailer;
    let calls = 0;
    let throttled = 0;
    s.deps.mailer = {
      async send(m) {
        if (++calls % 5 === 0) {
          throttled++;
          throw new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} });
        }
        return real.send(m);
      },
    };

    await tick(s);

    expect(throttled).toBeGreaterThanOrEqual(12);
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect(await reportItem(stack, report.reportId)).toMatchObject({ status: 'SENT', counts: { sent: 60 } });
  });

  it.each([
    ['pause', pauseReport, 'PAUSED'],
    ['cancel', cancelReport, 'CANCELED'],
  ] as const)('a %s stops every worker before its next claim', async (_name, control, status) => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 120);
    const report = await seedReport(stack);
    const s = fanOutSetup(stack);
    const reports = dynamoReportStore(doc, stack.config.tables.reports);
    const real = s.deps.mailer;
    let sends = 0;
    const afterControl: string[] = [];
    let claimedAtControl: Set<string> | undefined;
    const rowsNow = async () =>
      new Set((await ledgerRows(stack, report.reportId)).map((r) => String(r.item).slice(3)));
    s.deps.mailer = {
      async send(m) {
        if (claimedAtControl) afterControl.push(m.to);
        const out = await real.send(m);
        if (++sends === 10) {
          await control({ reports, clock: s.clock }, report.reportId);
          // Every row claimed by the time the control is recorded; the other workers keep going.
          claimedAtControl = await rowsNow();
        }
        return out;
      },
    };

    await tick(s);

    expect((await reportItem(stack, report.reportId))?.status).toBe(status);
    expect(s.launched.length).toBeGreaterThanOrEqual(3);
    // Every claim checks the worker's gate item in its transaction: no row is claimed by any worker
    // once the control is recorded, and only rows claimed before it may still go out — at most
    // `concurrency` per worker (claimed and not yet answered).
    expect([...(await rowsNow())].filter((x) => !claimedAtControl!.has(x))).toEqual([]);
    expect(afterControl.filter((x) => !claimedAtControl!.has(x))).toEqual([]);
    expect(afterControl.length).toBeLessThanOrEqual(4 * s.settings.concurrency);
    const box = await inbox();
    expect(countsFor(box, subs).reduce((a, b) => a + b, 0)).toBeLessThan(60);
    expect(countsFor(box, subs).every((n) => n <= 1)).toBe(true);
    expect(await sentNotices(stack, report.reportId)).toBe(0);

    if (status === 'PAUSED') {
      await resumeReport({ reports, clock: s.clock }, report.reportId);
      s.clock.advance(800_000);
      s.deps.mailer = real;
      await tick(s);
      expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
      expect(await reportItem(stack, report.reportId)).toMatchObject({
        status: 'SENT',
        counts: { sent: 120 },
      });
      expect(await sentNotices(stack, report.reportId)).toBe(1);
    }
  });

  it('honours an unsubscribe during the send for every reader not yet claimed, in every worker', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 80);
    const report = await seedReport(stack);
    const s = fanOutSetup(stack);
    const real = s.deps.mailer;
    const leaving = new Set<string>();
    let first = true;
    // Sends wait while the readers leave: each worker then holds at most its window of claims.
    let gate: Promise<void> | undefined;
    s.deps.mailer = {
      async send(m) {
        if (!first) await gate;
        if (first) {
          first = false;
          let open = () => {};
          gate = new Promise<void>((r) => (open = r));
          // Every reader not claimed by now leaves, before this first message goes out.
          const claimed = new Set(
            (await ledgerRows(stack, report.reportId)).map((r) => String(r.item).slice(3)),
          );
          for (const x of subs.filter((y) => !claimed.has(y.email)))
            await setStatus(stack, x, 'unsubscribed');
          // Other workers kept claiming meanwhile: a claim that committed before a reader's
          // unsubscribe landed is in the ledger now; any later claim fails its "still confirmed".
          const claimedBefore = new Set(
            (await ledgerRows(stack, report.reportId)).map((r) => String(r.item).slice(3)),
          );
          for (const x of subs) if (!claimedBefore.has(x.email)) leaving.add(x.email);
          open();
        }
        return real.send(m);
      },
    };

    await tick(s);

    expect(leaving.size).toBeGreaterThanOrEqual(80 - 4 * s.settings.concurrency);
    expect(countsFor(await inbox(), subs)).toEqual(subs.map((x) => (leaving.has(x.email) ? 0 : 1)));
    expect(await reportItem(stack, report.reportId)).toMatchObject({
      status: 'SENT',
      counts: { sent: 80 - leaving.size },
    });
  });
});
