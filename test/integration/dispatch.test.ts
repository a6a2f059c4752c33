/**
 * The dispatcher against the emulators: DynamoDB Local for the ledger and the lease, the SES
 * emulator for what was sent. Time is virtual (pacing, back-off, the budget); SES faults the
 * emulator cannot produce come from a decorator over the real client (test/helpers/ses-faults.ts).
 */
import { describe, expect, it } from 'vitest';
import { createTestStack, testSecret, type TestStack } from '../helpers/stack.ts';
import {
  countsFor,
  dispatchSetup,
  inbox,
  reportItem,
  unsubscribeAfterFirstSend,
} from '../helpers/dispatch-setup.ts';
import { header, templateNames } from '../helpers/inbox.ts';
import {
  doc,
  ledgerRows,
  oneShard,
  putSubscribers,
  templateNameFor,
  seedConfirmed,
  seedReport,
  subscriber,
  PLACEHOLDER,
} from '../helpers/audience.ts';
import { faultySes, sesError } from '../helpers/ses-faults.ts';
import { sesv2Sending } from '../../functions/adapters/aws/sesv2-sending.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import { dispatchDue, type DispatchDeps } from '../../functions/core/use-cases/dispatch-due.ts';
import type { Ledger } from '../../functions/core/use-cases/sending-ports.ts';
import type { Mailer, SendQuota } from '../../functions/core/ports.ts';
import { defaultReputationGuard } from '../../functions/core/reputation.ts';
import { verifyUnsubscribeToken } from '../../functions/core/tokens.ts';

const key = Buffer.from(testSecret, 'utf8');

function quota(q: Partial<SendQuota> = {}) {
  const value: SendQuota = {
    maxSendRate: 1000,
    max24HourSend: 1_000_000,
    sentLast24Hours: 0,
    sendingEnabled: true,
    ...q,
  };
  return { value, getQuota: async () => ({ ...value }) };
}

const setup = (stack: TestStack, over: Partial<DispatchDeps> = {}) =>
  // A crash bound of 6: groups of 2 by SendBulkEmail (a third of it, send-run/send.ts groupSize).
  dispatchSetup(stack, over, { concurrency: 6, pageSize: 10 });

let runs = 0;
const run = (budgetMs = 600_000) => ({ owner: `owner-${++runs}`, budgetMs });

/**
 * The templated mailer over the real client, recording each reader's request content kind
 * ('Template', 'Simple'; each entry of a SendBulkEmail is one) and the SendBulkEmail calls.
 */
function kindsMailer(stack: TestStack) {
  const kinds: string[] = [];
  const { mailer, bulkCalls } = faultyMailer(stack, (_, input) => {
    kinds.push(Object.keys(input.Content ?? {}).join());
    return undefined;
  });
  return { mailer, kinds, bulkCalls };
}

/** SES faults in front of the real sending client: `fault(n, input)` returns an error for call n, or nothing to pass through. */
function faultyMailer(stack: TestStack, fault: Parameters<typeof faultySes>[1]) {
  const { ses, calls, bulkCalls } = faultySes(sesv2Sending, fault);
  return {
    bulkCalls,
    mailer: sesMailer(ses, {
      from: stack.config.from,
      configurationSet: stack.config.configurationSet,
      templates: true,
    }),
    calls,
  };
}

const throttled = () => sesError('TooManyRequestsException', 'Too many requests', 429);

