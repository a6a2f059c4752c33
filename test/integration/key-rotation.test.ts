/**
 * Unsubscribe key rotation against the emulators, with the real handlers reading the keyring from
 * a file as the local runtime does, and `kawaraban secrets rotate` changing it in between:
 * mail sent after a rotation carries the new key id, links sent before (with a key id or without)
 * keep working, and after `--retire-old-now` (a leak) they show the page that offers the contact
 * and change nothing.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { MIN_REFRESH_MS } from '../../functions/adapters/secret.ts';
import { LEGACY_KEY_ID, unsubscribeToken } from '../../functions/core/tokens.ts';
import { apiEvent, formBody } from '../helpers/api-events.ts';
import { getSubscriber, putSubscribers, s3, subscriber } from '../helpers/audience.ts';
import { runCli } from '../helpers/cli.ts';
import { sentTo } from '../helpers/inbox.ts';
import { receiptEvent } from '../helpers/ses-receipts.ts';
import { fixture } from '../helpers/ses-events.ts';
import { createTestStack, testSecret, useStackEnv } from '../helpers/stack.ts';
import { stackOutputs } from '../helpers/stack-outputs.ts';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';

const dir = mkdtempSync(join(tmpdir(), 'kawaraban-keys-'));
const secretFile = join(dir, 'unsubscribe-secret');
writeFileSync(secretFile, `${testSecret}\n`, { mode: 0o600 });
// The CLI must find this stack's file, never a developer's running local stack.
process.env.KAWARABAN_LOCAL_DIR = join(dir, 'no-local-stack');
const stack = await createTestStack({ UNSUBSCRIBE_SECRET_FILE: secretFile, SECRET_MAX_AGE_SECONDS: '300' });
useStackEnv(stack);
delete process.env.UNSUBSCRIBE_SECRET;
delete process.env.UNSUBSCRIBE_SECRET_ARN;

const [{ handler: render }, { handler: dispatch }, { handler: api }, { handler: inbound }, { main }] =
  await Promise.all([
    import('../../functions/render.ts'),
    import('../../functions/dispatch.ts'),
    import('../../functions/api.ts'),
    import('../../functions/inbound-unsubscribe.ts'),
    import('../../cli/main.ts'),
  ]);
/** A reply to the newsletter's List-Unsubscribe mailto, as SES receiving hands it over. */
const byMail = async (token: string) =>
  (
    await inbound(
      receiptEvent({ recipients: [stack.env.UNSUBSCRIBE_MAILTO!], subject: `Re: unsubscribe-${token}` }),
    )
  ).outcomes;
const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
);

/** Uploads, renders and sends a report; the token in each reader's newest mail of it. */
async function send(id: string, emails: string[]): Promise<string[]> {
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
  expect((await render(event as never)).results[0]).toMatchObject({ kind: 'scheduled' });
  const summary = await dispatch(fixture('eventbridge-scheduled-event__lambda-docs.json') as never);
  expect(summary.reports).toEqual([expect.objectContaining({ reportId: id, outcome: 'sent' })]);
  const tokens: string[] = [];
  for (const email of emails) {
    const mail = (await sentTo(email)).find((m) => m.headers?.some((h) => h.value === id));
    tokens.push(/unsubscribe\?token=([A-Za-z0-9_-]+)/.exec(mail!.body.html ?? '')![1]!);
  }
  return tokens;
}

const page = async (token: string) => {
  const res = await api(apiEvent({ path: '/unsubscribe', query: { token } }));
  return { status: res.statusCode, body: String(res.body) };
};
const oneClick = async (token: string) =>
  api(
    apiEvent({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    }),
  );
const rotate = (...args: string[]) => runCli(main, ['--lang', 'en', 'secrets', 'rotate', ...args]);

