/** The Secrets Manager client (the unsubscribe key), created once per module load. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const secrets = new SecretsManagerClient({});
