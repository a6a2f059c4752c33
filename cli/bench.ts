/**
 * `npm run bench`: each optimisation measured against a baseline in the same run, on the
 * bench's own emulators (free ports, temporary directory, all stopped and removed at the end,
 * also on failure or Ctrl-C). Prints a table of medians, min–max over rounds and the ratio.
 * Exit code: 0 done, 1 a case failed, 2 bad flags.
 *
 * The environment (emulator endpoints, function config, NODE_ENV) is set before any project
 * module is imported: the functions read their config and create their clients at load.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { localSesAccount } from '../local/emulators.ts';
import { localFunctionEnv, localPorts } from '../local/config.ts';
import { benchEmulators, type StartedEmulators } from '../bench/emulators.ts';
import { parseBenchArgs, usage, UsageError, type BenchOptions } from '../bench/options.ts';
import type { BenchCase, CaseResult } from '../bench/runner.ts';

const SAMPLE = 'examples/sample-report.json';
/** Far above what the emulators can take, so the dispatcher's pacing never waits. */
const MAX_SEND_RATE = 100_000;

const progress = (line: string) => process.stderr.write(`· ${line}\n`);
/** What the extra cases print under the table. */
const extraLines: string[] = [];

function machineLines(opts: BenchOptions): string[] {
  const cpus = os.cpus();
  return [
    `kawaraban bench — Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), load average ${os.loadavg()[0]!.toFixed(2)}`,
    'The machine may be shared: absolute times vary from run to run. Each ratio compares baseline and ours measured',
    `in the same rounds (alternating order), so it is the number to compare. ${opts.warmup} warm-up + ${opts.rounds} measured rounds per case; spread = min–max.`,
    ...(opts.quick ? ['--quick: tiny sizes, a smoke test of the bench, not a measurement.'] : []),
  ];
}

async function run(opts: BenchOptions, emulators: StartedEmulators): Promise<CaseResult[]> {
  const [{ runCase }, { loadConfig }, { newsletterContext }, { parseReport }] = await Promise.all([
    import('../bench/runner.ts'),
    import('../functions/core/config.ts'),
    import('../functions/adapters/editor-notifier.ts'),
    import('../functions/core/report-parse.ts'),
  ]);
  const config = loadConfig();
  if (!('value' in config.unsubscribeSecret))
    throw new Error('the bench expects UNSUBSCRIBE_SECRET in its environment');
  const key = Buffer.from(config.unsubscribeSecret.value, 'utf8');
  const ctx = newsletterContext(config);
  const reportText = readFileSync(new URL(`../${SAMPLE}`, import.meta.url), 'utf8');
  const parsed = parseReport(reportText, 'en');
  if (!parsed.ok) throw new Error(`${SAMPLE} is not a valid report`);
  const report = parsed.report;

  const makers: Record<Exclude<BenchOptions['only'][number], 'bundles'>, () => Promise<BenchCase>> = {
    render: async () =>
      (await import('../bench/render-once.ts')).renderCase({ report, ctx, key, recipients: opts.recipients }),
    dispatch: async () =>
      (await import('../bench/dispatch-throughput.ts')).dispatchCase({
        config,
        ctx,
        key,
        report,
        reportText,
        subscribers: opts.subscribers,
        sesUrl: emulators.sesUrl,
        maxSendRate: MAX_SEND_RATE,
      }),
    dynamo: async () =>
      (await import('../bench/dynamo-calls.ts')).dynamoCallsCase({
        table: config.tables.reports,
        calls: opts.quick ? 30 : 300,
      }),
    validate: async () =>
      (await import('../bench/validate-report.ts')).validateCase({
        text: reportText,
        iterations: opts.iterations,
        file: SAMPLE,
      }),
  };
  const results: CaseResult[] = [];
  if (opts.extra.includes('send-rate')) {
    const sendRate = await import('../bench/send-rate.ts');
    const setup = await sendRate.benchReports(config, ctx, report, reportText);
    const result = await sendRate.sendRateBench({
      config,
      sesUrl: emulators.sesUrl,
      ...opts,
      ...setup,
      progress,
    });
    extraLines.push((await import('../bench/send-rate-format.ts')).formatSendRate(result, opts));
  }
  for (const name of opts.only) {
    if (name === 'bundles') continue;
    progress(`${name}: setting up`);
    const c = await makers[name]();
    try {
      results.push(await runCase(c, opts, progress));
    } finally {
      await c.close?.();
    }
  }
  return results;
}

