/** The Secrets Manager client (the unsubscribe key), created once per module load. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { traced } from './tracer.ts';

export const secrets = traced(new SecretsManagerClient({}));
