/**
 * The Lambda entry itself (functions/api.ts), configured from the environment exactly as on
 * AWS, driven with API Gateway v2 events: the whole double opt-in and one-click unsubscribe.
 */
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { unsubscribeToken } from '../../functions/core/tokens.ts';
import { apiEvent, formBody, jsonBody } from '../helpers/api-events.ts';
import { sentTo } from '../helpers/inbox.ts';
import { createTestStack, testSecret, useStackEnv } from '../helpers/stack.ts';

const stack = await createTestStack();
useStackEnv(stack);
const { handler } = await import('../../functions/api.ts');

const row = async (email: string) =>
  (await dynamo.get({ TableName: stack.env.SUBSCRIBERS_TABLE!, Key: { email }, ConsistentRead: true })).Item;

describe('functions/api.ts handler', () => {
  it('serves the hosted subscribe page in Japanese with the security headers', async () => {
    const res = await handler(apiEvent({ path: '/' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="ja">');
    expect(res.body).toContain('<label for="email">メールアドレス</label>');
    expect(res.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    expect(res.headers!['Content-Security-Policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers!['Content-Security-Policy']).not.toMatch(/script-src|unsafe-inline/);
  });

  it('offers the configured unsubscribe mailbox on a broken unsubscribe link, changing nothing', async () => {
    const res = await handler(apiEvent({ path: '/unsubscribe', query: { token: 'not-a-token' } }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`mailto:${stack.env.UNSUBSCRIBE_MAILTO}?subject=unsubscribe`);
  });

  it('subscribes, confirms through the emailed link, and unsubscribes with one click', async () => {
    const email = stack.address();
    const sub = await handler(
      apiEvent({
        method: 'POST',
        path: '/subscribe',
        ...jsonBody({ email }),
        headers: { ...jsonBody({}).headers, accept: 'application/json' },
      }),
    );
    expect(sub.statusCode).toBe(200);
    const [mail] = await sentTo(email);
    const link = /https:\/\/news\.example\.jp\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail!.body.text ?? '');
    expect(link).not.toBeNull();
    const token = link![1]!;

    expect((await handler(apiEvent({ path: '/confirm', query: { token } }))).statusCode).toBe(200);
    expect((await row(email))?.status).toBe('pending');

    // A browser form post: API Gateway hands it over base64-encoded.
    const { body, headers } = formBody({ token });
    const confirmed = await handler(
      apiEvent({ method: 'POST', path: '/confirm', body: Buffer.from(body), headers }),
    );
    expect(confirmed.statusCode).toBe(200);
    const after = await row(email);
    expect(after?.status).toBe('confirmed');

    const unsub = unsubscribeToken(Buffer.from(testSecret, 'utf8'), after!.id as string);
    const res = await handler(
      apiEvent({
        method: 'POST',
        path: '/unsubscribe',
        query: { token: unsub },
        ...formBody({ 'List-Unsubscribe': 'One-Click' }),
      }),
    );
    expect(res.statusCode).toBe(200);
    expect((await row(email))?.status).toBe('unsubscribed');
  });
});
