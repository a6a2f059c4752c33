/**
 * `--only send-rate`: how much of the account's MaxSendRate the dispatcher really uses when SES
 * answers with network latency. A loopback proxy (latency-proxy.ts) delays each SendEmail by
 * `latency ± jitter` ms on its way to the SES emulator and answers GetAccount with the quota
 * under test. For each MaxSendRate the real dispatch handler runs in a child process
 * (send-rate-dispatcher.ts) until one report is SENT to `rate × seconds` readers; printed:
 * achieved rate ÷ MaxSendRate (first to last send at the proxy), the busiest one-second window
 * at the proxy, the dispatcher process's CPU (steady state per recipient, and start-up apart),
 * workers, runs, and the CPU the emulators and the proxy used meanwhile (send-rate-cpu.ts).
 * Each case has its own readers; where they are too few to fill a page per shard, the case runs
 * twice: spread over the shards as their addresses hash, and filling whole pages shard after
 * shard, the steady state of a list large enough for its rate to matter (send-rate-audience.ts).
 *
 * Then a scaled model of this machine (not the simulation: that is send-rate-sim.ts, `--only
 * send-sim`) of 1,000,000 readers on a 500/s account: the time to send them all at the rate
 * measured for 500/s, with the duty cycle of the way runs follow each other (`oneMillion` in
 * send-rate-format.ts).
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
import type { Report } from '../functions/core/report-schema.ts';
import { scheduleDue, seedConfirmed, unseedConfirmed } from './dispatch-throughput.ts';
import {
  achievedRate,
  busiestAcross,
  busiestSecond,
  busiestWindow,
  startLatencyProxy,
  type ProxyPriority,
} from './latency-proxy.ts';
import { type AudienceShape, describeShape, fullPageEmails, shapesFor } from './send-rate-audience.ts';
import { dispatcherCpu, type DispatcherCpu, type EmulatorCpu, measureEmulators } from './send-rate-cpu.ts';
import { transit } from './send-rate-format.ts';

/**
 * The smallest audience a rate is measured on (about 29 s at 14/s, where a SendBulkEmail goes once a
 * second): the steady CPU is read from the median to the 90th percentile reader, over several calls.
 */
const MIN_READERS = 400;

export interface SendRateOptions {
  config: Config;
  sesUrl: string;
  rates: number[];
  /** Seconds of sending per rate: the audience is rate × seconds (at least MIN_READERS). */
  seconds: number;
  latencyMs: number;
  jitterMs: number;
  /**
   * Unmeasured sends at the highest rate before the measured ones, each to its own readers
   * (deleted after it): DynamoDB Local's JIT compiles as traffic comes, and cold it takes twice
   * as long per transaction (DynamoDB on AWS is always warm).
   */
  rateWarmup: number;
  /** Seeds `n` confirmed subscribers (spread over the shards unless told); their addresses. */
  seed(n: number, shape?: AudienceShape): Promise<string[]>;
  /** Deletes subscribers `seed` wrote. */
  unseed(emails: readonly string[]): Promise<void>;
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
    seed: (count: number, shape?: AudienceShape) =>
      seedConfirmed(
        config.tables.subscribers,
        count,
        shape === 'full-pages' ? fullPageEmails(count) : undefined,
      ),
    unseed: (emails: readonly string[]) => unseedConfirmed(config.tables.subscribers, emails),
    async schedule(): Promise<string> {
      const reportId = `rate-${++n}-${randomBytes(3).toString('hex')}`;
      return scheduleDue(blobs, reports, {
        reportId,
        report,
        rendered: { reportId, contentHash, placeholder: UNSUBSCRIBE_TOKEN_PLACEHOLDER, locales },
      });
    },
  };
}

export interface RateRow {
  rate: number;
  readers: number;
  shape: AudienceShape;
  /** How the readers lay over the shards ("16 shards, 3–12 each"). */
  shards: string;
  achieved: number;
  busiest: number;
  /** The busiest one-second window of the requests as the dispatcher created them. */
  busiestWritten: number;
  cpu: DispatcherCpu;
  /** The dispatcher process's share of a core while it ran. */
  dispatcherCores: number;
  emulators: EmulatorCpu;
  /** DynamoDB transactions (claims with their marks, checkpoints): median and 90th percentile ms. */
  transactionMs: { median: number; p90: number };
  /** Wall seconds from the first invocation to the first newsletter at the proxy. */
  firstSendS: number;
  workers: number;
  runs: number;
  wallS: number;
  /** Whether this dispatcher chains the next run at once (else it waits for the minute's tick). */
  chained: boolean;
}

interface DispatcherOut {
  loadCpuMs: number;
  cpuMs: number;
  /** [epoch ms, CPU ms since loading] at the start, at each newsletter request and at the end. */
  samples: [number, number][];
  /** Each DynamoDB transaction's time, ms. */
  transactions: number[];
  /** When each newsletter's request was created (epoch ms). */
  written: number[];
  /** When each run released its lease (epoch ms): the hand-overs. */
  releases: number[];
  wallMs: number;
  invocations: number;
  workers: number;
  chained: boolean;
}

