/**
 * What the functions emit for CloudWatch, read back from their stdout as Lambda would: metric
 * names, units and dimensions in the embedded metric format (EMF), counts that match what
 * happened, one line per flush instead of one per send, the Lambda context on every log line,
 * and never an address or a token in either.
 */
import '../helpers/telemetry-env.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emfMetrics } from '../../functions/adapters/metrics.ts';
import { countedMailer, observedQuota } from '../../functions/core/send-metrics.ts';
import { apiEvent, formBody } from '../helpers/api-events.ts';
import { putSubscribers, s3, subscriber } from '../helpers/audience.ts';
import { emfRecords, total } from '../helpers/emf.ts';
import { sentTo } from '../helpers/inbox.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { fixture, viaEventBridge } from '../helpers/ses-events.ts';
import { createTestStack, useStackEnv } from '../helpers/stack.ts';

const stack = await createTestStack();
useStackEnv(stack);

const logs = captureLogs();
beforeAll(() => logs.start());
afterAll(() => logs.stop());

const [{ handler: api }, { handler: sesEvents }, { handler: render }, { handler: dispatch }] =
  await Promise.all([
    import('../../functions/api.ts'),
    import('../../functions/ses-events.ts'),
    import('../../functions/render.ts'),
    import('../../functions/dispatch.ts'),
  ]);

