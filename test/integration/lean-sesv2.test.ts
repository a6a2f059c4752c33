/**
 * The lean SES v2 clients (functions/adapters/aws/lean/sesv2.ts) against the SES emulator, the
 * endpoint taken from AWS_ENDPOINT_URL_SESV2 as on AWS from the region: GetAccount's quota, a
 * Simple message with its headers and tags, a raw message whose bytes travel as base64, and a
 * request the emulator refuses surfacing as an error with its status.
 */
import { describe, expect, it } from 'vitest';
import { sesv2 } from '../../functions/adapters/aws/sesv2.ts';
import { sesv2Sending } from '../../functions/adapters/aws/sesv2-sending.ts';
import { header, sentTo } from '../helpers/inbox.ts';

const to = (tag: string) => `lean-${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

describe('the lean SES v2 clients against the emulator', () => {
  it('read the account quota with numbers as numbers', async () => {
    const account = await sesv2.getAccount();
    expect(typeof account.SendQuota?.MaxSendRate).toBe('number');
    expect(account.SendQuota!.MaxSendRate!).toBeGreaterThan(0);
    expect(account.SendQuota!.Max24HourSend!).toBeGreaterThan(0);
  });

  it('send a Simple message with its headers, in Japanese, through the newsletter client', async () => {
    const address = to('simple');
    const out = await sesv2Sending.sendEmail({
      FromEmailAddress: 'news@example.jp',
      Destination: { ToAddresses: [address] },
      EmailTags: [{ Name: 'reportId', Value: 'r-1' }],
      Content: {
        Simple: {
          Subject: { Data: '件名 "引用" \\ 😀', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>本文\u2028</p>' }, Text: { Data: '本文' } },
          Headers: [{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }],
        },
      },
    });
    const [mail] = await sentTo(address);
    expect(mail?.messageId).toBe(out.MessageId);
    expect(mail?.subject).toBe('件名 "引用" \\ 😀');
    expect(mail?.body.html).toBe('<p>本文\u2028</p>');
    expect(mail && header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('send a raw message given as bytes', async () => {
    const address = to('raw');
    const raw = `From: news@example.jp\r\nTo: ${address}\r\nSubject: raw one\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nbody\r\n`;
    const out = await sesv2.sendEmail({ Content: { Raw: { Data: new TextEncoder().encode(raw) } } });
    expect(out.MessageId).toBeTruthy();
    const [mail] = await sentTo(address);
    expect(mail?.subject).toBe('raw one');
  });

  it('surface a refusal as an error with its status, after one attempt for newsletters', async () => {
    const err = await sesv2Sending
      .sendEmail({ Destination: { ToAddresses: [to('refused')] }, Content: {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ $metadata: { httpStatusCode: 400, attempts: 1 } });
  });
});
