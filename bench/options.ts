/** `npm run bench -- [flags]`: sizes, rounds and which cases to run. */
import { parseArgs } from 'node:util';
import { parseLatencies, type SimLatencies } from './sim-latencies.ts';

export const CASES = ['render', 'dispatch', 'validate', 'dynamo', 'bundles'] as const;
/** Cases that run only when named in --only (they take minutes). */
export const EXTRA_CASES = ['send-rate', 'send-sim'] as const;
export type CaseName = (typeof CASES)[number];
export type ExtraCaseName = (typeof EXTRA_CASES)[number];

export interface BenchOptions {
  quick: boolean;
  /** Recipients of the render case. */
  recipients: number;
  /** Confirmed subscribers of the dispatch case. */
  subscribers: number;
  /** Parses per run in the validate case. */
  iterations: number;
  warmup: number;
  rounds: number;
  only: CaseName[];
  extra: ExtraCaseName[];
  /** send-rate: SES latency and jitter at the proxy (ms), seconds of sending per rate, the rates. */
  latencyMs: number;
  jitterMs: number;
  seconds: number;
  rates: number[];
  /** send-rate: unmeasured sends at the top rate before the measured ones. */
  rateWarmup: number;
  /** send-sim: readers of the 500/s case, and latencies overriding the AWS ones (`transact=15-35,…`). */
  simReaders: number;
  simLatencies: Partial<SimLatencies>;
  help: boolean;
}

export const usage = `usage: npm run bench -- [options]

  --quick              small sizes and 2 rounds: a smoke test, not a measurement
  --recipients <n>     recipients in the render case            (default 200, quick 20)
  --subscribers <n>    confirmed subscribers in the dispatch case (default 500, quick 40)
  --iterations <n>     reports parsed per run in the validate case (default 500, quick 50)
  --rounds <n>         measured rounds per case                 (default 5, quick 2)
  --warmup <n>         unmeasured rounds before them            (default 1)
  --only <list>        comma-separated cases: ${CASES.join(',')} (the default), ${EXTRA_CASES.join(',')}
                       (bundles: minified size of each function and its import time; no emulators;
                       dynamo: CPU per DynamoDB call, lib-dynamodb against the lean client)
  --latency <ms>       send-rate: SES latency added by the proxy (default 80)
  --jitter <ms>        send-rate: ± this much, uniform            (default 40)
  --seconds <n>        send-rate: seconds of sending per rate      (default 8, quick 2)
  --rates <list>       send-rate: MaxSendRate values               (default 14,100,500)
  --rate-warmup <n>    send-rate: unmeasured sends at the top rate first, each to its own readers,
                       so that DynamoDB Local's JIT is warm as DynamoDB is (default 2, quick 0)
  --sim-readers <n>    send-sim: readers of the 500/s simulation   (default 1000000, quick 20000)
  --sim-latencies <l>  send-sim: modelled AWS latencies to change, ms, e.g. transact=20-40,ses=60-150,start=800
                       (names: ses, transact, write, read, query, fetch, invoke, start)
  -h, --help           this text

Function settings come from the environment as for the functions, e.g.
SEND_CONCURRENCY=16 npm run bench -- --only dispatch`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function count(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        recipients: { type: 'string' },
        subscribers: { type: 'string' },
        iterations: { type: 'string' },
        rounds: { type: 'string' },
        warmup: { type: 'string' },
        only: { type: 'string' },
        latency: { type: 'string' },
        jitter: { type: 'string' },
        seconds: { type: 'string' },
        rates: { type: 'string' },
        'rate-warmup': { type: 'string' },
        'sim-readers': { type: 'string' },
        'sim-latencies': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const quick = values.quick === true;
  const str = (k: string) => values[k] as string | undefined;
  const only = str('only')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...CASES];
  const known: readonly string[] = [...CASES, ...EXTRA_CASES];
  const unknown = only.filter((s) => !known.includes(s));
  if (unknown.length || only.length === 0)
    throw new UsageError(`--only takes ${known.join(', ')}; got "${str('only')}"`);
  const rates = (str('rates') ?? '14,100,500').split(',').map((r) => count('rates', r.trim(), 0, 1));
  return {
    quick,
    recipients: count('recipients', str('recipients'), quick ? 20 : 200, 1),
    subscribers: count('subscribers', str('subscribers'), quick ? 40 : 500, 1),
    iterations: count('iterations', str('iterations'), quick ? 50 : 500, 1),
    rounds: count('rounds', str('rounds'), quick ? 2 : 5, 1),
    warmup: count('warmup', str('warmup'), 1, 0),
    only: CASES.filter((c) => only.includes(c)),
    extra: EXTRA_CASES.filter((c) => only.includes(c)),
    latencyMs: count('latency', str('latency'), 80, 0),
    jitterMs: count('jitter', str('jitter'), 40, 0),
    seconds: count('seconds', str('seconds'), quick ? 2 : 8, 1),
    rates,
    rateWarmup: count('rate-warmup', str('rate-warmup'), quick ? 0 : 2, 0),
    simReaders: count('sim-readers', str('sim-readers'), quick ? 20_000 : 1_000_000, 1),
    simLatencies: simLatencies(str('sim-latencies')),
    help: values.help === true,
  };
}

function simLatencies(text: string | undefined): Partial<SimLatencies> {
  try {
    return parseLatencies(text);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
