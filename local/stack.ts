/**
 * The whole pipeline on one machine: emulators, tables and bucket from the stack's own
 * definitions, and the real Lambda handlers wired the way AWS wires them.
 */
import { existsSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { SESEvent } from 'aws-lambda';
import type { InboundUnsubscribeSummary } from '../functions/inbound-unsubscribe.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { reportsTable, subscribersTable } from '../infra/tables.ts';
import { emulatorEnv, startDynamo, startS3, startSes, type Running } from './emulators.ts';
import { ensureBucket, ensureTable } from './tables.ts';
import { localFunctionEnv, localSecretFile, type LocalPorts } from './config.ts';
import { asFunction, separateInvocations } from './lambda-context.ts';
import { serveApi } from './http-server.ts';
import { editorFromMetadata, s3EventsToRender } from './s3-events.ts';
import { startTicker, type Ticker } from './schedule.ts';
import { startSimulator, type Simulator } from './ses-simulator.ts';

export interface LocalStackOptions {
  ports: LocalPorts;
  dir: string;
  reset: boolean;
  tickMs: number;
  log: (line: string) => void;
}

export interface LocalStack {
  env: Record<string, string>;
  urls: { api: string; inbox: string; s3: string; dynamo: string };
  ticker: Ticker;
  simulator: Simulator;
  /** What SES receiving would do with a mail to the unsubscribe mailbox (local/inbound-mail.ts). */
  receiveMail(event: SESEvent): Promise<InboundUnsubscribeSummary>;
  /** True when the state directory was empty: the demo runs on a fresh state only. */
  fresh: boolean;
  stop(): Promise<void>;
}

/** One line per handler result, without addresses (the handlers return counts and ids). */
function summarise(kind: string, log: (l: string) => void) {
  return (result: unknown) => {
    if (result === undefined || result === null) return;
    const text = JSON.stringify(result);
    // The dispatcher ticks every few seconds; only ticks that did something are worth a line.
    if (kind === 'dispatch' && /"reports":\s*\[\]|^\{\}$/.test(text)) return;
    log(`[${kind}] ${text.length > 300 ? `${text.slice(0, 297)}...` : text}`);
  };
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const { ports, dir, log } = opts;
  if (opts.reset) rmSync(dir, { recursive: true, force: true });
  const fresh = !existsSync(join(dir, 'dynamodb'));
  mkdirSync(dir, { recursive: true });

  const running: Running[] = [];
  const servers: Server[] = [];
  let ticker: Ticker | undefined;
  let simulator: Simulator | undefined;
  const stop = async () => {
    await simulator?.stop();
    await ticker?.stop();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
    await Promise.allSettled(running.map((r) => r.stop()));
  };

  try {
    // First, before any AWS SDK call sets up the runtime's invocation store for one invocation at a
    // time: overlapping invocations keep their own logger context (local/lambda-context.ts).
    await separateInvocations();
    const [dynamo, ses, s3] = await Promise.all([
      startDynamo({ port: ports.dynamo, dataDir: join(dir, 'dynamodb') }),
      startSes({ port: ports.ses }),
      startS3({ port: ports.s3, dataDir: join(dir, 's3') }),
    ]);
    running.push(dynamo, ses, s3);

    const env = {
      ...emulatorEnv({ dynamo: dynamo.url, ses: ses.url, s3: s3.url }),
      ...localFunctionEnv(ports, { file: localSecretFile(resolve(dir)) }),
    };
    Object.assign(process.env, env);
    // The CLI (`npx kawaraban report upload|status`) finds the running stack through this file.
    writeFileSync(join(dir, 'env.json'), `${JSON.stringify(env, null, 2)}\n`, { mode: 0o600 });

    const ddb = new DynamoDBClient({});
    await ensureTable(ddb, subscribersTable, env.SUBSCRIBERS_TABLE!);
    await ensureTable(ddb, reportsTable, env.REPORTS_TABLE!);
    ddb.destroy();
    const s3Client = new S3Client({ forcePathStyle: true });
    await ensureBucket(s3Client, env.UPLOAD_BUCKET!);
    s3Client.destroy();

    // What the build does for the api function on AWS: the confirmation email rendered ahead
    // (kept out of env.json, which the CLI reads).
    const { renderConfirmationTemplates } = await import('../emails/render.ts');
    const { loadConfig } = await import('../functions/core/config.ts');
    process.env.KAWARABAN_CONFIRMATION_TEMPLATES = JSON.stringify(
      await renderConfirmationTemplates(loadConfig()),
    );
    // Handlers read their configuration at load, so they are imported only now.
    const [api, render, dispatch, sesEvents, inbound] = await Promise.all([
      import('../functions/api.ts'),
      import('../functions/render.ts'),
      import('../functions/dispatch.ts'),
      import('../functions/ses-events.ts'),
      import('../functions/inbound-unsubscribe.ts'),
    ]);
    const [archiveSite, { isArchivePath }] = await Promise.all([
      import('../functions/archive-site.ts'),
      import('../functions/archive/serve.ts'),
    ]);
    const received = summarise('inbound-unsubscribe', log);
    // Each invocation with its own function's Lambda context (local/lambda-context.ts says why).
    const apiFn = asFunction('kawaraban-api', api.handler);
    const archiveFn = asFunction('kawaraban-archive', archiveSite.handler);
    const inboundFn = asFunction('kawaraban-inbound-unsubscribe', inbound.handler);

    // One port, as one HTTP API on AWS: the archive routes go to the archive function.
    servers.push(
      await serveApi((event) => (isArchivePath(event.rawPath) ? archiveFn(event) : apiFn(event)), ports.api),
    );
    s3.onEvent(
      s3EventsToRender(
        env.UPLOAD_BUCKET!,
        asFunction('kawaraban-render', render.handler),
        summarise('render', log),
        editorFromMetadata(env.UPLOAD_BUCKET!),
      ),
    );
    ticker = startTicker(dispatch.handler, opts.tickMs, summarise('dispatch', log));
    simulator = startSimulator(
      ses.url,
      asFunction('kawaraban-ses-events', sesEvents.handler),
      1000,
      summarise('ses-events', log),
    );

    return {
      env,
      urls: {
        api: `http://localhost:${ports.api}`,
        inbox: `http://localhost:${ports.ses}`,
        s3: s3.url,
        dynamo: dynamo.url,
      },
      ticker,
      simulator,
      async receiveMail(event) {
        const summary = await inboundFn(event);
        received(summary);
        return summary;
      },
      fresh,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
