/**
 * The mailto: unsubscribe Lambda against DynamoDB Local, fed the SES docs' receipt-rule sample
 * with only the recipients, subject and verdicts replaced. A newsletter goes out through the real
 * dispatcher, the reader "replies" to its List-Unsubscribe mailto, and the next newsletter does
 * not reach them; every other kind of mail changes nothing and gets no answer.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStack, testSecret, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { dispatchRun, dispatchSetup, sentCounts } from '../helpers/dispatch-setup.ts';
import { getSubscriber, putSubscribers, seedReport, subscriber } from '../helpers/audience.ts';
import { dynamoError } from '../helpers/faulty-dynamo.ts';
import { header, sentTo } from '../helpers/inbox.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { receiptEvent, type ReceiptInit } from '../helpers/ses-receipts.ts';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { statusShard, type Subscriber, type SubscriberStatus } from '../../functions/core/subscriber.ts';
import { newSubscriberId, unsubscribeToken } from '../../functions/core/tokens.ts';

type Handler = typeof import('../../functions/inbound-unsubscribe.ts')['handler'];
let stack: TestStack;
let handler: Handler;
const key = Buffer.from(testSecret, 'utf8');
const logs = captureLogs();

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler } = await import('../../functions/inbound-unsubscribe.ts'));
  logs.start();
});
afterAll(() => logs.stop());

const mailbox = () => stack.config.unsubscribeMailto;

/** A subscriber in the table and the token of their List-Unsubscribe header. */
async function reader(status: SubscriberStatus = 'confirmed'): Promise<{ sub: Subscriber; token: string }> {
  const sub = subscriber(stack.address(), status);
  await putSubscribers(stack, [sub]);
  return { sub, token: unsubscribeToken(key, sub.id) };
}

/** A mail to our mailbox (unless recipients say otherwise) from a unique, forgeable sender. */
function mail(init: ReceiptInit) {
  return receiptEvent({ recipients: [mailbox()], from: stack.address('sender'), ...init });
}

describe('a reader unsubscribes by replying to the List-Unsubscribe mailto', () => {
  it('is unsubscribed, and the next newsletter does not reach them (it still reaches others)', async () => {
    const leaving = subscriber(stack.address('leaving'));
    const staying = subscriber(stack.address('staying'));
    await putSubscribers(stack, [leaving, staying]);
    const { deps, settings } = dispatchSetup(stack);
    await seedReport(stack);
    await dispatchDue(deps, settings, dispatchRun());
    expect(await sentCounts([leaving.email, staying.email])).toEqual([1, 1]);

    // What the reader's mail client does with the header: a mail to the address, with the subject.
    const [newsletter] = await sentTo(leaving.email);
    const listUnsubscribe = header(newsletter!, 'List-Unsubscribe')!;
    const [, to, subject] = /<mailto:([^?>]+)\?subject=([^>]+)>/.exec(listUnsubscribe)!;
    const from = leaving.email;
    const summary = await handler(
      receiptEvent({ recipients: [to!], subject: `Re: ${decodeURIComponent(subject!)}`, from }),
    );

    expect(summary).toEqual({ outcomes: ['unsubscribed'] });
    const row = await getSubscriber(stack, leaving.email);
    expect(row).toMatchObject({
      status: 'unsubscribed',
      statusShard: statusShard('unsubscribed', leaving.shard),
    });
    expect(Date.parse(String(row.unsubscribedAt))).not.toBeNaN();
    expect((await getSubscriber(stack, staying.email)).status).toBe('confirmed');

    await seedReport(stack);
    await dispatchDue(deps, settings, dispatchRun());
    expect(await sentCounts([leaving.email, staying.email])).toEqual([1, 2]);
    // Nothing was sent back to the sender: one newsletter, no reply.
    expect((await sentTo(from)).map((m) => m.subject)).toEqual([newsletter!.subject]);
  });

  it('the same mail twice is harmless: still unsubscribed, the time of the first kept', async () => {
    const { sub, token } = await reader();
    const event = mail({ subject: `AW: unsubscribe-${token}` });
    expect(await handler(event)).toEqual({ outcomes: ['unsubscribed'] });
    const first = await getSubscriber(stack, sub.email);
    expect(await handler(event)).toEqual({ outcomes: ['unsubscribed'] });
    expect(await getSubscriber(stack, sub.email)).toEqual(first);
  });

  it('also ends a pending sign-up, and leaves a bounced or complained reader as they are', async () => {
    const pending = await reader('pending');
    expect(await handler(mail({ subject: `unsubscribe-${pending.token}` }))).toEqual({
      outcomes: ['unsubscribed'],
    });
    expect((await getSubscriber(stack, pending.sub.email)).status).toBe('unsubscribed');
    for (const status of ['bounced', 'complained'] as const) {
      const r = await reader(status);
      const before = await getSubscriber(stack, r.sub.email);
      expect(await handler(mail({ subject: `unsubscribe-${r.token}` }))).toEqual({
        outcomes: ['unsubscribed'],
      });
      expect(await getSubscriber(stack, r.sub.email)).toEqual(before);
    }
  });

  it('a spam verdict does not stop a valid token', async () => {
    const { sub, token } = await reader();
    expect(await handler(mail({ subject: `Re: unsubscribe-${token}`, spam: 'FAIL' }))).toEqual({
      outcomes: ['unsubscribed'],
    });
    expect((await getSubscriber(stack, sub.email)).status).toBe('unsubscribed');
  });
});

