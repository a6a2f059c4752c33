/**
 * The Secrets Manager operation the functions call, as a port (the SDK's types, imported as
 * types only). One implementation: lean/secrets-manager.ts.
 */
import type { GetSecretValueRequest, GetSecretValueResponse } from '@aws-sdk/client-secrets-manager';

export interface SecretsManager {
  getSecretValue(input: GetSecretValueRequest): Promise<GetSecretValueResponse>;
}