describe('dispatchDue', () => {
  it('sends exactly once to every confirmed subscriber over all shards, and to nobody else', async () => {
    const stack = await createTestStack();
    const confirmed = await seedConfirmed(stack, 60);
    const others = [
      subscriber(stack.address('pending'), 'pending'),
      subscriber(stack.address('unsub'), 'unsubscribed'),
      subscriber(stack.address('bounced'), 'bounced'),
      subscriber(stack.address('complained'), 'complained'),
    ];
    await putSubscribers(stack, others);
    expect(new Set(confirmed.map((s) => s.shard)).size).toBeGreaterThan(8);
    const report = await seedReport(stack);
    const { deps, settings } = setup(stack);

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports).toEqual([
      expect.objectContaining({ reportId: report.reportId, outcome: 'sent', sent: 60, failed: 0 }),
    ]);
    const box = await inbox();
    expect(countsFor(box, confirmed)).toEqual(confirmed.map(() => 1));
    expect(countsFor(box, others)).toEqual([0, 0, 0, 0]);
    const after = await reportItem(stack, report.reportId);
    expect(after).toMatchObject({ status: 'SENT', counts: { audience: 60, sent: 60, failed: 0 } });
    expect(after?.leaseOwner).toBeUndefined();
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.state === 'sent' && typeof r.messageId === 'string')).toBe(true);
    // The editors hear that it went out.
    const notices = box.get(stack.config.editors[0]!) ?? [];
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body.text).toContain(report.reportId);
    // A second tick finds nothing to do.
    expect((await dispatchDue(deps, settings, run())).reports).toEqual([]);
  });

  it("names its part's SES template in every newsletter, and deletes the templates once the report is SENT", async () => {
    const stack = await createTestStack();
    const english = [
      subscriber(stack.address('en1'), 'confirmed', 'en'),
      subscriber(stack.address('en2'), 'confirmed', 'en'),
    ];
    await putSubscribers(stack, english);
    const subs = [...(await seedConfirmed(stack, 10)), ...english];
    const report = await seedReport(stack);
    const { mailer, kinds, bulkCalls } = kindsMailer(stack);
    let during: string[] = [];
    const { deps, settings } = setup(stack, {
      mailer: {
        ...mailer,
        send: async (m, o) => {
          during = await templateNames();
          return mailer.send(m, o);
        },
        sendBulk: async (ms, o) => {
          during = await templateNames();
          return mailer.sendBulk!(ms, o);
        },
      },
    });
    const summary = await dispatchDue(deps, settings, run());
    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 12 });
    expect(kinds).toEqual(subs.map(() => 'Template'));
    // Groups of 2 (a third of the crash bound of 6): two readers of one part go by one SendBulkEmail,
    // a group of both locales as two templated sends (which groups those are depends on shards).
    expect(bulkCalls()).toBeGreaterThan(0);
    const names = (['ja', 'en'] as const).map((l) => templateNameFor(report.reportId, l));
    // Both locales are in the audience: each part's template was there while sending, and is gone now.
    expect(during).toEqual(expect.arrayContaining(names));
    const left = await templateNames();
    for (const name of names) expect(left).not.toContain(name);
    const box = await inbox();
    for (const s of subs)
      expect(box.get(s.email)![0]!.body.text).toMatch(/unsubscribe\?token=[A-Za-z0-9_-]{20,}/);
  });

  it('a template deleted mid-send (or never created) costs no reader and doubles none', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 16);
    const report = await seedReport(stack);
    const { mailer, kinds } = kindsMailer(stack);
    const name = templateNameFor(report.reportId);
    // Someone deletes it twice: before the 3rd request and before the 6th (single or bulk).
    let requests = 0;
    const deleting = async () => {
      if (++requests === 3 || requests === 6)
        await sesv2Sending.deleteEmailTemplate(name).catch(() => undefined);
    };
    const { deps, settings } = setup(stack, {
      mailer: {
        ...mailer,
        send: async (m, o) => {
          await deleting();
          return mailer.send(m, o);
        },
        sendBulk: async (ms, o) => {
          await deleting();
          return mailer.sendBulk!(ms, o);
        },
      },
    });
    const summary = await dispatchDue(deps, settings, run());
    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 16, failed: 0 });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    // Every reader's first request named the template; each one refused as missing (at least one
    // per deletion) was sent again as Simple, and the template made again for the next.
    const simple = kinds.filter((k) => k === 'Simple').length;
    expect(kinds.filter((k) => k === 'Template')).toHaveLength(16);
    expect(simple).toBeGreaterThanOrEqual(2);
    expect(kinds).toHaveLength(16 + simple);
    expect(kinds.at(-1)).toBe('Template');
    expect(requests).toBeGreaterThanOrEqual(6);
  });

  it('puts a working per-recipient unsubscribe link and the one-click headers in every message', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 5);
    const report = await seedReport(stack);
    const { deps, settings } = setup(stack);
    await dispatchDue(deps, settings, run());
    const box = await inbox();
    for (const s of subs) {
      const [mail] = box.get(s.email)!;
      const listUnsubscribe = header(mail!, 'List-Unsubscribe')!;
      const m =
        /^<https:\/\/news\.example\.jp\/unsubscribe\?token=([A-Za-z0-9_-]+)>, <mailto:unsubscribe@example\.jp\?subject=unsubscribe-([A-Za-z0-9_-]+)>$/.exec(
          listUnsubscribe,
        );
      expect(m, listUnsubscribe).not.toBeNull();
      expect(m![2]).toBe(m![1]);
      expect(verifyUnsubscribeToken(key, m![1])).toBe(s.id);
      expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(header(mail!, 'X-Kawaraban-Report')).toBe(report.reportId);
      // The visible link carries the same token; no placeholder is left anywhere.
      expect(mail!.body.html).toContain(`unsubscribe?token=${m![1]}`);
      expect(mail!.body.text).toContain(`unsubscribe?token=${m![1]}`);
      expect(`${mail!.body.html}${mail!.body.text}`).not.toContain(PLACEHOLDER);
      // Each subscriber gets the chrome of their own language.
      expect(mail!.subject).toBe(`【${s.locale}】${report.reportId}`);
    }
  });

  it('honours an unsubscribe that lands mid-send, after the page was read', async () => {
    const stack = await createTestStack();
    // All in one shard, so one page holds them all and is read before anyone leaves.
    const subs = await oneShard(stack, 12, 3, 'same-shard');
    const report = await seedReport(stack);
    // After the first message goes out, every subscriber not yet claimed unsubscribes.
    const { mailer, leaving } = unsubscribeAfterFirstSend(
      stack,
      report.reportId,
      subs,
      setup(stack).deps.mailer,
    );
    const { deps, settings } = setup(stack, { mailer });
    settings.pageSize = 100;
    settings.concurrency = 1;

    const summary = await dispatchDue(deps, settings, run());

    expect(leaving.size).toBeGreaterThan(5);
    const box = await inbox();
    for (const s of subs) expect(box.get(s.email)?.length ?? 0).toBe(leaving.has(s.email) ? 0 : 1);
    expect(summary.reports[0]).toMatchObject({
      outcome: 'sent',
      sent: subs.length - leaving.size,
      skipped: leaving.size,
    });
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(subs.length - leaving.size);
  });

  it('stops at its time budget and resumes from the saved cursor without duplicates or misses', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 40);
    const report = await seedReport(stack);
    // 10 messages/s in virtual time and a 1.5 s budget: the first run cannot finish.
    const { deps, settings } = setup(stack, { quota: quota({ maxSendRate: 10 }) });

    const first = await dispatchDue(deps, settings, run(1500));
    expect(first.reports[0]?.outcome).toBe('continues');
    const mid = await reportItem(stack, report.reportId);
    expect(mid?.status).toBe('SENDING');
    expect(mid?.cursor).toBeDefined();
    expect(mid?.leaseOwner).toBeUndefined();
    const sentFirst = countsFor(await inbox(), subs).reduce((a, b) => a + b, 0);
    expect(sentFirst).toBeGreaterThan(0);
    expect(sentFirst).toBeLessThan(subs.length);

    const second = await dispatchDue(deps, settings, run());
    expect(second.reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect((await reportItem(stack, report.reportId))?.counts).toMatchObject({ sent: 40, failed: 0 });
  });

  it('after a crash between send and "sent", re-sends only the in-flight claims and misses nobody', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 30);
    const report = await seedReport(stack);
    const base = setup(stack);
    // The store dies on the 7th write that marks rows sent (alone or with the next claim):
    // rows in flight stay `claimed`.
    let marks = 0;
    const dying: Ledger = {
      ...base.deps.ledger,
      async markSent(...args) {
        if (++marks >= 7) throw new Error('simulated crash');
        return base.deps.ledger.markSent(...args);
      },
      async claimAll(claims, markFirst) {
        if (markFirst && ++marks >= 7) throw new Error('simulated crash');
        return base.deps.ledger.claimAll(claims, markFirst);
      },
    };
    const { deps, settings } = setup(stack, { ledger: dying });

    const first = await dispatchDue(deps, settings, run());
    expect(first.reports[0]).toMatchObject({ outcome: 'error' });
    const stuck = (await ledgerRows(stack, report.reportId)).filter((r) => r.state === 'claimed');
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.length).toBeLessThanOrEqual(settings.concurrency);

    const second = await dispatchDue(base.deps, settings, run());
    expect(second.reports[0]?.outcome).toBe('sent');
    const counts = countsFor(await inbox(), subs);
    expect(counts.every((n) => n >= 1)).toBe(true);
    const duplicates = counts.reduce((a, n) => a + n - 1, 0);
    expect(duplicates).toBe(stuck.length);
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    expect(rows.filter((r) => r.attempts === 2)).toHaveLength(stuck.length);
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(30);
  });

  it('leaves a report leased by a live dispatcher alone, and takes it over once that lease expires', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 3);
    const { deps, settings, clock } = setup(stack);
    const report = await seedReport(stack, {
      status: 'SENDING',
      extra: {
        leaseOwner: 'someone-else',
        leaseUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
      },
    });

    expect((await dispatchDue(deps, settings, run())).reports).toEqual([
      expect.objectContaining({ outcome: 'busy', sent: 0 }),
    ]);
    expect(countsFor(await inbox(), subs)).toEqual([0, 0, 0]);

    clock.advance(61_000);
    expect((await dispatchDue(deps, settings, run())).reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual([1, 1, 1]);
    expect((await reportItem(stack, report.reportId))?.status).toBe('SENT');
  });

  it('lets only one of two concurrent dispatchers send a report', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 25);
    await seedReport(stack);
    const a = setup(stack);
    const b = setup(stack);

    const [ra, rb] = await Promise.all([
      dispatchDue(a.deps, a.settings, run()),
      dispatchDue(b.deps, b.settings, run()),
    ]);

    const outcomes = [...ra.reports, ...rb.reports].map((r) => r.outcome).sort();
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
  });

  it('does not start a report before its sendAt', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 2);
    const { deps, settings, clock } = setup(stack);
    await seedReport(stack, { sendAt: new Date(clock.now().getTime() + 3_600_000) });
    expect((await dispatchDue(deps, settings, run())).reports).toEqual([]);
    clock.advance(3_600_000);
    expect((await dispatchDue(deps, settings, run())).reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual([1, 1]);
  });

  it('waits, still SENDING, when the 24-hour quota is spent, and continues when it frees up', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 30);
    const report = await seedReport(stack);
    const q = quota({ max24HourSend: 120, sentLast24Hours: 90 });
    const { deps, settings } = setup(stack, { quota: q });
    settings.dailyHeadroom = 10; // 120 − 90 − 10 = 20 may go today

    const first = await dispatchDue(deps, settings, run());
    expect(first.reports[0]).toMatchObject({ outcome: 'quota', sent: 20 });
    expect((await reportItem(stack, report.reportId))?.status).toBe('SENDING');

    q.value.sentLast24Hours = 110; // spent: nothing goes out
    expect((await dispatchDue(deps, settings, run())).reports[0]).toMatchObject({
      outcome: 'quota',
      sent: 0,
    });
    expect(countsFor(await inbox(), subs).reduce((a, b) => a + b, 0)).toBe(20);

    q.value.sentLast24Hours = 0; // a day later
    expect((await dispatchDue(deps, settings, run())).reports[0]?.outcome).toBe('sent');
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(30);
  });

  it('backs off and retries when SES throttles, sending each message once', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 6);
    await seedReport(stack);
    const rateExceeded = sesError('MessageRejected', 'Maximum sending rate exceeded.');
    const { mailer, calls } = faultyMailer(stack, (n) =>
      n === 1 || n === 2 ? throttled() : n === 4 ? rateExceeded : undefined,
    );
    const { deps, settings, clock } = setup(stack, { mailer });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 6, failed: 0 });
    expect(calls()).toBe(9);
    expect(clock.slept).toBeGreaterThan(0);
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
  });

  it('marks a message SES refuses for good as failed and carries on', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 5);
    const report = await seedReport(stack);
    const victim = subs[2]!;
    const { mailer } = faultyMailer(stack, (_n, input) =>
      input.Destination?.ToAddresses?.[0] === victim.email
        ? sesError('MessageRejected', `Email address is not verified: ${victim.email}`)
        : undefined,
    );
    const { deps, settings } = setup(stack, { mailer });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 4, failed: 1 });
    const row = (await ledgerRows(stack, report.reportId)).find((r) => r.item === `to#${victim.email}`)!;
    expect(row.state).toBe('failed');
    expect(row.reason).toMatch(/^MessageRejected: Email address is not verified/);
    expect(row.reason).not.toContain(victim.email);
    expect((await reportItem(stack, report.reportId))?.counts).toMatchObject({ sent: 4, failed: 1 });
  });

  it('pauses the report and tells the editors when SES sending is paused', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 8);
    const report = await seedReport(stack);
    const { mailer } = faultyMailer(stack, (n) =>
      n >= 3 ? sesError('SendingPausedException', 'Sending is paused for this account.') : undefined,
    );
    const { deps, settings } = setup(stack, { mailer });
    settings.concurrency = 1;

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'paused', sent: 2 });
    const after = await reportItem(stack, report.reportId);
    expect(after).toMatchObject({ status: 'PAUSED' });
    expect(after?.pauseReason).toContain('SendingPausedException');
    // Nothing is left claimed: the refused message was never sent.
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.map((r) => r.state).sort()).toEqual(['sent', 'sent']);
    const box = await inbox();
    expect(countsFor(box, subs).reduce((a, b) => a + b, 0)).toBe(2);
    const notice = box.get(stack.config.editors[0]!)?.[0];
    expect(notice?.body.text).toContain('SendingPausedException');
    // A paused report is not picked up again by the next tick.
    expect((await dispatchDue(setup(stack).deps, settings, run())).reports).toEqual([]);
  });

  it('pauses when the account has sending disabled', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 2);
    const report = await seedReport(stack);
    const { deps, settings } = setup(stack, { quota: quota({ sendingEnabled: false }) });
    expect((await dispatchDue(deps, settings, run())).reports[0]?.outcome).toBe('paused');
    expect((await reportItem(stack, report.reportId))?.status).toBe('PAUSED');
    expect(countsFor(await inbox(), subs)).toEqual([0, 0]);
  });

  it('pauses when many messages in a row are refused (a broken setup, not bad addresses)', async () => {
    const stack = await createTestStack();
    await seedConfirmed(stack, 12);
    const report = await seedReport(stack);
    const { mailer } = faultyMailer(stack, () => sesError('MessageRejected', 'Bad from'));
    const { deps, settings } = setup(stack, { mailer });
    settings.maxConsecutiveRejections = 5;
    settings.concurrency = 1;
    const summary = await dispatchDue(deps, settings, run());
    expect(summary.reports[0]).toMatchObject({ outcome: 'paused', failed: 5 });
    expect((await reportItem(stack, report.reportId))?.pauseReason).toMatch(/5 messages in a row/);
  });

  it('pauses a report whose bounce rate passes the guard after the minimum sample, not before', async () => {
    const stack = await createTestStack();
    // Twice the sample and more: the counts the guard reads trail the sends by the rows still open,
    // so the report must be long enough that it cannot end before they catch up (30 did, once in a loaded CI run).
    const subs = await seedConfirmed(stack, 60);
    const report = await seedReport(stack);
    const { deps, settings } = setup(stack);
    settings.reputation = { ...defaultReputationGuard, minSendsForBounceRate: 20 };
    // Events count bounces as the send goes: simulate one bounce per two messages.
    let sends = 0;
    const real = deps.mailer;
    const bouncy: Mailer = {
      async send(m) {
        const out = await real.send(m);
        if (++sends % 2 === 0) {
          await doc.update({
            TableName: stack.env.REPORTS_TABLE,
            Key: { reportId: report.reportId, item: 'report' },
            UpdateExpression: 'ADD bounced :one',
            ExpressionAttributeValues: { ':one': 1 },
          });
        }
        return out;
      },
    };
    deps.mailer = bouncy;

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]?.outcome).toBe('paused');
    const after = await reportItem(stack, report.reportId);
    expect(after?.status).toBe('PAUSED');
    expect(after?.pauseReason).toMatch(/^reputation guard: bounce rate/);
    // It ran until the sample was big enough (checked before each page), and stopped there: within
    // the pages still open when the counts showed it (a page of 10, the rows in flight), far from the end.
    expect(after?.counts.sent).toBeGreaterThanOrEqual(20);
    expect(after?.counts.sent).toBeLessThan(45);
    expect(countsFor(await inbox(), subs).reduce((a, b) => a + b, 0)).toBe(after?.counts.sent);
  });

  it('pauses on the complaint rate too', async () => {
    const stack = await createTestStack();
    await seedConfirmed(stack, 3);
    const report = await seedReport(stack, {
      status: 'SENDING',
      extra: {
        cursor: { shard: 0 },
        counts: {
          audience: 3000,
          sent: 2000,
          delivered: 0,
          bounced: 0,
          softBounced: 0,
          complained: 3,
          failed: 0,
        },
      },
    });
    const { deps, settings } = setup(stack);
    expect((await dispatchDue(deps, settings, run())).reports[0]?.outcome).toBe('paused');
    expect((await reportItem(stack, report.reportId))?.pauseReason).toMatch(/complaint rate 0\.15 %/);
  });

  it('pauses instead of sending when the rendered output is missing', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 2);
    const report = await seedReport(stack, { extra: { renderedKey: 'rendered/nope/none.json' } });
    const { deps, settings } = setup(stack);
    expect((await dispatchDue(deps, settings, run())).reports[0]?.outcome).toBe('paused');
    expect((await reportItem(stack, report.reportId))?.pauseReason).toMatch(/rendered output/);
    expect(countsFor(await inbox(), subs)).toEqual([0, 0]);
  });
});

