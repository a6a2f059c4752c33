/**
 * The bench's own emulators on free ports, in a temporary directory: DynamoDB Local (in
 * memory), the SES emulator (in a child process, see ses-emulator.ts) and s3rver; then the
 * tables and bucket from the stack's own definitions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { reportsTable, subscribersTable } from '../infra/tables.ts';
import {
  emulatorEnv,
  localCredentials,
  localRegion,
  startDynamo,
  startS3,
  type Running,
} from '../local/emulators.ts';
import { ensureBucket, ensureTable } from '../local/tables.ts';
import { freePort } from '../local/ports.ts';

export interface StartedEmulators {
  /** AWS_ENDPOINT_URL_* and credentials for the SDK. */
  env: Record<string, string>;
  sesUrl: string;
}

export interface BenchEmulators {
  start(): Promise<StartedEmulators>;
  /** Stops whatever runs and removes the directory; safe to call twice, before or during start(). */
  stop(): Promise<void>;
}

function startSesChild(port: number, account: object): Promise<Running> {
  const script = fileURLToPath(new URL('./ses-emulator.ts', import.meta.url));
  // process.execArgv carries tsx's loader, so the child runs TypeScript as this process does.
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, script, String(port)], {
    env: { ...process.env, AWS_SES_ACCOUNT: JSON.stringify(account) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let exited = child.exitCode !== null;
  child.on('exit', () => (exited = true));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`SES emulator did not start within 30 s: ${err.trim()}`));
    }, 30_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.resume();
        resolve({ url: m[1]!, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`SES emulator exited with ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

/**
 * The handle exists before anything starts, so a Ctrl-C during start-up can stop whatever is
 * already running.
 */
export function benchEmulators(opts: {
  tables: { subscribers: string; reports: string };
  bucket: string;
  /** What the SES emulator answers to GetAccount (the dispatcher's quota). */
  sesAccount: object;
}): BenchEmulators {
  let dir: string | undefined;
  const running: Running[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.allSettled(running.map((r) => r.stop()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    })());
  // Each emulator is registered as soon as it is up, so the failure of another still stops it;
  // one that comes up after stop() began is stopped at once.
  const track = <T extends Running>(r: T): T => {
    running.push(r);
    if (stopping) void r.stop();
    return r;
  };

  async function start(): Promise<StartedEmulators> {
    if (stopping) throw new Error('the emulators were stopped before they started');
    dir = mkdtempSync(join(tmpdir(), 'kawaraban-bench-'));
    const [dynamoPort, sesPort, s3Port] = [await freePort(), await freePort(), await freePort()];
    const started = await Promise.allSettled([
      startDynamo({ port: dynamoPort }).then(track),
      startSesChild(sesPort, opts.sesAccount).then(track),
      startS3({ port: s3Port, dataDir: join(dir, 's3') }).then(track),
    ]);
    const failed = started.find((x) => x.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (stopping) throw new Error('the emulators were stopped while starting');
    const [dynamo, ses, s3] = started.map((x) => (x as PromiseFulfilledResult<Running>).value) as [
      Running,
      Running,
      Running,
    ];
    const env = emulatorEnv({ dynamo: dynamo.url, ses: ses.url, s3: s3.url });
    const config = { region: localRegion, credentials: localCredentials };
    const ddb = new DynamoDBClient({ ...config, endpoint: dynamo.url });
    try {
      await ensureTable(ddb, subscribersTable, opts.tables.subscribers);
      await ensureTable(ddb, reportsTable, opts.tables.reports);
    } finally {
      ddb.destroy();
    }
    const s3c = new S3Client({ ...config, endpoint: s3.url, forcePathStyle: true });
    try {
      await ensureBucket(s3c, opts.bucket);
    } finally {
      s3c.destroy();
    }
    return { env, sesUrl: ses.url };
  }

  return { start, stop };
}
