/**
 * The unsubscribe key as on AWS: functions/api.ts configured with UNSUBSCRIBE_SECRET_ARN reads
 * it from Secrets Manager (a loopback stub: no emulator exists) once per cold start, never logs it, and a key
 * too short to be a real one fails clearly — a 503 and a log line naming the problem — without
 * poisoning the instance: the next request reads again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsStub } from '../helpers/secrets-stub.ts';
import { unsubscribeToken } from '../../functions/core/tokens.ts';
import { apiEvent, formBody } from '../helpers/api-events.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { sentTo } from '../helpers/inbox.ts';
import { createTestStack, useStackEnv } from '../helpers/stack.ts';

const stack = await createTestStack();
useStackEnv(stack);
delete process.env.UNSUBSCRIBE_SECRET;
process.env.UNSUBSCRIBE_SECRET_ARN =
  'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:kawaraban-unsubscribe-AbCdEf';

let secretString: string | undefined = 'Sh0rtKeyValue-f00';
const sm = await secretsStub(() => ({ SecretString: secretString }));
sm.useAsEndpoint();
let readsBefore = 0;
const reads = () => sm.reads() - readsBefore;

const { handler } = await import('../../functions/api.ts');
const call = async (init: Parameters<typeof apiEvent>[0]) => {
  const res = await handler(apiEvent(init));
  return { ...res, statusCode: res.statusCode ?? 0 };
};

const logs = captureLogs();
beforeAll(() => logs.start());
afterAll(async () => {
  logs.stop();
  await sm.close();
});

const goodKey = `${'k'.repeat(20)}GeneratedBySecretsManager0123456789abcdefghijklmn`;
const someToken = unsubscribeToken(Buffer.from(goodKey), 'AAAAAAAAAAAAAAAAAAAAAA');

describe('the unsubscribe key from Secrets Manager', () => {
  it('a key shorter than 32 characters fails clearly, is not logged, and is read again next time', async () => {
    const page = await call({ path: '/unsubscribe', query: { token: someToken } });
    expect(page.statusCode).toBe(503);
    expect(page.body).not.toContain(secretString);
    const oneClick = await call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: someToken },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(oneClick.statusCode).toBe(503);
    expect(reads()).toBe(2);
    expect(logs.text()).toContain('unsubscribe secret is missing or shorter than 32 characters');
    expect(logs.text()).not.toContain(secretString);

    secretString = undefined; // a binary secret, or none
    expect((await call({ path: '/unsubscribe', query: { token: someToken } })).statusCode).toBe(503);
    expect(reads()).toBe(3);
  });

  it('is read once per cold start, then serves every request, and never appears in a log', async () => {
    secretString = goodKey;
    readsBefore = sm.reads();
    const email = stack.address();
    const sub = await call({ method: 'POST', path: '/subscribe', ...formBody({ email }) });
    expect(sub.statusCode).toBe(200);
    const [mail] = await sentTo(email);
    const token = /confirm\?token=([A-Za-z0-9_-]+)/.exec(mail!.body.text ?? '')![1]!;
    expect((await call({ method: 'POST', path: '/confirm', ...formBody({ token }) })).statusCode).toBe(200);
    const id = token.slice(0, 22);
    const unsub = unsubscribeToken(Buffer.from(goodKey), id);
    for (let i = 0; i < 3; i++)
      expect((await call({ path: '/unsubscribe', query: { token: unsub } })).statusCode).toBe(200);
    const forged = unsubscribeToken(Buffer.from('another-key-0123456789abcdef0123456789'), id);
    expect((await call({ path: '/unsubscribe', query: { token: forged } })).statusCode).toBe(400);
    const done = await call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: unsub },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(done.statusCode).toBe(200);
    expect(reads()).toBe(1);
    expect(logs.text()).not.toContain(goodKey);
  });
});