describe('dispatchDue: stopping and giving up', () => {
  it('stops at the next page when the report is taken out of SENDING under it', async () => {
    const stack = await createTestStack();
    const subs = await seedConfirmed(stack, 40);
    const report = await seedReport(stack);
    const base = setup(stack);
    let sends = 0;
    const mailer: Mailer = {
      async send(m) {
        const out = await base.deps.mailer.send(m);
        // An operator cancels the report right after the first message.
        if (++sends === 1) {
          await doc.update({
            TableName: stack.env.REPORTS_TABLE,
            Key: { reportId: report.reportId, item: 'report' },
            UpdateExpression: 'SET #s = :c',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':c': 'CANCELED' },
          });
        }
        return out;
      },
    };
    const { deps, settings } = setup(stack, { mailer });
    settings.concurrency = 1;
    settings.pageSize = 2;

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]?.outcome).toBe('lease-lost');
    // At most the rest of the page that was under way.
    expect(sends).toBeLessThanOrEqual(settings.pageSize);
    expect(countsFor(await inbox(), subs).reduce((a, b) => a + b, 0)).toBe(sends);
    expect((await reportItem(stack, report.reportId))?.status).toBe('CANCELED');
  });

  it('gives up on a recipient whose claim was already retried too often', async () => {
    const stack = await createTestStack();
    const [stuck, ok] = await seedConfirmed(stack, 2);
    const report = await seedReport(stack, { status: 'SENDING' });
    await doc.update({
      TableName: stack.env.REPORTS_TABLE,
      Key: { reportId: report.reportId, item: `to#${stuck!.email}` },
      UpdateExpression: 'SET #s = :c, claimToken = :t, attempts = :n, subscriberId = :id',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':c': 'claimed', ':t': 'dead-run', ':n': 5, ':id': stuck!.id },
    });
    const { deps, settings } = setup(stack);

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 1, failed: 1 });
    const box = await inbox();
    expect(countsFor(box, [stuck!, ok!])).toEqual([0, 1]);
    const row = (await ledgerRows(stack, report.reportId)).find((r) => r.item === `to#${stuck!.email}`);
    expect(row).toMatchObject({ state: 'failed', reason: 'gave up after 5 attempts' });
  });
});
