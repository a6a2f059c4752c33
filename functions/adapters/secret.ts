import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../core/config.ts';

/**
 * The unsubscribe HMAC key. Locally it is a value in the environment (generated into .local/);
 * on AWS it is a Secrets Manager secret created by the stack, read once per cold start.
 */
export async function loadUnsubscribeKey(config: Config, client: SecretsManagerClient): Promise<Buffer> {
  const source = config.unsubscribeSecret;
  if ('value' in source) return Buffer.from(source.value, 'utf8');
  const out = await client.send(new GetSecretValueCommand({ SecretId: source.arn }));
  if (!out.SecretString || out.SecretString.length < 32) {
    throw new Error('unsubscribe secret is missing or shorter than 32 characters');
  }
  return Buffer.from(out.SecretString, 'utf8');
}