function runDispatcher(reportId: string, env: Record<string, string>): Promise<DispatcherOut> {
  const script = fileURLToPath(new URL('./send-rate-dispatcher.ts', import.meta.url));
  // BENCH_CPU_PROF_DIR=<dir>: a V8 CPU profile of each dispatcher process (open in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF_DIR;
  const profile = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...profile, script, reportId], {
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

function percentiles(xs: readonly number[]): { median: number; p90: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  return { median: at(0.5), p90: at(0.9) };
}

export interface SendRateResult {
  rows: RateRow[];
  /** The unmeasured warm-up sends, in order. */
  warmups: RateRow[];
  /** The priority the proxy's process ran at (latency-proxy.ts). */
  proxyRaised: ProxyPriority;
}

export async function sendRateBench(opts: SendRateOptions): Promise<SendRateResult> {
  const proxy = await startLatencyProxy({
    target: opts.sesUrl,
    latencyMs: opts.latencyMs,
    jitterMs: opts.jitterMs,
  });
  const rows: RateRow[] = [];
  const warmups: RateRow[] = [];
  const readersAt = (rate: number) => Math.max(MIN_READERS, Math.round(rate * opts.seconds));
  try {
    const top = Math.max(...opts.rates);
    for (let w = 1; w <= opts.rateWarmup; w++) {
      opts.progress(
        `send-rate: warm-up ${w} of ${opts.rateWarmup} (not measured), ${top}/s, ${readersAt(top)} readers`,
      );
      const emails = await opts.seed(readersAt(top));
      const row = await measureRate(proxy, opts, top, emails, 'spread');
      await opts.unseed(emails);
      warmups.push(row);
    }
    for (const rate of opts.rates) {
      const readers = readersAt(rate);
      for (const shape of shapesFor(readers)) {
        opts.progress(`send-rate: MaxSendRate ${rate}/s, ${readers} readers, ${shape}`);
        // Every confirmed subscriber gets each report: the case's own readers, deleted after it.
        const emails = await opts.seed(readers, shape);
        try {
          rows.push(await measureRate(proxy, opts, rate, emails, shape));
        } finally {
          await opts.unseed(emails);
        }
      }
    }
  } finally {
    await proxy.close();
  }
  return { rows, warmups, proxyRaised: proxy.raised };
}

/** One report sent to the confirmed readers `emails` (all of them) at MaxSendRate `rate`, measured. */
async function measureRate(
  proxy: Awaited<ReturnType<typeof startLatencyProxy>>,
  opts: SendRateOptions,
  rate: number,
  emails: readonly string[],
  shape: AudienceShape,
): Promise<RateRow> {
  const audience = emails.length;
  await proxy.setQuota({ maxSendRate: rate, max24HourSend: 100_000_000 });
  const reportId = await opts.schedule();
  await proxy.take();
  await proxy.bodyBytes();
  await proxy.loopDelay();
  const emulators = measureEmulators();
  const out = await runDispatcher(reportId, {
    AWS_ENDPOINT_URL_SESV2: proxy.url,
    DISPATCH_BUDGET_MS: '50000',
    // As the dispatch and worker bundles are built (infra/bundling.ts): no X-Ray subsegment per
    // SDK call, and no X-Ray SDK loaded (its async hooks make every promise dearer).
    KAWARABAN_SDK_SUBSEGMENTS: 'off',
    BENCH_RUN: randomBytes(2).toString('hex'),
    ...opts.env,
  });
  const emulatorCpu = emulators.stop();
  // Epoch ms, as the proxy's process stamped them.
  const arrivals = await proxy.take();
  // Per reader: a few hundred bytes in a SendBulkEmail, ~1 KB when each names its part's
  // template alone, the whole part (~52 KB for the sample) when not.
  const bodyBytes = await proxy.bodyBytes();
  const lag = await proxy.loopDelay();
  const epoch = arrivals;
  if (arrivals.length !== audience)
    throw new Error(`send-rate: ${arrivals.length} newsletters reached SES for ${audience} readers`);
  // Where the busiest seconds were, from the first arrival (a run hands over every 50 s).
  const first = Math.min(...epoch);
  const at = (w: { count: number; from: number }, base: number) =>
    `${w.count} from +${((w.from - base) / 1000).toFixed(2)} s`;
  // The busiest second as written that spans a hand-over (holds the moment a run released its lease).
  const handOvers = out.releases.filter((r) => out.written.some((w) => w > r));
  const achieved = achievedRate(arrivals) / rate;
  opts.progress(
    `send-rate: ${rate}/s (${shape}) ${(100 * achieved).toFixed(1)} %, busiest second at the proxy ${at(busiestWindow(arrivals), Math.min(...arrivals))}, as written ${at(busiestWindow(out.written), first)} (from the first arrival); hand-overs at ${handOvers.map((r) => `+${((r - first) / 1000).toFixed(1)} s`).join(', ') || 'none'}, busiest second as written across one: ${Math.max(0, ...handOvers.map((r) => busiestAcross(out.written, r)))}; the proxy's event loop ran late by up to ${lag.max.toFixed(0)} ms (p99 ${lag.p99.toFixed(0)} ms), which stamps arrivals together; from write to arrival ${transit(out.written, arrivals)}; request bytes per reader ${Math.round(bodyBytes).toLocaleString('en')} (median)`,
  );
  return {
    rate,
    readers: audience,
    shape,
    shards: describeShape(emails),
    achieved,
    busiest: busiestSecond(arrivals),
    busiestWritten: busiestSecond(out.written),
    cpu: dispatcherCpu(out, epoch),
    dispatcherCores: out.cpuMs / out.wallMs,
    emulators: emulatorCpu,
    transactionMs: percentiles(out.transactions),
    firstSendS: (Math.min(...epoch) - (out.samples[0]?.[0] ?? Number.NaN)) / 1000,
    workers: out.workers,
    runs: out.invocations,
    wallS: out.wallMs / 1000,
    chained: out.chained === true,
  };
}
