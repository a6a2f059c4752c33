/**
 * The ses-events handler against DynamoDB Local, fed the real SES samples in both forms
 * (EventBridge `detail` and SNS-wrapped). Each test first rewrites the subscribers it uses,
 * so the fixtures' shared addresses start from a known state.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';
import {
  doc,
  getSubscriber,
  ledgerRows,
  putSubscribers,
  seedReport,
  setStatus,
  subscriber,
} from '../helpers/audience.ts';
import { fixture, viaEventBridge, viaSns } from '../helpers/ses-events.ts';
import { statusShard, type Subscriber, type SubscriberStatus } from '../../functions/core/subscriber.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';

type Handler = typeof import('../../functions/ses-events.ts')['handler'];
let stack: TestStack;
let handler: Handler;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler } = await import('../../functions/ses-events.ts'));
});

const forms = { EventBridge: viaEventBridge, SNS: viaSns } as const;
const dir = join(import.meta.dirname, '../fixtures/aws-events');
const sesFixtures = readdirSync(dir).filter((f) => /^ses-(eventpub-via-sns|legacy-notification)__/.test(f));

/** Fresh, confirmed subscribers for the given addresses, each with two soft bounces on record. */
async function resetSubscribers(
  emails: string[],
  status: SubscriberStatus = 'confirmed',
): Promise<Record<string, Subscriber>> {
  const subs = emails.map((e) => ({ ...subscriber(e, status), softBounces: 2 }));
  await putSubscribers(stack, subs);
  return Object.fromEntries(subs.map((s) => [s.email, s]));
}

const everyone = [
  'recipient@example.com',
  'sender@example.com',
  'jane@example.com',
  'mary@example.com',
  'richard@example.com',
];

/** What each sample does to each of the fixture addresses (status, softBounces); others stay as they were. */
const effects: Record<string, Record<string, [SubscriberStatus, number]>> = {
  'ses-eventpub-via-sns__bounce.json': { 'recipient@example.com': ['bounced', 2] },
  'ses-eventpub-via-sns__complaint.json': { 'recipient@example.com': ['complained', 2] },
  'ses-eventpub-via-sns__delivery.json': { 'recipient@example.com': ['confirmed', 0] },
  'ses-legacy-notification__bounce-no-dsn.json': {
    'jane@example.com': ['bounced', 2],
    'richard@example.com': ['bounced', 2],
  },
  'ses-legacy-notification__bounce-with-dsn.json': { 'jane@example.com': ['bounced', 2] },
  'ses-legacy-notification__complaint-no-feedback.json': { 'richard@example.com': ['complained', 2] },
  'ses-legacy-notification__complaint-with-feedback.json': { 'richard@example.com': ['complained', 2] },
  'ses-legacy-notification__delivery.json': { 'jane@example.com': ['confirmed', 0] },
};

describe('ses-events handler: subscriber state from every sample, in both forms', () => {
  for (const name of sesFixtures) {
    for (const [form, wrap] of Object.entries(forms)) {
      it(`${name} via ${form}`, async () => {
        const subs = await resetSubscribers(everyone);
        const summary = await handler(wrap(fixture(name)) as never);
        expect(summary.skipped).toEqual([]);
        expect(summary.events).toHaveLength(1);
        for (const email of everyone) {
          const s = await getSubscriber(stack, email);
          const [status, softBounces] = effects[name]?.[email] ?? ['confirmed', 2];
          expect({ email, status: s.status, softBounces: s.softBounces }).toEqual({
            email,
            status,
            softBounces,
          });
          // The dispatcher's index partition always follows the status.
          expect(s.statusShard).toBe(statusShard(status, subs[email]!.shard));
        }
        // The summary names kinds and counts, never an address.
        expect(JSON.stringify(summary)).not.toMatch(/@/);
      });
    }
  }
});

