/**
 * `kawaraban doctor` on the local stack (or names given in the environment): what `npm start`
 * runs instead of AWS. SES, DNS and production access do not exist here, so the checks are
 * that each emulator answers, the tables and bucket exist with their indexes, the API serves
 * the subscribe page, and the function configuration (sender, secret) is complete.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../functions/core/config.ts';
import { reportsTable, subscribersTable } from '../../infra/tables.ts';
import type { Target } from '../target.ts';
import { type Check, fail, guarded, pass, skip } from './check.ts';

export interface LocalDoctorDeps {
  dynamo: Pick<DynamoDBClient, 'send'>;
  s3: Pick<S3Client, 'send'>;
  fetch: typeof fetch;
  env: Record<string, string | undefined>;
  reason: (err: unknown) => string;
}

export async function runLocalChecks(deps: LocalDoctorDeps, target: Target): Promise<Check[]> {
  const { reason } = deps;
  return Promise.all([
    guarded('local-dynamodb', () => checkTables(deps, target), reason),
    guarded(
      'local-bucket',
      async () => {
        await deps.s3.send(new HeadBucketCommand({ Bucket: target.bucket }));
        return pass('local-bucket', { bucket: target.bucket ?? '' });
      },
      reason,
    ),
    guarded(
      'local-ses',
      () => checkHttp(deps, 'local-ses', deps.env.AWS_ENDPOINT_URL_SESV2, '/store'),
      reason,
    ),
    guarded('local-api', () => checkHttp(deps, 'local-api', deps.env.PUBLIC_BASE_URL, '/'), reason),
    guarded('local-config', async () => checkConfig(deps.env), reason),
  ]);
}

async function checkTables({ dynamo }: LocalDoctorDeps, target: Target): Promise<Check> {
  const problems: string[] = [];
  for (const [name, def] of [
    [target.subscribersTable, subscribersTable],
    [target.reportsTable, reportsTable],
  ] as const) {
    const out = await dynamo.send(new DescribeTableCommand({ TableName: name }));
    const indexes = new Set((out.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = def.indexes.map((i) => i.indexName).filter((i) => !indexes.has(i));
    if (missing.length) problems.push(`${name}: ${missing.join(', ')}`);
  }
  const tables = `${target.subscribersTable}, ${target.reportsTable}`;
  return problems.length
    ? fail('local-dynamodb', { tables, missing: problems.join('; ') })
    : pass('local-dynamodb', { tables });
}

async function checkHttp(
  deps: LocalDoctorDeps,
  id: 'local-ses' | 'local-api',
  base: string | undefined,
  path: string,
): Promise<Check> {
  if (!base) return skip(id);
  const url = new URL(path, base).toString();
  const res = await deps.fetch(url, { signal: AbortSignal.timeout(5000) });
  await res.body?.cancel();
  return res.ok ? pass(id, { url }) : fail(id, { url, error: `HTTP ${res.status}` });
}

function checkConfig(env: Record<string, string | undefined>): Check {
  try {
    loadConfig(env);
    return pass('local-config');
  } catch (err) {
    // The message names the variables (never their values): safe to show.
    const lines = (err as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(':')[0]);
    return fail('local-config', { error: lines.join(', ') || (err as Error).message });
  }
}
