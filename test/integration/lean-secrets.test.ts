/**
 * The lean Secrets Manager client (functions/adapters/aws/lean/secrets-manager.ts) against a
 * loopback GetSecretValue stub (no emulator exists): the request signed for `secretsmanager` with
 * the awsJson 1.1 target, the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER, the answer as the
 * SDK gives it (bytes for a binary secret, a Date), errors by name, and the standard retries.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { leanSecretsManager } from '../../functions/adapters/aws/lean/secrets-manager.ts';
import { type SecretAnswer, secretsStub } from '../helpers/secrets-stub.ts';

let next: (n: number) => SecretAnswer = () => ({ SecretString: 'x' });
const stub = await secretsStub((_id, n) => next(n));
afterAll(() => stub.close());
const noWait = { maxAttempts: 3, sleep: async () => {}, random: () => 0.5 };

describe('the lean Secrets Manager client', () => {
  it('reads a string secret through AWS_ENDPOINT_URL_SECRETS_MANAGER, signed for secretsmanager', async () => {
    next = () => ({ SecretString: 'the-secret', CreatedDate: 1_700_000_000.5 });
    stub.useAsEndpoint();
    const out = await leanSecretsManager().getSecretValue({ SecretId: 'arn:x', VersionStage: 'AWSCURRENT' });
    expect(out).toMatchObject({ ARN: 'arn:x', SecretString: 'the-secret', VersionId: 'v1' });
    expect(out.CreatedDate).toEqual(new Date(1_700_000_000_500));
    expect(out.SecretBinary).toBeUndefined();
    expect(stub.last()).toMatchObject({
      target: 'secretsmanager.GetSecretValue',
      body: { SecretId: 'arn:x', VersionStage: 'AWSCURRENT' },
    });
  });

  it('gives a binary secret as bytes', async () => {
    next = () => ({ SecretBinary: Buffer.from([0, 1, 2, 255]).toString('base64') });
    const out = await leanSecretsManager({ endpoint: stub.url }).getSecretValue({ SecretId: 'b' });
    expect(out.SecretBinary).toBeInstanceOf(Uint8Array);
    expect([...out.SecretBinary!]).toEqual([0, 1, 2, 255]);
    expect(out.SecretString).toBeUndefined();
  });

  it('names a refusal as AWS does and does not retry it; retries throttling up to three attempts', async () => {
    const before = stub.reads();
    next = () => ({ error: 'ResourceNotFoundException', message: "Secrets Manager can't find the secret." });
    const client = leanSecretsManager({ endpoint: stub.url }, noWait);
    await expect(client.getSecretValue({ SecretId: 'gone' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the secret.",
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(stub.reads() - before).toBe(1);
    next = (n) =>
      n - before <= 3 ? { error: 'ThrottlingException', message: 'Rate exceeded' } : { SecretString: 'ok' };
    expect((await client.getSecretValue({ SecretId: 's' })).SecretString).toBe('ok');
    expect(stub.reads() - before).toBe(4);
  });
});
