/**
 * Regression tests from an audit of the promises in README.md and DESIGN.md, each named after
 * the promise it checks: report counts that cover every message that went out (also after a
 * pause or cancel mid-page, and when the client retries a checkpoint whose answer was lost), SES
 * events that are idempotent and order-independent, and never sending to someone who left.
 */
import { describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import { dispatchRun, dispatchSetup, reportItem, sentCounts } from '../helpers/dispatch-setup.ts';
import {
  doc,
  getSubscriber,
  ledgerRows,
  oneShard,
  putSubscribers,
  seedReport,
  setStatus,
  subscriber,
} from '../helpers/audience.ts';
import { fixture, viaEventBridge } from '../helpers/ses-events.ts';
import { dynamoLedger } from '../../functions/adapters/dynamo-ledger.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { dynamoSubscriberFeedback } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { cancelReport, pauseReport } from '../../functions/core/use-cases/report-control.ts';
import { recordSesEvent } from '../../functions/core/use-cases/record-ses-event.ts';
import { parseSesLambdaEvent, type SesEvent } from '../../functions/core/ses-event.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import { losingFirstAnswer } from '../helpers/faulty-dynamo.ts';

const control = (stack: TestStack) => ({
  reports: dynamoReportStore(doc, stack.config.tables.reports),
  clock: { now: () => new Date() },
});

/** The real SES sample `name`, about `email`, tagged with `reportId`, as the domain event the handler would build. */
function sesEvent(
  name: string,
  email: string,
  opts: { reportId?: string; messageId?: string; feedbackId?: string; transient?: boolean } = {},
): SesEvent {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = fixture(name) as any;
  d.mail.destination = [email];
  if (opts.messageId) d.mail.messageId = opts.messageId;
  if (opts.reportId) d.mail.tags = { ...d.mail.tags, reportId: [opts.reportId], kind: ['newsletter'] };
  if (d.bounce) {
    d.bounce.bouncedRecipients = [{ ...d.bounce.bouncedRecipients[0], emailAddress: email }];
    if (opts.transient) {
      d.bounce.bounceType = 'Transient';
      d.bounce.bounceSubType = 'General';
    }
    if (opts.feedbackId) d.bounce.feedbackId = opts.feedbackId;
  }
  if (d.complaint) {
    d.complaint.complainedRecipients = [{ emailAddress: email }];
    if (opts.feedbackId) d.complaint.feedbackId = opts.feedbackId;
  }
  if (d.delivery) d.delivery.recipients = [email];
  const batch = parseSesLambdaEvent(viaEventBridge(d));
  expect(batch.skipped).toEqual([]);
  return batch.events[0]!;
}

function sesDeps(stack: TestStack) {
  const table = stack.config.tables.subscribers;
  return {
    ledger: dynamoLedger(doc, stack.config.tables),
    subscribers: dynamoSubscriberFeedback(doc, table),
    mailboxes: dynamoRateLimitStore(doc, table),
    clock: { now: () => new Date('2030-04-02T00:00:00Z') },
  };
}

/** A ledger row `sent` for `email`, and the report's sent count, as the dispatcher leaves them. */
async function markedSent(stack: TestStack, reportId: string, email: string) {
  await doc.update({
    TableName: stack.env.REPORTS_TABLE,
    Key: { reportId, item: `to#${email}` },
    UpdateExpression: 'SET #s = :sent, messageId = :m, claimToken = :t, attempts = :one',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':sent': 'sent', ':m': `m-${email}`, ':t': 'tok', ':one': 1 },
  });
  await doc.update({
    TableName: stack.env.REPORTS_TABLE,
    Key: { reportId, item: 'report' },
    UpdateExpression: 'ADD sent :one',
    ExpressionAttributeValues: { ':one': 1 },
  });
}

describe('sending: report counts', () => {
  it.each([
    ['a person cancels', cancelReport, false],
    ['a person pauses (and cancels later)', pauseReport, true],
  ] as const)(
    'report counts: a page under way when %s counts every message that went out',
    async (_, stop, cancelAfter) => {
      const stack = await createTestStack();
      // One shard, one page: the person acts while that page is under way.
      const subs = await oneShard(stack, 8, 4, 'midpage');
      const report = await seedReport(stack);
      const base = dispatchSetup(stack);
      let sends = 0;
      const mailer: Mailer = {
        async send(m) {
          const out = await base.deps.mailer.send(m);
          if (++sends === 3) expect((await stop(control(stack), report.reportId)).kind).toBe('changed');
          return out;
        },
      };
      const { deps, settings } = dispatchSetup(stack, { mailer }, { pageSize: 100, concurrency: 1 });

      await dispatchDue(deps, settings, dispatchRun());
      if (cancelAfter) expect((await cancelReport(control(stack), report.reportId)).kind).toBe('changed');

      const sentRows = (await ledgerRows(stack, report.reportId)).filter((r) => r.state === 'sent').length;
      expect(sentRows).toBe(sends);
      // One row claimed at a time (concurrency 1), and none after the stop: the page ends after
      // the third, and is saved with its three sends.
      expect(sends).toBe(3);
      expect(subs.length).toBeGreaterThan(3);
      const after = await reportItem(stack, report.reportId);
      expect(after?.status).toBe('CANCELED');
      // CANCELED is final: nothing will ever redo this page, so its sends must be counted now.
      expect(after?.counts.sent).toBe(sentRows);
    },
  );
});

