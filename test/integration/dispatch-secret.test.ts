/**
 * The dispatcher's keyring as on AWS (UNSUBSCRIBE_SECRET_ARN, Secrets Manager a loopback stub:
 * no emulator): a failed read (throttled on every attempt) fails that run only, and the next tick reads again and sends (issue 6:
 * the cache must recover after one failed read instead of failing every tick until recycled).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { secretsStub } from '../helpers/secrets-stub.ts';
import { createTestStack, testSecret, useStackEnv } from '../helpers/stack.ts';
import { fixture } from '../helpers/ses-events.ts';

const stack = await createTestStack();
useStackEnv(stack);
delete process.env.UNSUBSCRIBE_SECRET;
process.env.UNSUBSCRIBE_SECRET_ARN =
  'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:kawaraban-unsubscribe-AbCdEf';

// The first read is throttled on each of its three attempts (the SDK's standard retries).
const sm = await secretsStub((_id, n) =>
  n <= 3 ? { error: 'ThrottlingException', message: 'Rate exceeded' } : { SecretString: testSecret },
);
sm.useAsEndpoint();
afterAll(() => sm.close());

const { handler: dispatch } = await import('../../functions/dispatch.ts');
const tick = () => dispatch(fixture('eventbridge-scheduled-event__lambda-docs.json') as never);

describe("the dispatcher's unsubscribe keys", () => {
  it('a failed read fails one tick; the next reads again and runs', async () => {
    await expect(tick()).rejects.toThrow(/Rate exceeded/);
    expect(await tick()).toMatchObject({ reports: [] });
    expect(await tick()).toMatchObject({ reports: [] });
    // Read at every run, so a rotation reaches the next mail.
    expect(sm.reads()).toBe(3 + 1 + 1);
  });
});
