/**
 * Secrets Manager over the lean transport (awsJson 1.1, `secretsmanager.GetSecretValue`), with
 * the SDK's standard retries; endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER. The answer as the
 * SDK gives it: a binary secret as bytes, the creation date as a Date.
 */
import type { GetSecretValueResponse } from '@aws-sdk/client-secrets-manager';
import type { SecretsManager } from '../secrets-port.ts';
import { jsonRpc } from './json-rpc.ts';
import type { RetryPolicy } from './retry.ts';
import { type AwsClientConfig, AwsEndpoint, type AwsService } from './signed-request.ts';

const SECRETS_MANAGER: AwsService = {
  signingName: 'secretsmanager',
  endpointEnv: 'SECRETS_MANAGER',
  hostPrefix: 'secretsmanager',
};

interface WireSecret extends Omit<GetSecretValueResponse, 'SecretBinary' | 'CreatedDate'> {
  SecretBinary?: string;
  CreatedDate?: number;
}

export function leanSecretsManager(config: AwsClientConfig = {}, retry?: RetryPolicy): SecretsManager {
  const call = jsonRpc(
    new AwsEndpoint(SECRETS_MANAGER, config),
    { targetPrefix: 'secretsmanager', version: '1.1' },
    retry,
  );
  return {
    async getSecretValue(input) {
      const { SecretBinary, CreatedDate, ...out } = await call<WireSecret>('GetSecretValue', input);
      return {
        ...out,
        ...(SecretBinary !== undefined && {
          SecretBinary: new Uint8Array(Buffer.from(SecretBinary, 'base64')),
        }),
        ...(CreatedDate !== undefined && { CreatedDate: new Date(CreatedDate * 1000) }),
      };
    },
  };
}
