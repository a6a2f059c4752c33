/** The Secrets Manager client (the unsubscribe key, the edge origin secret), created once per module load. */
import { leanSecretsManager } from './lean/secrets-manager.ts';
import type { SecretsManager } from './secrets-port.ts';

export type { SecretsManager };

export const secrets: SecretsManager = leanSecretsManager();