describe('unsubscribe key rotation', () => {
  const readers = [
    subscriber(stack.address('a')),
    subscriber(stack.address('b')),
    subscriber(stack.address('c')),
    subscriber(stack.address('d')),
    subscriber(stack.address('e')),
  ];

  it('new mail carries the new key id; links sent before, with the old key id or none, keep working', async () => {
    await putSubscribers(stack, readers);
    const before = await send(
      '2031-05-01-before',
      readers.map((r) => r.email),
    );
    expect(before.every((t) => t.length === 69 && t.slice(22, 26) === LEGACY_KEY_ID)).toBe(true);
    // A link from before key ids existed: made with the same plain secret, no key id.
    const legacy = unsubscribeToken(Buffer.from(testSecret), readers[1]!.id);

    const rotated = await rotate();
    expect(rotated.code).toBe(0);
    const added = /added unsubscribe key ([a-z0-9]{4})/.exec(rotated.out)![1]!;
    expect(rotated.out).toMatch(
      new RegExp(`key ${LEGACY_KEY_ID} keeps verifying links already sent until \\d{4}-\\d{2}-\\d{2}`),
    );
    expect(rotated.out).not.toContain(testSecret);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const keys = (await runCli(main, ['secrets', 'keys', '--lang', 'en'])).out;
    expect(keys).toMatch(new RegExp(`^${added}  signing  added \\d{4}-\\d{2}-\\d{2}  retires —$`, 'm'));
    expect(keys).toMatch(new RegExp(`^${LEGACY_KEY_ID}  verifying only  added —  retires \\d{4}`, 'm'));

    // The api cached the old ring (maxAge 300 s): a link with the new key makes it read again.
    const after = await send(
      '2031-05-08-after',
      readers.map((r) => r.email),
    );
    expect(after.map((t) => t.slice(22, 26))).toEqual(readers.map(() => added));
    expect(await page(after[2]!)).toMatchObject({ status: 200 });
    expect(await page(before[0]!)).toMatchObject({ status: 200 });
    expect(await page(legacy)).toMatchObject({ status: 200 });

    expect((await oneClick(before[0]!)).statusCode).toBe(200);
    expect((await oneClick(legacy)).statusCode).toBe(200);
    expect((await getSubscriber(stack, readers[0]!.email)).status).toBe('unsubscribed');
    expect((await getSubscriber(stack, readers[1]!.email)).status).toBe('unsubscribed');
    // The mailto of the new mail carries the new key id too, and the inbound function knows it.
    expect(await byMail(after[3]!)).toEqual(['unsubscribed']);
    expect((await getSubscriber(stack, readers[3]!.email)).status).toBe('unsubscribed');
  });

  it('after a leak the old keys retire at once: their links show the contact and change nothing', async () => {
    const tokens = { old: unsubscribeToken(Buffer.from(testSecret), readers[2]!.id) };
    const leak = await rotate('--retire-old-now');
    expect(leak.code).toBe(0);
    expect(leak.out).toMatch(/is retired: its links show the page that offers the contact/);
    const newest = /added unsubscribe key ([a-z0-9]{4})/.exec(leak.out)![1]!;

    // Both earlier keys are retired now. This warm api instance still holds the ring it read
    // (maxAge 300 s) until a link names a key it does not know, which makes it read again — at
    // most once per 10 s, so the test moves the clock past that.
    const fresh = await send('2031-05-15-leak', [readers[4]!.email]);
    expect(fresh[0]!.slice(22, 26)).toBe(newest);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + MIN_REFRESH_MS });
    expect(await page(fresh[0]!)).toMatchObject({ status: 200 });
    const retired = await page(tokens.old);
    expect(retired.status).toBe(400);
    expect(retired.body).toContain('contact@example.jp');
    expect(retired.body).toContain('有効期限');
    const res = await oneClick(tokens.old);
    expect(res.statusCode).toBe(400);
    expect((await getSubscriber(stack, readers[2]!.email)).status).toBe('confirmed');
    // The inbound function, too, holds its ring until maxAge or a key it does not know.
    expect(await byMail(fresh[0]!)).toEqual(['unsubscribed']);
    expect(await byMail(tokens.old)).toEqual(['retired-key']);
    expect((await getSubscriber(stack, readers[2]!.email)).status).toBe('confirmed');
    // A forged link under a retired key is the ordinary broken-link page, not the retired one.
    const forged =
      `${tokens.old.slice(0, -2)}AA` === tokens.old
        ? `${tokens.old.slice(0, -2)}BB`
        : `${tokens.old.slice(0, -2)}AA`;
    expect((await page(forged)).body).not.toContain('有効期限');
    vi.useRealTimers();
  });

  it('refuses a bad number of days, or a stack whose secret it cannot tell, without changing anything', async () => {
    const ring = readFileSync(secretFile, 'utf8');
    for (const days of ['-1', 'two', '1.5', '', '1e3', '36501'])
      expect((await rotate('--keep-old-days', days)).code).toBe(1);
    // --stack means AWS: the local file (in the environment here) must not be rotated instead.
    // The stack (DescribeStacks mocked) is one deployed before it output its secret's ARN.
    const cfn = mockClient(CloudFormationClient);
    stackOutputs(cfn, 'Kawaraban', process.env.AWS_REGION!, {
      stateful: { UploadBucketName: 'b', SubscribersTableName: 's', ReportsTableName: 'r' },
    });
    const aws = await rotate('--stack', 'Kawaraban');
    cfn.restore();
    expect(aws.code).toBe(1);
    expect(aws.err).toContain('UNSUBSCRIBE_SECRET_ARN');
    expect(readFileSync(secretFile, 'utf8')).toBe(ring);
  });
});