const lambdaContext = (requestId: string) =>
  ({
    functionName: 'kawaraban-api-fn',
    functionVersion: '$LATEST',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:kawaraban-api-fn',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

/** The EMF written while `act` runs. */
async function emitted(act: () => Promise<unknown>) {
  const before = logs.text().length;
  await act();
  return emfRecords(logs.text().slice(before));
}

const secrets: string[] = [];
const address = (local: string) => {
  const a = stack.address(local);
  secrets.push(a);
  return a;
};

describe('metrics in EMF', () => {
  it('count sign-ups by outcome and confirmation emails, under the Kawaraban namespace and the deployment', async () => {
    const email = address('new');
    const records = await emitted(async () => {
      await api(
        apiEvent({ method: 'POST', path: '/subscribe', ...formBody({ email }) }),
        lambdaContext('req-1'),
      );
      await api(
        apiEvent({ method: 'POST', path: '/subscribe', ...formBody({ email }) }),
        lambdaContext('req-2'),
      );
      await api(
        apiEvent({ method: 'POST', path: '/subscribe', ...formBody({ email: 'not-an-address' }) }),
        lambdaContext('req-3'),
      );
      await api(
        apiEvent({
          method: 'POST',
          path: '/subscribe',
          ...formBody({ email: address('bot'), website: 'x' }),
        }),
      );
    });
    const signups = records.filter((r) => 'Subscriptions' in r.metrics);
    for (const r of signups) {
      expect(r.namespace).toBe('Kawaraban');
      expect(Object.keys(r.dimensions).sort()).toEqual(['outcome', 'service']);
      expect(r.dimensions.service).toBe('KawarabanTestService');
      expect(r.metrics.Subscriptions!.unit).toBe('Count');
    }
    expect(total(records, 'Subscriptions', 'sent')).toBe(1);
    expect(total(records, 'Subscriptions', 'address-limited')).toBe(1);
    expect(total(records, 'Subscriptions', 'invalid-email')).toBe(1);
    expect(total(records, 'Subscriptions', 'honeypot')).toBe(1);
    expect(total(records, 'ConfirmationEmailsSent')).toBe(1);
    const plain = records.find((r) => 'ConfirmationEmailsSent' in r.metrics)!;
    expect(plain.dimensions).toEqual({ service: 'KawarabanTestService' });
    // The first invocation with a Lambda context is a cold start.
    expect(total(records, 'ColdStart')).toBe(1);
  });

  it('count confirmations and unsubscribes by outcome', async () => {
    const email = address('reader');
    await api(apiEvent({ method: 'POST', path: '/subscribe', ...formBody({ email }) }));
    const [mail] = await sentTo(email);
    const token = /confirm\?token=([A-Za-z0-9_-]+)/.exec(mail!.body.text ?? '')![1]!;
    secrets.push(token);
    const records = await emitted(async () => {
      await api(apiEvent({ method: 'POST', path: '/confirm', ...formBody({ token }) }));
      await api(apiEvent({ method: 'POST', path: '/confirm', ...formBody({ token }) }));
      await api(
        // The last character changed (to another one: a token may already end in A).
        apiEvent({
          method: 'POST',
          path: '/confirm',
          ...formBody({ token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }),
        }),
      );
    });
    expect(total(records, 'Confirmations', 'confirmed')).toBe(1);
    expect(total(records, 'Confirmations', 'already-confirmed')).toBe(1);
    expect(total(records, 'Confirmations', 'invalid')).toBe(1);

    const { unsubscribeToken } = await import('../../functions/core/tokens.ts');
    const unsub = unsubscribeToken(Buffer.from(stack.env.UNSUBSCRIBE_SECRET!), token.slice(0, 22));
    secrets.push(unsub);
    const oneClick = (t: string) =>
      api(
        apiEvent({
          method: 'POST',
          path: '/unsubscribe',
          query: { token: t },
          ...formBody({ 'List-Unsubscribe': 'One-Click' }),
        }),
      );
    const after = await emitted(async () => {
      await oneClick(unsub);
      await oneClick(unsub);
      await oneClick(`${unsub}x`);
      // A page view is not an outcome.
      await api(apiEvent({ path: '/unsubscribe', query: { token: unsub } }));
    });
    expect(total(after, 'Unsubscribes', 'unsubscribed')).toBe(1);
    expect(total(after, 'Unsubscribes', 'already-stopped')).toBe(1);
    expect(total(after, 'Unsubscribes', 'invalid')).toBe(1);
    expect(total(after, 'Unsubscribes')).toBe(3);
  });

  it('count SES feedback per recipient', async () => {
    const records = await emitted(async () => {
      await sesEvents(viaEventBridge(fixture('ses-eventpub-via-sns__bounce.json')) as never);
      await sesEvents(
        viaEventBridge(fixture('ses-eventpub-via-sns__complaint.json'), 'Email Complaint Received') as never,
      );
      await sesEvents(
        viaEventBridge(fixture('ses-eventpub-via-sns__delivery.json'), 'Email Delivered') as never,
      );
      await sesEvents(viaEventBridge(fixture('ses-eventpub-via-sns__open.json'), 'Email Opened') as never);
    });
    expect(total(records, 'HardBounces')).toBe(1);
    expect(total(records, 'Complaints')).toBe(1);
    expect(total(records, 'Deliveries')).toBe(1);
    expect(records.flatMap((r) => Object.keys(r.metrics)).sort()).toEqual([
      'Complaints',
      'Deliveries',
      'HardBounces',
    ]);
  });

  it("count a report's sends in one line per flush, with the quota that was read", async () => {
    const readers = Array.from({ length: 12 }, (_, i) => subscriber(address(`r${i}`)));
    await putSubscribers(stack, readers);
    const sample = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
    );
    const id = '2031-06-01-metrics';
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.env.UPLOAD_BUCKET,
        Key: `reports/${id}.json`,
        Body: JSON.stringify({ ...sample, id }),
      }),
    );
    const event = fixture('s3-objectcreated-put__lambda-docs.json') as { Records: Record<string, any>[] };
    event.Records[0]!.s3.bucket.name = stack.env.UPLOAD_BUCKET;
    event.Records[0]!.s3.object.key = `reports/${id}.json`;
    await render(event as never);
    const records = await emitted(() =>
      dispatch(fixture('eventbridge-scheduled-event__lambda-docs.json') as never),
    );
    const sends = records.filter((r) => 'EmailsSent' in r.metrics);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.metrics.EmailsSent).toEqual({ value: 12, unit: 'Count' });
    expect(sends[0]!.dimensions).toEqual({ service: 'KawarabanTestService' });
    // The SES emulator's AWS_SES_ACCOUNT quota (test/global-setup.ts).
    expect(sends[0]!.metrics.MaxSendRate!.unit).toBe('Count/Second');
    expect(sends[0]!.metrics.MaxSendRate!.value).toBeGreaterThan(0);
    expect(sends[0]!.metrics.Max24HourSend!.value).toBeGreaterThan(0);
    expect(total(records, 'SendThrottles') + total(records, 'SendFailures')).toBe(0);
  });

  it('count throttles and failures apart, and flush a long run every minute with the quota it read', async () => {
    let t = 0;
    const m = emfMetrics({ serviceName: 'KawarabanTestService', now: () => t });
    const errors = [
      Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }),
      Object.assign(new Error('too many'), { name: 'TooManyRequestsException' }),
      Object.assign(new Error('Email address is not verified: someone@example.com'), {
        name: 'MessageRejected',
      }),
      Object.assign(new Error('socket hang up'), { name: 'Error' }),
    ];
    const mailer = countedMailer(
      {
        async send() {
          const e = errors.shift();
          if (e) throw e;
          return { messageId: 'm' };
        },
      },
      m,
    );
    const quota = observedQuota(
      {
        getQuota: async () => ({
          maxSendRate: 14,
          max24HourSend: 50_000,
          sentLast24Hours: 120,
          sendingEnabled: true,
        }),
      },
      m,
    );
    const start = logs.text().length;
    const records = await emitted(async () => {
      await quota.getQuota();
      for (let i = 0; i < 10; i++)
        await mailer.send({ to: 'x@example.com', subject: 's', html: 'h', text: 't' }).catch(() => {});
      t += 59_999;
      await mailer.send({ to: 'x@example.com', subject: 's', html: 'h', text: 't' });
      expect(emfRecords(logs.text().slice(start))).toEqual([]); // nothing forces a flush yet …
      t += 1;
      await mailer.send({ to: 'x@example.com', subject: 's', html: 'h', text: 't' }); // … a minute since the last one does
      await mailer.send({ to: 'x@example.com', subject: 's', html: 'h', text: 't' });
      m.flush();
      m.flush(); // nothing new: no line
    });
    expect(records).toHaveLength(2);
    expect(records[0]!.metrics).toMatchObject({
      EmailsSent: { value: 8, unit: 'Count' },
      SendThrottles: { value: 2, unit: 'Count' },
      SendFailures: { value: 2, unit: 'Count' },
      MaxSendRate: { value: 14, unit: 'Count/Second' },
      Max24HourSend: { value: 50_000 },
      SentLast24Hours: { value: 120 },
    });
    // The quota read once is repeated with the later sends, so every period has a rate to compare with.
    expect(records[1]!.metrics).toEqual({
      EmailsSent: { value: 1, unit: 'Count' },
      MaxSendRate: { value: 14, unit: 'Count/Second' },
      Max24HourSend: { value: 50_000, unit: 'Count' },
      SentLast24Hours: { value: 120, unit: 'Count' },
    });
  });
});

describe('logs', () => {
  it("carry the function's own service name and its Lambda context (request id, cold start)", async () => {
    const before = logs.text().length;
    await api(apiEvent({ path: '/' }), lambdaContext('req-context-1'));
    const line = logs
      .text()
      .slice(before)
      .split('\n')
      .find((l) => l.includes('"message":"request"'));
    expect(JSON.parse(line!)).toMatchObject({
      service: 'kawaraban-api',
      function_name: 'kawaraban-api-fn',
      function_request_id: 'req-context-1',
      cold_start: false, // the first request of this instance was the cold one
    });
  });

  it('and the metrics never carry an address or a token', () => {
    const text = logs.text();
    expect(text).toContain('"_aws"'); // the capture works
    for (const s of secrets) expect(text.toLowerCase()).not.toContain(s.toLowerCase().slice(-40));
    const emf = text.split('\n').filter((l) => l.includes('"_aws"'));
    expect(emf.join('\n')).not.toMatch(/[A-Za-z0-9_-]{43,}|@/);
  });
});