describe('ses-events handler: ledger and report counters', () => {
  /** A report whose ledger has `recipient@example.com` (and more) marked sent. */
  async function sentReport(emails: string[]) {
    const report = await seedReport(stack, { status: 'SENT' });
    for (const email of emails) {
      await doc.update({
        TableName: stack.env.REPORTS_TABLE,
        Key: { reportId: report.reportId, item: `to#${email}` },
        UpdateExpression: 'SET #s = :sent, messageId = :m, claimToken = :t, attempts = :one',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':m': 'm-1', ':t': 'tok', ':one': 1 },
      });
    }
    await doc.update({
      TableName: stack.env.REPORTS_TABLE,
      Key: { reportId: report.reportId, item: 'report' },
      UpdateExpression: 'SET sent = :n',
      ExpressionAttributeValues: { ':n': emails.length },
    });
    return report.reportId;
  }

  const tagged = (name: string, reportId: string) => {
    const record = fixture(name) as { mail: { tags?: Record<string, string[]> } };
    record.mail.tags = { ...record.mail.tags, reportId: [reportId], kind: ['newsletter'] };
    return record;
  };
  const counts = async (reportId: string) =>
    (await dynamoReportStore(doc, stack.env.REPORTS_TABLE!).get(reportId))!.counts;
  const row = async (reportId: string, email: string) =>
    (await doc.get({ TableName: stack.env.REPORTS_TABLE, Key: { reportId, item: `to#${email}` } })).Item!;

  it('moves the ledger row and bumps the counters once, however often the event comes', async () => {
    await resetSubscribers(everyone);
    const reportId = await sentReport(['recipient@example.com']);
    const delivery = viaEventBridge(
      tagged('ses-eventpub-via-sns__delivery.json', reportId),
      'Email Delivered',
    );

    const first = await handler(delivery as never);
    expect(first.events[0]).toMatchObject({ reportId, ledger: { moved: 1, unchanged: 0, missing: 0 } });
    await handler(delivery as never);
    await handler(viaSns(tagged('ses-eventpub-via-sns__delivery.json', reportId)) as never);

    expect(await counts(reportId)).toMatchObject({ sent: 1, delivered: 1, bounced: 0 });
    expect((await row(reportId, 'recipient@example.com')).state).toBe('delivered');

    // A late, asynchronous bounce turns the delivery into a bounce, once.
    const bounce = viaEventBridge(tagged('ses-eventpub-via-sns__bounce.json', reportId));
    await handler(bounce as never);
    await handler(bounce as never);
    expect(await counts(reportId)).toMatchObject({ delivered: 0, bounced: 1 });
    expect(await row(reportId, 'recipient@example.com')).toMatchObject({
      state: 'bounced',
      bounceType: 'hard',
      reason: 'Permanent/General 5.1.1',
    });
  });

  it('finds the reader and the ledger row whatever case the receiving server reports the address in', async () => {
    // Stored (and sent to) with capitals; the bounce, complaint and delivery name it otherwise.
    const stored = ['Taro.Case@example.com', 'HANAKO@example.com', 'Jiro@example.com'];
    await resetSubscribers([...stored, 'jiro@example.com']);
    const reportId = await sentReport(stored);
    const event = (
      name: string,
      sentTo: string,
      reported: string,
      path: 'bounce' | 'complaint' | 'delivery',
    ) => {
      const record = tagged(name, reportId) as Record<string, any>;
      record.mail.destination = [sentTo];
      if (path === 'bounce')
        record.bounce.bouncedRecipients = [{ ...record.bounce.bouncedRecipients[0], emailAddress: reported }];
      if (path === 'complaint') record.complaint.complainedRecipients = [{ emailAddress: reported }];
      if (path === 'delivery') record.delivery.recipients = [reported];
      return record;
    };
    await handler(
      viaEventBridge(
        event('ses-eventpub-via-sns__bounce.json', stored[0]!, 'taro.case@EXAMPLE.COM', 'bounce'),
      ) as never,
    );
    await handler(
      viaSns(
        event('ses-eventpub-via-sns__complaint.json', stored[1]!, 'hanako@example.com', 'complaint'),
      ) as never,
    );
    await handler(
      viaEventBridge(
        event('ses-eventpub-via-sns__delivery.json', stored[2]!, 'JIRO@example.com', 'delivery'),
        'Email Delivered',
      ) as never,
    );
    expect((await getSubscriber(stack, stored[0]!)).status).toBe('bounced');
    expect((await getSubscriber(stack, stored[1]!)).status).toBe('complained');
    expect((await getSubscriber(stack, stored[2]!)).softBounces).toBe(0);
    expect((await row(reportId, stored[0]!)).state).toBe('bounced');
    expect((await row(reportId, stored[1]!)).state).toBe('complained');
    expect((await row(reportId, stored[2]!)).state).toBe('delivered');
    expect(await counts(reportId)).toMatchObject({ bounced: 1, complained: 1, delivered: 1 });
    // Another subscription in another spelling that this message was not sent to is left alone.
    expect(await getSubscriber(stack, 'jiro@example.com')).toMatchObject({
      status: 'confirmed',
      softBounces: 2,
    });
  });

  it('counts complaints and SES rejects against the report', async () => {
    await resetSubscribers(everyone);
    const reportId = await sentReport(['recipient@example.com', 'sender@example.com']);
    const complaint = viaSns(tagged('ses-eventpub-via-sns__complaint.json', reportId));
    await handler(complaint as never);
    await handler(complaint as never);
    const reject = viaEventBridge(tagged('ses-eventpub-via-sns__reject.json', reportId), 'Email Rejected');
    await handler(reject as never);
    await handler(reject as never);
    expect(await counts(reportId)).toMatchObject({ complained: 1, failed: 1 });
    expect((await row(reportId, 'recipient@example.com')).state).toBe('complained');
    expect(await row(reportId, 'sender@example.com')).toMatchObject({
      state: 'failed',
      reason: 'rejected by SES: Bad content',
    });
    expect((await getSubscriber(stack, 'sender@example.com')).status).toBe('confirmed');
  });

  it('fails the row of a newsletter SES could not render from its template, once, and leaves the reader alone', async () => {
    await resetSubscribers(everyone);
    const reportId = await sentReport(['recipient@example.com']);
    const failure = viaEventBridge(
      tagged('ses-eventpub-via-sns__failure.json', reportId),
      'Email Rendering Failed',
    );
    await handler(failure as never);
    await handler(failure as never);
    expect(await counts(reportId)).toMatchObject({ failed: 1 });
    expect(await row(reportId, 'recipient@example.com')).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('SES could not render the template'),
    });
    expect((await getSubscriber(stack, 'recipient@example.com')).status).toBe('confirmed');
  });

  it('finds the report through the X-Kawaraban-Report header when SES kept no tags', async () => {
    await resetSubscribers(everyone);
    const reportId = await sentReport(['jane@example.com', 'richard@example.com']);
    const record = fixture('ses-legacy-notification__bounce-no-dsn.json') as {
      mail: { headers?: unknown[] };
    };
    record.mail.headers = [{ name: 'X-Kawaraban-Report', value: reportId }];
    const summary = await handler(viaSns(record) as never);
    expect(summary.events[0]).toMatchObject({ reportId, recipients: 2, ledger: { moved: 2 } });
    expect(await counts(reportId)).toMatchObject({ bounced: 2 });
  });

  it('updates subscribers for mail outside any report (confirmations) and leaves ledgers alone', async () => {
    await resetSubscribers(everyone);
    const reportId = await sentReport(['recipient@example.com']);
    const summary = await handler(viaEventBridge(fixture('ses-eventpub-via-sns__bounce.json')) as never);
    expect(summary.events[0]).toMatchObject({
      reportId: null,
      subscribers: { suppressed: 1 },
      ledger: { moved: 0, missing: 0 },
    });
    expect((await getSubscriber(stack, 'recipient@example.com')).status).toBe('bounced');
    expect((await row(reportId, 'recipient@example.com')).state).toBe('sent');
  });

  it('keeps the suppression of a pending address whose confirmation bounced: its TTL is removed', async () => {
    await resetSubscribers(everyone, 'pending');
    const ttl = Math.floor(Date.now() / 1000) + 86_400;
    await doc.update({
      TableName: stack.env.SUBSCRIBERS_TABLE,
      Key: { email: 'recipient@example.com' },
      UpdateExpression: 'SET expiresAt = :t',
      ExpressionAttributeValues: { ':t': ttl },
    });
    await handler(viaEventBridge(fixture('ses-eventpub-via-sns__bounce.json')) as never);
    const s = (await getSubscriber(stack, 'recipient@example.com')) as Subscriber & { expiresAt?: number };
    expect(s.status).toBe('bounced');
    expect(s.expiresAt).toBeUndefined();
  });

  it('ignores a report id with no ledger row for the address (e.g. an editor notice)', async () => {
    await resetSubscribers(everyone);
    const reportId = await sentReport(['jane@example.com']);
    const summary = await handler(
      viaEventBridge(tagged('ses-eventpub-via-sns__delivery.json', reportId)) as never,
    );
    expect(summary.events[0]).toMatchObject({ ledger: { moved: 0, missing: 1 } });
    expect(await ledgerRows(stack, reportId)).toHaveLength(1);
    expect(await counts(reportId)).toMatchObject({ delivered: 0 });
  });
});

