/**
 * `--only send-rate`: how much of the account's MaxSendRate the dispatcher really uses when SES
 * answers with network latency. A loopback proxy (latency-proxy.ts) delays each SendEmail by
 * `latency ± jitter` ms on its way to the SES emulator and answers GetAccount with the quota
 * under test. For each MaxSendRate the real dispatch handler runs in a child process
 * (send-rate-dispatcher.ts) until one report is SENT to `rate × seconds` readers; printed:
 * achieved rate ÷ MaxSendRate (first to last send at the proxy), the busiest one-second window
 * at the proxy, the dispatcher process's CPU ms per recipient, workers, runs.
 *
 * Then a scaled model (not a simulation) of 1,000,000 readers on a 500/s account: the time to
 * send them all at the rate measured for 500/s, with the duty cycle of the way runs follow
 * each other (see `oneMillion`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import {
  renderReportEmail,
  UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  type NewsletterContext,
} from '../emails/render.ts';
import { dynamo } from '../functions/adapters/aws/dynamo.ts';
import { s3 } from '../functions/adapters/aws/s3.ts';
import { dynamoReportStore } from '../functions/adapters/dynamo-report-store.ts';
import { s3BlobStore } from '../functions/adapters/s3-blob-store.ts';
import type { Config } from '../functions/core/config.ts';
import { renderedKey, zeroCounts } from '../functions/core/report.ts';
import type { Report } from '../functions/core/report-schema.ts';
import { seedConfirmed } from './dispatch-throughput.ts';
import { achievedRate, busiestSecond, startLatencyProxy } from './latency-proxy.ts';

export interface SendRateOptions {
  config: Config;
  sesUrl: string;
  rates: number[];
  /** Seconds of sending per rate: the audience is rate × seconds (at least 100). */
  seconds: number;
  latencyMs: number;
  jitterMs: number;
  /** Seeds `n` more confirmed subscribers. */
  seed(n: number): Promise<void>;
  /** A SCHEDULED report, due now, with its rendered output; its id. */
  schedule(): Promise<string>;
  /** Extra environment for the dispatcher process (e.g. its settings). */
  env?: Record<string, string>;
  progress(line: string): void;
}

