/**
 * Where the CLI finds its stack. Variables already in the environment win (on AWS: set
 * UPLOAD_BUCKET, REPORTS_TABLE, … from the stack outputs); otherwise, when `npm start` is
 * running, it has written .local/env.json with the emulators' endpoints and names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const localEnvFile = resolve(process.env.KAWARABAN_LOCAL_DIR ?? '.local', 'env.json');

export function loadCliEnv(): void {
  if (!existsSync(localEnvFile)) return;
  const fromFile = JSON.parse(readFileSync(localEnvFile, 'utf8')) as Record<string, string>;
  for (const [k, v] of Object.entries(fromFile)) process.env[k] ??= v;
}