describe('ses-events handler: soft bounces', () => {
  const softBounce = (feedbackId: string) => {
    const record = fixture('ses-eventpub-via-sns__bounce.json') as { bounce: Record<string, unknown> };
    record.bounce.bounceType = 'Transient';
    record.bounce.bounceSubType = 'MailboxFull';
    record.bounce.feedbackId = feedbackId;
    return viaEventBridge(record);
  };
  const delivery = () => viaEventBridge(fixture('ses-eventpub-via-sns__delivery.json'), 'Email Delivered');
  const state = async () => {
    const s = await getSubscriber(stack, 'recipient@example.com');
    return [s.status, s.softBounces ?? 0];
  };

  it('suppresses an address after three in a row, counting each event once', async () => {
    await putSubscribers(stack, [subscriber('recipient@example.com')]);
    await handler(softBounce('fb-1') as never);
    await handler(softBounce('fb-1') as never);
    expect(await state()).toEqual(['confirmed', 1]);
    await handler(viaSns(softBounce('fb-2').detail) as never);
    expect(await state()).toEqual(['confirmed', 2]);
    const third = await handler(softBounce('fb-3') as never);
    expect(third.events[0]?.subscribers.suppressed).toBe(1);
    const s = await getSubscriber(stack, 'recipient@example.com');
    expect([s.status, s.softBounces, s.statusShard]).toEqual(['bounced', 3, statusShard('bounced', s.shard)]);
    // Further soft bounces and deliveries do not bring it back.
    await handler(softBounce('fb-4') as never);
    expect(await state()).toEqual(['bounced', 3]);
  });

  it('starts counting again after a delivery', async () => {
    await putSubscribers(stack, [subscriber('recipient@example.com')]);
    await handler(softBounce('fb-a') as never);
    await handler(softBounce('fb-b') as never);
    expect(await state()).toEqual(['confirmed', 2]);
    await handler(delivery() as never);
    expect(await state()).toEqual(['confirmed', 0]);
    await handler(softBounce('fb-c') as never);
    await handler(softBounce('fb-d') as never);
    expect(await state()).toEqual(['confirmed', 2]);
    // A replay of an event from before the delivery is not counted again.
    await handler(softBounce('fb-c') as never);
    expect(await state()).toEqual(['confirmed', 2]);
  });
});

