/**
 * Measures the dispatcher against the emulators (not a test: numbers for people).
 *
 *   npx tsx test/bench/dispatch-throughput.ts [subscribers=1000] [concurrency=8,16,32] [pageSize=100]
 *
 * Boots its own DynamoDB Local, SES emulator (own process) and s3rver on free ports, seeds confirmed
 * subscribers, stores the sample report rendered by the real templates, and runs dispatchDue
 * with a quota of MaxSendRate 10,000/s (so the token bucket never binds and the emulators do),
 * once per concurrency. Prints sends/s and the time per page (claim → send → mark for every
 * subscriber on it, plus the checkpoint).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [nArg, concArg, pageArg] = process.argv.slice(2);
const N = Number(nArg ?? 1000);
const CONCURRENCIES = (concArg ?? '8,16,32').split(',').map(Number);
const PAGE = Number(pageArg ?? 100);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'kawaraban-bench-'));
const { startDynamo, startS3, emulatorEnv, localSesAccount } = await import('../../local/emulators.ts');

/**
 * The SES emulator in its own process (the tests run it in-process): otherwise it shares this
 * thread with the dispatcher, and the dispatcher's own CPU cost could not be read.
 */
async function startSesProcess(port: number) {
  const { spawn } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const cli = createRequire(import.meta.url).resolve('aws-ses-v2-local/dist/cli.js');
  const child = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...process.env, AWS_SES_ACCOUNT: JSON.stringify(localSesAccount) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${url}/health-check`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: async () => void child.kill() };
}
const [dynamo, ses, s3srv] = await Promise.all([
  startDynamo({ port: await freePort() }),
  startSesProcess(await freePort()),
  startS3({ port: await freePort(), dataDir: join(dir, 's3') }),
]);
Object.assign(process.env, emulatorEnv({ dynamo: dynamo.url, ses: ses.url, s3: s3srv.url }), { POWERTOOLS_LOG_LEVEL: 'WARN', NODE_ENV: 'production' });

const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
const { S3Client } = await import('@aws-sdk/client-s3');
const { SESv2Client } = await import('@aws-sdk/client-sesv2');
const { reportsTable, subscribersTable } = await import('../../infra/tables.ts');
const { ensureBucket, ensureTable } = await import('../../local/tables.ts');
const { shardOf, statusShard } = await import('../../functions/core/subscriber.ts');
const { newSubscriberId } = await import('../../functions/core/tokens.ts');
const { dynamoAudience } = await import('../../functions/adapters/dynamo-audience.ts');
const { dynamoLedger, dynamoReportStore } = await import('../../functions/adapters/dynamo-report-store.ts');
const { s3BlobStore } = await import('../../functions/adapters/s3-blob-store.ts');
const { sesMailer } = await import('../../functions/adapters/ses-mailer.ts');
const { dispatchDue } = await import('../../functions/core/use-cases/dispatch-due.ts');
const { systemClock } = await import('../../functions/core/ports.ts');
const { systemSleeper } = await import('../../functions/core/pacing.ts');
const { defaultReputationGuard } = await import('../../functions/core/reputation.ts');
const { renderedKey, zeroCounts } = await import('../../functions/core/report.ts');
const { renderReportEmail, UNSUBSCRIBE_TOKEN_PLACEHOLDER } = await import('../../emails/render.ts');
const { parseReport } = await import('../../functions/core/report-schema.ts');

const ddb = new DynamoDBClient({});
const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
const s3 = new S3Client({ forcePathStyle: true });
const sesClient = new SESv2Client({});
const ctx = { newsletterName: 'ベンチ', sender: { name: '株式会社ベンチ', postalAddress: '東京都', contact: 'c@example.jp' }, publicBaseUrl: 'https://news.example.jp' };
const parsed = parseReport(readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'));
if (!parsed.ok) throw new Error('sample report is invalid');
const rendered = {
  reportId: parsed.report.id,
  contentHash: 'bench',
  placeholder: UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  locales: { ja: await renderReportEmail(parsed.report, ctx, 'ja'), en: await renderReportEmail(parsed.report, ctx, 'en') },
};
const silent = { info() {}, warn() {}, error() {} };
const results: string[] = [];

try {
  for (const concurrency of CONCURRENCIES) {
    const tag = randomBytes(4).toString('hex');
    const tables = { subscribers: `b-${tag}-subscribers`, reports: `b-${tag}-reports` };
    const bucket = `b-${tag}-uploads`;
    await ensureTable(ddb, subscribersTable, tables.subscribers);
    await ensureTable(ddb, reportsTable, tables.reports);
    await ensureBucket(s3, bucket);

    const seedStart = performance.now();
    for (let i = 0; i < N; i += 25) {
      const items = Array.from({ length: Math.min(25, N - i) }, (_, j) => {
        const email = `bench${i + j}-${tag}@example.com`;
        const shard = shardOf(email);
        return { PutRequest: { Item: { email, id: newSubscriberId(), status: 'confirmed', locale: 'ja', shard, statusShard: statusShard('confirmed', shard), createdAt: new Date().toISOString() } } };
      });
      let req: Record<string, unknown[]> | undefined = { [tables.subscribers]: items };
      while (req && Object.keys(req).length) req = (await doc.send(new BatchWriteCommand({ RequestItems: req as never }))).UnprocessedItems as never;
    }
    const seedMs = performance.now() - seedStart;

    const key = renderedKey('bench', 'bench');
    await s3BlobStore(s3, bucket).putText(key, JSON.stringify({ ...rendered, reportId: 'bench' }), 'application/json');
    const now = new Date().toISOString();
    const reports = dynamoReportStore(doc, tables.reports);
    await reports.replace({ reportId: 'bench', status: 'SCHEDULED', title: 'bench', issuedOn: '2030-01-01', sendAt: now, sourceKey: 'reports/bench.json', renderedKey: key, contentHash: 'bench', counts: zeroCounts(), createdAt: now, updatedAt: now });

    // Time per page: between consecutive checkpoints (each closes one fully resolved page).
    const pageMs: number[] = [];
    let last = 0;
    const timedReports = {
      ...reports,
      async checkpoint(...args: Parameters<typeof reports.checkpoint>) {
        const ok = await reports.checkpoint(...args);
        const t = performance.now();
        if (last) pageMs.push(t - last);
        last = t;
        return ok;
      },
    };
    const audience = dynamoAudience(doc, tables.subscribers);
    // Mean latency of each call the dispatcher makes per recipient.
    const ops = new Map<string, { n: number; ms: number }>();
    const timed = <T extends object>(name: string, o: T): T =>
      Object.fromEntries(
        Object.entries(o).map(([k, f]) => [
          k,
          typeof f !== 'function'
            ? f
            : async (...a: unknown[]) => {
                const s = performance.now();
                try {
                  return await f(...a);
                } finally {
                  const e = ops.get(`${name}.${k}`) ?? { n: 0, ms: 0 };
                  e.n++;
                  e.ms += performance.now() - s;
                  ops.set(`${name}.${k}`, e);
                }
              },
        ]),
      ) as T;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    last = t0;
    const summary = await dispatchDue(
      {
        reports: timedReports,
        ledger: timed('ledger', dynamoLedger(doc, tables)),
        audience,
        blobs: s3BlobStore(s3, bucket),
        mailer: timed('ses', sesMailer(sesClient, { from: 'bench@example.jp', configurationSet: 'bench' })),
        quota: { getQuota: async () => ({ maxSendRate: 10_000, max24HourSend: -1, sentLast24Hours: 0, sendingEnabled: true }) },
        notifier: { notify: async () => undefined },
        clock: systemClock,
        sleeper: systemSleeper,
        unsubscribeKey: Buffer.from('bench-secret-0123456789abcdef0123456789'),
        log: silent,
      },
      { publicBaseUrl: ctx.publicBaseUrl, unsubscribeMailto: 'u@example.jp', rateFraction: 1, concurrency, dailyHeadroom: 0, reputation: defaultReputationGuard, pageSize: PAGE },
      { owner: 'bench', budgetMs: 600_000 },
    );
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const r = summary.reports[0]!;
    const sorted = [...pageMs].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(0);
    const perRecipient = pageMs.reduce((a, b) => a + b, 0) / r.sent;
    results.push(
      `concurrency ${String(concurrency).padStart(2)}: ${r.sent} sent (${r.outcome}) in ${(ms / 1000).toFixed(2)} s = ${(r.sent / (ms / 1000)).toFixed(0)} sends/s; ` +
        `${pageMs.length} pages (${PAGE}/page max, ${N / 16 | 0} per shard avg), page time median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(0.999)} ms ` +
        `(~${perRecipient.toFixed(1)} ms per recipient); seeding ${N} took ${(seedMs / 1000).toFixed(1)} s`,
    );
    console.log(results.at(-1));
    console.log(`  mean latency: ${[...ops].map(([k, v]) => `${k} ${(v.ms / v.n).toFixed(1)} ms`).join(', ')}`);
    console.log(`  dispatcher CPU: ${((cpu.user + cpu.system) / 1000 / r.sent).toFixed(2)} ms per recipient (user+system of this process, s3rver included)`);
  }
  console.log(`\nrendered sample: ja html ${rendered.locales.ja.html.length} chars, text ${rendered.locales.ja.text.length} chars`);
} finally {
  await Promise.allSettled([dynamo.stop(), ses.stop(), s3srv.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