describe('sending: never to someone who left', () => {
  it('never to someone who left: a claim left by a dead run is not re-sent once its subscriber has unsubscribed', async () => {
    const stack = await createTestStack();
    const [left, stays] = await oneShard(stack, 2, 11, 'takeover');
    const report = await seedReport(stack, { status: 'SENDING' });
    await doc.update({
      TableName: stack.env.REPORTS_TABLE,
      Key: { reportId: report.reportId, item: `to#${left!.email}` },
      UpdateExpression: 'SET #s = :c, claimToken = :t, attempts = :n, subscriberId = :id',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':c': 'claimed', ':t': 'dead-run', ':n': 1, ':id': left!.id },
    });
    const base = dispatchSetup(stack);
    // The unsubscribe lands after the page was read (it still lists them), before the claim.
    const audience = {
      ...base.deps.audience,
      async page(...args: Parameters<typeof base.deps.audience.page>) {
        const page = await base.deps.audience.page(...args);
        if (page.items.some((r) => r.email === left!.email)) await setStatus(stack, left!, 'unsubscribed');
        return page;
      },
    };
    const { deps, settings } = dispatchSetup(stack, { audience });

    const summary = await dispatchDue(deps, settings, dispatchRun());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 1, skipped: 1 });
    expect(await sentCounts([left!.email, stays!.email])).toEqual([0, 1]);
  });
});

describe('storage retries', () => {
  it('report counts: a checkpoint the client sends twice (its first answer lost) counts the page once', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 5, 7, 'retry');
    const report = await seedReport(stack);
    const { db: lossy, lost } = await losingFirstAnswer(
      (op, input) => op === 'UpdateItem' && String(input.UpdateExpression ?? '').includes('#cursor'),
    );
    const { deps, settings } = dispatchSetup(
      stack,
      { reports: dynamoReportStore(lossy, stack.config.tables.reports) },
      { pageSize: 100 },
    );

    const summary = await dispatchDue(deps, settings, dispatchRun());

    expect(lost()).toBe(1);
    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: subs.length });
    expect((await ledgerRows(stack, report.reportId)).filter((r) => r.state === 'sent')).toHaveLength(
      subs.length,
    );
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(subs.length);
  });

  it('a failed run the client records twice (its first answer lost) counts once', async () => {
    const stack = await createTestStack();
    await oneShard(stack, 3, 2, 'failing');
    const report = await seedReport(stack);
    const { db: lossy, lost } = await losingFirstAnswer(
      (op, input) => op === 'UpdateItem' && String(input.UpdateExpression ?? '').includes('failedRuns :one'),
    );
    const base = dispatchSetup(stack);
    // Every page read fails, so the run ends in an error and is counted.
    const audience = {
      ...base.deps.audience,
      page: () => Promise.reject(new Error('the index is unavailable')),
    };
    const { deps, settings } = dispatchSetup(stack, {
      audience,
      reports: dynamoReportStore(lossy, stack.config.tables.reports),
    });

    const summary = await dispatchDue(deps, settings, dispatchRun());

    expect(lost()).toBe(1);
    expect(summary.reports[0]).toMatchObject({ outcome: 'error' });
    expect((await dynamoReportStore(doc, stack.config.tables.reports).get(report.reportId))?.failedRuns).toBe(
      1,
    );
  });
});

describe('SES events', () => {
  it('idempotent: a soft bounce delivered again after a delivery changes nothing more', async () => {
    const stack = await createTestStack();
    const s = subscriber(stack.address('soft'));
    await putSubscribers(stack, [s]);
    const deps = sesDeps(stack);
    const soft = sesEvent('ses-eventpub-via-sns__bounce.json', s.email, {
      transient: true,
      feedbackId: 'soft-feedback-1',
      messageId: 'msg-1',
    });
    expect(soft.kind).toBe('soft-bounce');
    const delivery = sesEvent('ses-eventpub-via-sns__delivery.json', s.email, { messageId: 'msg-2' });

    await recordSesEvent(deps, soft);
    expect((await getSubscriber(stack, s.email)).softBounces).toBe(1);
    await recordSesEvent(deps, delivery);
    expect((await getSubscriber(stack, s.email)).softBounces).toBe(0);
    // EventBridge delivers at least once (and Lambda retries a failed invocation): the same event again.
    await recordSesEvent(deps, soft);

    expect((await getSubscriber(stack, s.email)).softBounces).toBe(0);
  });

  it('report counters do not depend on the order the delivery and complaint events of one message arrive in', async () => {
    const stack = await createTestStack();
    const a = subscriber(stack.address('inorder'));
    const b = subscriber(stack.address('outoforder'));
    await putSubscribers(stack, [a, b]);
    const deps = sesDeps(stack);
    const one = await seedReport(stack, { status: 'SENT' });
    const two = await seedReport(stack, { status: 'SENT' });
    await markedSent(stack, one.reportId, a.email);
    await markedSent(stack, two.reportId, b.email);

    // The same two events of one message, in SES's order for report one, reversed for report two.
    await recordSesEvent(
      deps,
      sesEvent('ses-eventpub-via-sns__delivery.json', a.email, { reportId: one.reportId }),
    );
    await recordSesEvent(
      deps,
      sesEvent('ses-eventpub-via-sns__complaint.json', a.email, { reportId: one.reportId }),
    );
    await recordSesEvent(
      deps,
      sesEvent('ses-eventpub-via-sns__complaint.json', b.email, { reportId: two.reportId }),
    );
    await recordSesEvent(
      deps,
      sesEvent('ses-eventpub-via-sns__delivery.json', b.email, { reportId: two.reportId }),
    );

    const c1 = (await reportItem(stack, one.reportId))!.counts;
    const c2 = (await reportItem(stack, two.reportId))!.counts;
    expect({ delivered: c2.delivered, complained: c2.complained }).toEqual({
      delivered: c1.delivered,
      complained: c1.complained,
    });
  });
});