describe('ses-events handler: other subscriber states and bad input', () => {
  it('keeps an unsubscribed address unsubscribed on a bounce, but records a complaint', async () => {
    const s = subscriber('recipient@example.com');
    await putSubscribers(stack, [s]);
    await setStatus(stack, s, 'unsubscribed');
    await handler(viaEventBridge(fixture('ses-eventpub-via-sns__bounce.json')) as never);
    expect((await getSubscriber(stack, s.email)).status).toBe('unsubscribed');
    await handler(viaEventBridge(fixture('ses-eventpub-via-sns__complaint.json')) as never);
    const after = await getSubscriber(stack, s.email);
    expect([after.status, after.statusShard]).toEqual(['complained', statusShard('complained', s.shard)]);
  });

  it('creates nothing for an address that is not a subscriber', async () => {
    const record = fixture('ses-eventpub-via-sns__complaint.json') as {
      complaint: { complainedRecipients: { emailAddress: string }[] };
    };
    const stranger = stack.address('stranger');
    record.complaint.complainedRecipients = [{ emailAddress: stranger }];
    const summary = await handler(viaEventBridge(record) as never);
    expect(summary.events[0]?.subscribers.unknown).toBe(1);
    expect(await getSubscriber(stack, stranger)).toBeUndefined();
  });

  it('logs and skips payloads that are not SES events, without throwing', async () => {
    for (const payload of [
      fixture('sns-envelope__aws-lambda-go.json'),
      viaSns({ eventType: 'Bounce', mail: { messageId: 'x' } }),
      viaEventBridge({ nonsense: true }),
      fixture('eventbridge-scheduled-event__lambda-docs.json'),
    ]) {
      const summary = await handler(payload as never);
      expect(summary.events).toEqual([]);
      expect(summary.skipped).toHaveLength(1);
    }
  });
});