/** Seeding and scheduling on the bench's tables and bucket, as the render function leaves a report. */
export async function benchReports(
  config: Config,
  ctx: NewsletterContext,
  report: Report,
  reportText: string,
) {
  const blobs = s3BlobStore(s3, config.bucket);
  const reports = dynamoReportStore(dynamo, config.tables.reports);
  const contentHash = createHash('sha256').update(reportText).digest('hex');
  const locales = {
    ja: await renderReportEmail(report, ctx, 'ja'),
    en: await renderReportEmail(report, ctx, 'en'),
  };
  let n = 0;
  return {
    seed: (count: number) => seedConfirmed(config.tables.subscribers, count),
    async schedule(): Promise<string> {
      const reportId = `rate-${++n}-${randomBytes(3).toString('hex')}`;
      const key = renderedKey(reportId, contentHash);
      await blobs.putText(
        key,
        JSON.stringify({ reportId, contentHash, placeholder: UNSUBSCRIBE_TOKEN_PLACEHOLDER, locales }),
        'application/json',
      );
      const now = new Date();
      const put = await reports.replace({
        reportId,
        status: 'SCHEDULED',
        title: report.title,
        issuedOn: report.issuedOn,
        sendAt: new Date(now.getTime() - 60_000).toISOString(),
        contentHash,
        sourceKey: `reports/${reportId}.json`,
        renderedKey: key,
        counts: zeroCounts(),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      if (!put.ok) throw new Error(`could not schedule ${reportId}: ${put.status}`);
      return reportId;
    },
  };
}

export interface RateRow {
  rate: number;
  readers: number;
  achieved: number;
  busiest: number;
  cpuMsPerRecipient: number;
  workers: number;
  runs: number;
  wallS: number;
  /** Whether this dispatcher chains the next run at once (else it waits for the minute's tick). */
  chained: boolean;
}

function runDispatcher(
  reportId: string,
  env: Record<string, string>,
): Promise<{ cpuMs: number; wallMs: number; invocations: number; workers: number; chained: boolean }> {
  const script = fileURLToPath(new URL('./send-rate-dispatcher.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, script, reportId], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
      else
        reject(
          new Error(
            `dispatcher process exited with ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}

export async function sendRateBench(opts: SendRateOptions): Promise<RateRow[]> {
  const proxy = await startLatencyProxy({
    target: opts.sesUrl,
    latencyMs: opts.latencyMs,
    jitterMs: opts.jitterMs,
  });
  const rows: RateRow[] = [];
  let audience = 0;
  try {
    for (const rate of opts.rates) {
      const readers = Math.max(100, Math.round(rate * opts.seconds));
      opts.progress(`send-rate: MaxSendRate ${rate}/s, ${readers} readers`);
      // Every confirmed subscriber gets each report: top the audience up to this case's size.
      if (readers > audience) await opts.seed(readers - audience);
      audience = Math.max(audience, readers);
      proxy.setQuota({ maxSendRate: rate, max24HourSend: 100_000_000 });
      const reportId = await opts.schedule();
      proxy.take();
      const out = await runDispatcher(reportId, {
        AWS_ENDPOINT_URL_SESV2: proxy.url,
        DISPATCH_BUDGET_MS: '50000',
        BENCH_RUN: randomBytes(2).toString('hex'),
        ...opts.env,
      });
      const arrivals = proxy.take();
      if (arrivals.length !== audience)
        throw new Error(`send-rate: ${arrivals.length} newsletters reached SES for ${audience} readers`);
      rows.push({
        rate,
        readers: audience,
        achieved: achievedRate(arrivals) / rate,
        busiest: busiestSecond(arrivals),
        cpuMsPerRecipient: out.cpuMs / audience,
        workers: out.workers,
        runs: out.invocations,
        wallS: out.wallMs / 1000,
        chained: out.chained === true,
      });
    }
  } finally {
    await proxy.close();
  }
  return rows;
}

/**
 * Scaled model: 1,000,000 readers at the share of 500/s measured above, times the duty cycle
 * of the runs. Runs that wait for the next minute's tick send `budget` seconds of each 60; runs
 * that chain the next one at once lose only the chaining gap (a Lambda invocation, ~0.1 s, per
 * `budget` seconds).
 */
export function oneMillion(row: RateRow, chained: boolean, budgetS = 50): { minutes: number; model: string } {
  const rate = row.achieved * row.rate;
  const duty = chained ? budgetS / (budgetS + 0.1) : budgetS / 60;
  return {
    minutes: 1_000_000 / (rate * duty) / 60,
    model: chained
      ? `${rate.toFixed(0)}/s measured × ${budgetS} s runs chained at once (0.1 s gap assumed)`
      : `${rate.toFixed(0)}/s measured × ${budgetS} s runs on the minute's tick`,
  };
}

export function formatSendRate(rows: RateRow[], opts: { latencyMs: number; jitterMs: number }): string {
  const head = `send-rate: SES latency ${opts.latencyMs} ± ${opts.jitterMs} ms (loopback proxy in front of the SES emulator)`;
  const lines = [
    head,
    '',
    '| MaxSendRate | readers | achieved ÷ MaxSendRate | busiest 1-s window at the proxy | dispatcher CPU ms / recipient | workers | runs | wall s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.rate}/s | ${r.readers} | ${(100 * r.achieved).toFixed(1)} % | ${r.busiest} | ${r.cpuMsPerRecipient.toFixed(2)} | ${r.workers} | ${r.runs} | ${r.wallS.toFixed(1)} |`,
    ),
  ];
  const at500 = rows.find((r) => r.rate === 500);
  if (at500) {
    const m = oneMillion(at500, at500.chained);
    lines.push(
      '',
      `1,000,000 readers on 500/s (scaled model: ${m.model}): ${m.minutes.toFixed(1)} min from the first send`,
    );
  }
  return lines.join('\n');
}
