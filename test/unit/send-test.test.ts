/** The test send's recipient rules and who the caller is (STS only through a mock: no emulator has it). */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { callerIdentity } from '../../cli/caller.ts';
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

describe('callerIdentity', () => {
  const sts = mockClient(STSClient);
  afterEach(() => sts.reset());

  it('asks STS when the SES endpoint is AWS', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:sts::123456789012:assumed-role/Editor/tanaka', Account: '123456789012' });
    expect(await callerIdentity({ AWS_REGION: 'ap-northeast-1' })).toBe(
      'arn:aws:sts::123456789012:assumed-role/Editor/tanaka',
    );
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('fails rather than send unrecorded when STS gives no identity', async () => {
    sts.on(GetCallerIdentityCommand).resolves({});
    await expect(callerIdentity({ AWS_REGION: 'ap-northeast-1' })).rejects.toThrow(/no Arn/);
  });

  it('names the local user against the local stack, without calling STS', async () => {
    expect(
      await callerIdentity({ AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:8005', KAWARABAN_EDITOR: ' sato ' }),
    ).toBe('local:sato');
    expect(await callerIdentity({ AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:8005' })).toMatch(/^local:.+/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});
