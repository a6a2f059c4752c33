/**
 * The three Lambda handlers in sequence, as on AWS: an upload accepted by the render function is
 * sent by the dispatch function (real GetAccount quota from the SES emulator), and the SES
 * events of what was sent reach the ledger through the ses-events function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createTestStack, testSecret, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { header, sentTo } from '../helpers/inbox.ts';
import { doc, ledgerRows, putSubscribers, s3, subscriber } from '../helpers/audience.ts';
import { fixture, viaEventBridge } from '../helpers/ses-events.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { verifyUnsubscribeToken } from '../../functions/core/tokens.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
});

const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
);

describe('render → dispatch → ses-events handlers', () => {
  it('deliver an uploaded report to every confirmed subscriber, with working links, and record its feedback', async () => {
    const render = (await import('../../functions/render.ts')).handler;
    const dispatch = (await import('../../functions/dispatch.ts')).handler;
    const sesEvents = (await import('../../functions/ses-events.ts')).handler;
    const readers = [
      subscriber(stack.address('a')),
      subscriber(stack.address('b'), 'confirmed', 'en'),
      subscriber(stack.address('c')),
    ];
    const pending = subscriber(stack.address('p'), 'pending');
    await putSubscribers(stack, [...readers, pending]);
    const id = '2030-04-01-e2e';

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
    expect((await render(event as never)).results[0]).toMatchObject({
      kind: 'scheduled',
      reportId: id,
      audience: 3,
    });

    const summary = await dispatch(fixture('eventbridge-scheduled-event__lambda-docs.json') as never);
    expect(summary.reports).toEqual([expect.objectContaining({ reportId: id, outcome: 'sent', sent: 3 })]);
    expect(await sentTo(pending.email)).toEqual([]);

    const key = Buffer.from(testSecret);
    for (const r of readers) {
      const mails = await sentTo(r.email);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(header(mail, 'X-Kawaraban-Report')).toBe(id);
      const token = /unsubscribe\?token=([A-Za-z0-9_-]+)/.exec(mail.body.html ?? '')?.[1];
      expect(verifyUnsubscribeToken(key, token)).toBe(r.id);
      expect(mail.subject).toContain(sample.title);
      expect(mail.subject.startsWith(r.locale === 'en' ? '[' : '【')).toBe(true);

      // SES reports the delivery; the header leads the event back to this report's ledger.
      const delivered = fixture('ses-eventpub-via-sns__delivery.json') as any;
      delivered.mail.messageId = mail.messageId;
      delivered.mail.destination = [r.email];
      delivered.mail.headers = mail.headers;
      delivered.mail.tags = {};
      delivered.delivery.recipients = [r.email];
      await sesEvents(viaEventBridge(delivered, 'Email Delivered') as never);
    }
    const rows = await ledgerRows(stack, id);
    expect(rows.map((r) => r.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(await dynamoReportStore(doc, stack.env.REPORTS_TABLE!).get(id)).toMatchObject({
      status: 'SENT',
      counts: { audience: 3, sent: 3, delivered: 3 },
    });
    // The editors heard twice: accepted, then sent.
    const notices = await sentTo(stack.config.editors[0]!);
    expect(notices.map((n) => n.subject.includes('受付完了') || n.subject.includes('配信完了'))).toEqual([
      true,
      true,
    ]);
  });
});