/** The bundles case: no emulators, each bundle imported by a fresh Node process with the functions' settings. */
async function runBundles(opts: BenchOptions, functionEnv: Record<string, string>): Promise<string> {
  const { measureBundles, formatBundles, measureSdkOutside, formatSdkOutside } = await import(
    '../bench/bundles.ts'
  );
  const { bundleDefines } = await import('../bench/bundle-defines.ts');
  const env = {
    ...process.env,
    ...functionEnv,
    NODE_ENV: 'production',
    // Clients are created at load but never called: nothing listens here.
    AWS_REGION: 'ap-northeast-1',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
  const settings = {
    env,
    define: await bundleDefines(functionEnv),
    warmup: opts.warmup,
    rounds: opts.rounds,
    progress,
  };
  const results = await measureBundles(settings);
  const outside = await measureSdkOutside(settings);
  return `${formatBundles(results)}\n${formatSdkOutside(outside)}`;
}

/** The send-sim case: 1,000,000 readers on 500/s and the smaller cases, simulated on a virtual clock. */
async function runSendSim(opts: BenchOptions): Promise<string> {
  const { sendSimCase } = await import('../bench/send-rate-sim-case.ts');
  return sendSimCase({
    readers: opts.simReaders,
    latencies: opts.simLatencies,
    all: true,
    progress,
  });
}

export async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${usage}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const t0 = performance.now();
  // Node 20 is pinned on purpose (see local/emulators.ts); the SDK's reminder is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const tag = randomBytes(4).toString('hex');
  const functionEnv = {
    ...localFunctionEnv(localPorts(), { value: randomBytes(48).toString('base64url') }),
    SUBSCRIBERS_TABLE: `bench-${tag}-subscribers`,
    REPORTS_TABLE: `bench-${tag}-reports`,
    UPLOAD_BUCKET: `bench-${tag}-uploads`,
    // The bench measures sending: a canary would send 1 % and then wait for its verdict.
    CANARY_ENABLED: 'false',
  };
  // Production React (as bundled for Lambda) and quiet functions: only warnings and errors.
  Object.assign(process.env, functionEnv, { NODE_ENV: 'production', POWERTOOLS_LOG_LEVEL: 'WARN' });

  const emulators = benchEmulators({
    tables: { subscribers: functionEnv.SUBSCRIBERS_TABLE, reports: functionEnv.REPORTS_TABLE },
    bucket: functionEnv.UPLOAD_BUCKET,
    sesAccount: {
      ...localSesAccount,
      SendQuota: { Max24HourSend: 100_000_000, MaxSendRate: MAX_SEND_RATE, SentLast24Hours: 0 },
    },
  });
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx),
  // and a second, unhandled SIGINT would kill it before the clean-up is done.
  let interrupted = false;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the emulators\n`);
    void emulators.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);
  try {
    const bundles = opts.only.includes('bundles') ? await runBundles(opts, functionEnv) : undefined;
    // The simulation needs no emulators: in-memory ports on a virtual clock.
    if (opts.extra.includes('send-sim')) extraLines.push(await runSendSim(opts));
    let table = '';
    if (opts.only.some((c) => c !== 'bundles') || opts.extra.some((c) => c !== 'send-sim')) {
      progress('starting DynamoDB Local, the SES emulator and s3rver on free ports');
      const endpoints = await emulators.start();
      Object.assign(process.env, endpoints.env);
      const results = await run(opts, endpoints);
      const { formatTable } = await import('../bench/format.ts');
      table = results.length ? `${formatTable(results)}\n\n` : '';
    }
    process.stdout.write(`\n${machineLines(opts).join('\n')}\n\n${table}${bundles ? `${bundles}\n\n` : ''}`);
    for (const block of extraLines) process.stdout.write(`${block}\n\n`);
    process.stdout.write(`total ${((performance.now() - t0) / 1000).toFixed(1)} s, emulators included\n`);
    return 0;
  } catch (err) {
    // After Ctrl-C the run fails because its emulators are going away: that is not news.
    if (!interrupted)
      process.stderr.write(
        `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    return 1;
  } finally {
    await emulators.stop();
  }
}

process.exitCode = await main(process.argv.slice(2));
