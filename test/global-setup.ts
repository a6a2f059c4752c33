/**
 * Starts the emulators once for the whole test run, on free ports, and hands their URLs
 * to the test workers (test/setup-env.ts turns them into AWS_ENDPOINT_URL_* variables).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamo, startS3, startSes, type Running } from '../local/emulators.ts';
import { freePort } from '../local/ports.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoUrl: string;
    sesUrl: string;
    s3Url: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'kawaraban-test-'));
  const [dynamoPort, sesPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const running: Running[] = [];
  try {
    const [dynamo, ses, s3] = await Promise.all([
      startDynamo({ port: dynamoPort }),
      startSes({ port: sesPort }),
      startS3({ port: s3Port, dataDir: join(dir, 's3') }),
    ]);
    running.push(dynamo, ses, s3);
    project.provide('dynamoUrl', dynamo.url);
    project.provide('sesUrl', ses.url);
    project.provide('s3Url', s3.url);
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw err;
  }
  return async () => {
    await Promise.allSettled(running.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
}
