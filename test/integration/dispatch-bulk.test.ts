/**
 * The dispatcher sending in groups by SendBulkEmail (send-run/send.ts, ses-mailer.ts sendBulk),
 * against DynamoDB Local and the SES emulator: faults on single entries and on whole calls lose
 * and double nobody, and an answer lost after SES took a call leaves at most the crash bound
 * (`concurrency` rows) to send twice.
 */
import { describe, expect, it } from 'vitest';
import { sesv2Sending } from '../../functions/adapters/aws/sesv2-sending.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import { ledgerRows, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { countsFor, dispatchSetup, inbox, reportItem } from '../helpers/dispatch-setup.ts';
import { faultySes, sesError } from '../helpers/ses-faults.ts';
import { createTestStack, type TestStack } from '../helpers/stack.ts';

let runs = 0;
const run = () => ({ owner: `bulk-owner-${++runs}`, budgetMs: 600_000 });

/** The dispatcher's templated mailer over SES faults (faultySes: per entry, or per bulk call). */
function mailerOver(
  stack: TestStack,
  entry: Parameters<typeof faultySes>[1],
  whole: Parameters<typeof faultySes>[2] = {},
) {
  const faulty = faultySes(sesv2Sending, entry, whole);
  const mailer = sesMailer(faulty.ses, {
    from: stack.config.from,
    configurationSet: stack.config.configurationSet,
    templates: true,
  });
  return { mailer, ...faulty };
}

const throttled = () => sesError('TooManyRequestsException', 'Too many requests', 429);

describe('dispatch by SendBulkEmail', () => {
  it('a fifth of the entries throttled and some whole calls too: every reader exactly once, by groups', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const { mailer, calls, bulkCalls } = mailerOver(stack, (n) => (n % 5 === 0 ? throttled() : undefined), {
      bulk: (n) => (n % 4 === 2 ? throttled() : undefined),
    });
    const { deps, settings, clock } = dispatchSetup(stack, { mailer }, { concurrency: 12, pageSize: 20 });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 60, failed: 0 });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.every((r) => r.state === 'sent' && typeof r.messageId === 'string')).toBe(true);
    // Groups of 4 (a third of the crash bound of 12), each retried until its last reader went.
    expect(bulkCalls()).toBeGreaterThanOrEqual(60 / 4);
    expect(calls()).toBeGreaterThan(60);
    expect(clock.slept).toBeGreaterThan(0);
    expect((await reportItem(stack, report.reportId))?.counts).toMatchObject({ sent: 60, failed: 0 });
  });

  it('entries refused for good fail alone; the rest of their calls go out once', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 24);
    const report = await seedReport(stack);
    const victims = new Set([subs[3]!.email, subs[10]!.email]);
    const { mailer } = mailerOver(stack, (_n, input) =>
      victims.has(input.Destination?.ToAddresses?.[0] ?? '')
        ? sesError('MessageRejected', 'Email address is not verified.')
        : undefined,
    );
    const { deps, settings } = dispatchSetup(stack, { mailer }, { concurrency: 12, pageSize: 20 });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 22, failed: 2 });
    const rows = await ledgerRows(stack, report.reportId);
    const failed = rows.filter((r) => r.state === 'failed');
    expect(failed.map((r) => String(r.item).slice(3)).sort()).toEqual([...victims].sort());
    expect(
      failed.every((r) => r.reason === 'MessageRejected: Email address is not verified. (MESSAGE_REJECTED)'),
    ).toBe(true);
    const counts = countsFor(await inbox(), subs);
    expect(counts.filter((n) => n === 1)).toHaveLength(22);
  });

  it('an answer lost after SES took a call: the next run re-sends only the claimed rows, no more than the crash bound', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 40);
    const report = await seedReport(stack);
    const base = dispatchSetup(stack, {}, { concurrency: 12, pageSize: 20 });
    let bulkCalls = 0;
    const losing: Mailer = {
      ...base.deps.mailer,
      async sendBulk(messages, opts) {
        const out = await base.deps.mailer.sendBulk!(messages, opts);
        // SES took the third call, but its answer never came back.
        if (++bulkCalls === 3) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return out;
      },
    };
    const { deps, settings } = dispatchSetup(stack, { mailer: losing }, { concurrency: 12, pageSize: 20 });

    const first = await dispatchDue(deps, settings, run());
    expect(first.reports[0]).toMatchObject({ outcome: 'error' });
    const stuck = (await ledgerRows(stack, report.reportId)).filter((r) => r.state === 'claimed');
    expect(stuck.length).toBeGreaterThanOrEqual(4);
    expect(stuck.length).toBeLessThanOrEqual(settings.concurrency);

    const second = await dispatchDue(base.deps, settings, run());
    expect(second.reports[0]?.outcome).toBe('sent');
    const counts = countsFor(await inbox(), subs);
    expect(counts.every((n) => n >= 1)).toBe(true);
    // Only the lost call's readers got a second copy.
    expect(counts.reduce((a, n) => a + n - 1, 0)).toBe(4);
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(40);
  });
});
