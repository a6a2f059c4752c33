/** The test send's recipient rules and who the caller is (STS only through a mock: no emulator has it). */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { testSendCaller } from '../../cli/report-send-test.ts';
import { MAX_TEST_RECIPIENTS, parseTestRecipients } from '../../functions/core/use-cases/send-test.ts';

describe('parseTestRecipients', () => {
  it('takes up to ten distinct addresses, trimmed and normalised', () => {
    const ten = Array.from({ length: MAX_TEST_RECIPIENTS }, (_, i) => `e${i}@example.jp`);
    expect(parseTestRecipients(ten.join(','))).toEqual({ ok: true, addresses: ten });
    expect(parseTestRecipients(' a@Example.JP ,b@example.jp')).toEqual({
      ok: true,
      addresses: ['a@example.jp', 'b@example.jp'],
    });
  });

  it('names every problem: none, too many, invalid, empty, the same mailbox twice', () => {
    expect(parseTestRecipients('  ')).toEqual({ ok: false, problems: [{ kind: 'none' }] });
    const eleven = Array.from({ length: 11 }, (_, i) => `e${i}@example.jp`).join(',');
    expect(parseTestRecipients(eleven)).toEqual({
      ok: false,
      problems: [{ kind: 'too-many', count: 11, max: 10 }],
    });
    const r = parseTestRecipients('a@example.jp,,A@example.jp,x,b+1@example.jp,B+2@EXAMPLE.jp');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      { kind: 'invalid', position: 2, value: '', problem: 'empty' },
      { kind: 'duplicate', position: 3, value: 'A@example.jp', firstPosition: 1 },
      { kind: 'invalid', position: 4, value: 'x', problem: 'missing-at' },
      { kind: 'duplicate', position: 6, value: 'B+2@EXAMPLE.jp', firstPosition: 5 },
    ]);
  });
});

describe('testSendCaller', () => {
  const sts = mockClient(STSClient);
  const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, editor: process.env.KAWARABAN_EDITOR };
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  afterEach(() => {
    sts.reset();
    restore('AWS_ENDPOINT_URL_S3', saved.s3);
    restore('KAWARABAN_EDITOR', saved.editor);
  });

  it('records the ARN STS gives when the stack is on AWS', async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    sts.on(GetCallerIdentityCommand).resolves({
      UserId: 'AROAEXAMPLE:tanaka@corp',
      Arn: 'arn:aws:sts::123456789012:assumed-role/Editor/tanaka@corp',
      Account: '123456789012',
    });
    expect(await testSendCaller()).toBe('arn:aws:sts::123456789012:assumed-role/Editor/tanaka@corp');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('refuses (null) when STS names nobody', async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    sts.on(GetCallerIdentityCommand).resolves({});
    expect(await testSendCaller()).toBeNull();
  });

  it('names the local user against the local stack, without calling STS', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:4569';
    process.env.KAWARABAN_EDITOR = ' sato ';
    expect(await testSendCaller()).toBe('local:sato');
    delete process.env.KAWARABAN_EDITOR;
    expect(await testSendCaller()).toMatch(/^local:.+/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});