describe('every other mail changes nothing and gets no answer', () => {
  async function unchanged(init: (token: string) => ReceiptInit, outcome: string) {
    const { sub, token } = await reader();
    const before = await getSubscriber(stack, sub.email);
    const event = mail(init(token));
    const from = event.Records[0]!.ses.mail.source;
    expect(await handler(event)).toEqual({ outcomes: [outcome] });
    expect(await getSubscriber(stack, sub.email)).toEqual(before);
    expect(await sentTo(from)).toEqual([]);
  }

  it('a forged token (the MAC changed)', async () => {
    await unchanged(
      (t) => ({ subject: `Re: unsubscribe-${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}` }),
      'invalid-token',
    );
  });

  it('a token made with another key', async () => {
    await unchanged(
      () => ({ subject: `unsubscribe-${unsubscribeToken(randomBytes(32), newSubscriberId())}` }),
      'invalid-token',
    );
  });

  it('a truncated token', async () => {
    await unchanged((t) => ({ subject: `Re: unsubscribe-${t.slice(0, 60)}` }), 'no-token');
  });

  it("no token at all (the sample's own subject)", async () => {
    await unchanged(() => ({}), 'no-token');
  });

  it('no subject', async () => {
    await unchanged(() => ({ subject: null }), 'no-token');
  });

  it('a valid token sent to another recipient', async () => {
    await unchanged(
      (t) => ({ subject: `unsubscribe-${t}`, recipients: ['someone-else@example.jp'] }),
      'not-for-us',
    );
  });

  it('a valid token in a mail SES found a virus in', async () => {
    await unchanged((t) => ({ subject: `unsubscribe-${t}`, virus: 'FAIL' }), 'virus');
  });

  it('an event without records, or records that are not SES receipts', async () => {
    expect(await handler({} as never)).toEqual({ outcomes: [] });
    expect(await handler({ Records: [{ eventSource: 'aws:sns' }] } as never)).toEqual({
      outcomes: ['not-for-us'],
    });
  });
});

describe('failures and logs', () => {
  it('a storage error throws (Lambda retries the event) and the retry unsubscribes', async () => {
    const { sub, token } = await reader();
    const event = mail({ subject: `unsubscribe-${token}` });
    // The handler's own module-level client, its queries throttled (a fault the emulator cannot produce).
    const throttled = vi
      .spyOn(dynamo, 'query')
      .mockRejectedValue(
        dynamoError('ProvisionedThroughputExceededException', { message: 'Throughput exceeded' }),
      );
    try {
      await expect(handler(event)).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    } finally {
      throttled.mockRestore();
    }
    expect((await getSubscriber(stack, sub.email)).status).toBe('confirmed');
    expect(await handler(event)).toEqual({ outcomes: ['unsubscribed'] });
    expect((await getSubscriber(stack, sub.email)).status).toBe('unsubscribed');
  });

  it('handles several records and logs only their kinds and counts, never an address, subject or token', async () => {
    const a = await reader();
    const b = await reader();
    const records = [
      mail({ subject: `Re: unsubscribe-${a.token}` }),
      mail({ subject: `unsubscribe-${b.token}`, recipients: ['other@example.jp'] }),
      mail({ subject: 'please remove me' }),
    ].map((e) => e.Records[0]!);
    const before = logs.text().length;
    expect(await handler({ Records: records })).toEqual({
      outcomes: ['unsubscribed', 'not-for-us', 'no-token'],
    });
    const written = logs.text().slice(before);
    expect(written).toContain('inbound-unsubscribe: handled');
    expect(written).toMatch(/"unsubscribed":1/);
    expect(written).toMatch(/"not-for-us":1/);
    for (const secret of [
      a.token,
      b.token,
      a.sub.email,
      b.sub.email,
      a.sub.id,
      'please remove me',
      mailbox(),
      String(records[0]!.ses.mail.source),
    ]) {
      expect(written).not.toContain(secret);
    }
  });
});
