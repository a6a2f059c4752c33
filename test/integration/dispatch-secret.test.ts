/**
 * The dispatcher's keyring as on AWS (UNSUBSCRIBE_SECRET_ARN, Secrets Manager mocked: no
 * emulator): a failed read fails that run only, and the next tick reads again and sends (issue 6:
 * the cache must recover after one failed read instead of failing every tick until recycled).
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { secrets } from '../../functions/adapters/aws/secrets.ts';
import { createTestStack, testSecret, useStackEnv } from '../helpers/stack.ts';
import { fixture } from '../helpers/ses-events.ts';

const stack = await createTestStack();
useStackEnv(stack);
delete process.env.UNSUBSCRIBE_SECRET;
process.env.UNSUBSCRIBE_SECRET_ARN =
  'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:kawaraban-unsubscribe-AbCdEf';

const sm = mockClient(secrets);
sm.on(GetSecretValueCommand)
  .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
  .resolves({ SecretString: testSecret });

const { handler: dispatch } = await import('../../functions/dispatch.ts');
const tick = () => dispatch(fixture('eventbridge-scheduled-event__lambda-docs.json') as never);

describe("the dispatcher's unsubscribe keys", () => {
  it('a failed read fails one tick; the next reads again and runs', async () => {
    await expect(tick()).rejects.toThrow(/Rate exceeded/);
    expect(await tick()).toMatchObject({ reports: [] });
    expect(await tick()).toMatchObject({ reports: [] });
    // Read at every run, so a rotation reaches the next mail.
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });
});
