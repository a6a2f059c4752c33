/**
 * `npm run bench -- --only bundles`: each function bundled as for Lambda (infra/bundling.ts),
 * its minified size read from esbuild's metafile, the packages that weigh most, whether React
 * reached it, and how long a fresh Node process takes to import it compared with an empty one
 * (the part of a cold start the bundle decides).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { functionBuildOptions, functionEntries, type FunctionName } from '../infra/bundling.ts';
import { median, pairedRatios, summarize, type Summary } from './stats.ts';

const run = promisify(execFile);
const repoRoot = new URL('../', import.meta.url);

/** Size targets of issue 10 (KiB); render has none: it is the one function that renders React. */
export const sizeLimitsKiB: Partial<Record<FunctionName, number>> = {
  api: 250,
  dispatch: 400,
  'ses-events': 350,
  'inbound-unsubscribe': 350,
};

/** The only function allowed to bundle React: it renders reports and the confirmation email. */
export const reactAllowedIn: FunctionName = 'render';

const REACT_INPUT = /(?:^|\/)node_modules\/(?:react|react-dom|@react-email\/[^/]+|scheduler)\//;

export interface BuiltBundle {
  name: FunctionName;
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** Bundles one function exactly as the CDK construct does (minified ESM, same defines and externals). */
export async function buildBundle(
  name: FunctionName,
  outdir: string,
  define: Record<string, string> = {},
  opts: { sdkOutside?: boolean } = {},
): Promise<BuiltBundle> {
  const file = join(outdir, name, 'index.mjs');
  const options = functionBuildOptions(name, { define, target: 'node20' });
  const result = await build({
    // node20: the bundle is imported by this Node (the deployed one targets the Lambda runtime's).
    ...options,
    // The option not taken (README, "bundles"): @aws-sdk/* left to the runtime, as CDK's default does.
    external: opts.sdkOutside ? [...(options.external ?? []), '@aws-sdk/*'] : options.external,
    absWorkingDir: repoRoot.pathname,
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const out = Object.entries(result.metafile!.outputs).find(([path]) => path.endsWith('index.mjs'));
  if (!out) throw new Error(`${name}: esbuild wrote no index.mjs`);
  return { name, file, bytes: out[1].bytes, metafile: result.metafile! };
}

/** Input files of a bundle that belong to React or React Email. */
export function reactInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((path) => REACT_INPUT.test(path));
}

/** Bytes each package (or our own source, as "(ours)") contributes to the bundle's output. */
export function weightByPackage(metafile: Metafile): Map<string, number> {
  const weights = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m ? m[1]! : '(ours)';
      weights.set(key, (weights.get(key) ?? 0) + bytesInOutput);
    }
  }
  return weights;
}

/** A bundle built with @aws-sdk/* left outside, as CDK's default would deploy it (not what we deploy). */
export interface SdkOutsideResult {
  name: FunctionName;
  bytes: number;
  /** What the import also read from node_modules: the SDK packages it loads there (unminified). */
  nodeModulesBytes: number;
  nodeModulesFiles: number;
  ratio: Summary;
}

/** Bundles over their target because of the SDK: the ones the option not taken is measured for. */
const sdkOutsideProbe: readonly FunctionName[] = ['api', 'dispatch'];

/**
 * A Node script that imports a bundle and prints the bytes of every file it loaded from
 * node_modules: ES modules through a load hook, CommonJS ones (the SDK's dist-cjs) from require.cache.
 */
const LOADED_FILES_PROBE = `
import { createRequire, register } from 'node:module';
import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on('message', (url) => seen.add(url));
port1.unref();
const hook = "let port; export function initialize(d) { port = d.port; } export async function load(u, c, next) { if (u.startsWith('file:')) port.postMessage(u); return next(u, c); }";
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
await import(process.argv[1]);
await new Promise((resolve) => setTimeout(resolve, 200));
for (const path of Object.keys(createRequire(import.meta.url).cache)) seen.add(pathToFileURL(path).href);
let bytes = 0, files = 0;
for (const url of seen) {
  const path = fileURLToPath(url);
  if (path.includes('/node_modules/')) { bytes += statSync(path).size; files++; }
}
console.log(JSON.stringify({ bytes, files }));
`;

async function loadedFromNodeModules(file: string, env: NodeJS.ProcessEnv) {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', LOADED_FILES_PROBE, pathToFileURL(file).href],
    { env },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { bytes: number; files: number };
}

export async function measureSdkOutside(opts: {
  env: NodeJS.ProcessEnv;
  define?: Partial<Record<FunctionName, Record<string, string>>>;
  warmup: number;
  rounds: number;
  progress: (line: string) => void;
}): Promise<SdkOutsideResult[]> {
  // Inside the repository, so that the bundle finds node_modules as the runtime's SDK would be found.
  mkdirSync(join(repoRoot.pathname, '.local'), { recursive: true });
  const outdir = mkdtempSync(join(repoRoot.pathname, '.local', 'bundles-sdk-outside-'));
  try {
    const results: SdkOutsideResult[] = [];
    for (const name of sdkOutsideProbe) {
      opts.progress(`bundles: ${name} with the SDK outside`);
      const bundle = await buildBundle(name, outdir, opts.define?.[name], { sdkOutside: true });
      const loaded = await loadedFromNodeModules(bundle.file, opts.env);
      const { loads, empties } = await importTimes(bundle.file, opts.env, opts.warmup, opts.rounds);
      results.push({
        name,
        bytes: bundle.bytes,
        nodeModulesBytes: loaded.bytes,
        nodeModulesFiles: loaded.files,
        ratio: summarize(pairedRatios(loads, empties)),
      });
    }
    return results;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface BundleResult {
  name: FunctionName;
  bytes: number;
  limitKiB: number | undefined;
  react: boolean;
  heaviest: [string, number][];
  importMs: Summary;
  emptyMs: Summary;
  /** Import process time ÷ empty process time, per round. */
  ratio: Summary;
}

async function processMs(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  await run(process.execPath, args, { env });
  return performance.now() - start;
}

/**
 * Times `node -e "await import(bundle)"` against `node -e ""`, alternating which goes first.
 * The bundle's module scope runs as at a cold start: configuration, clients (no network).
 */
async function importTimes(file: string, env: NodeJS.ProcessEnv, warmup: number, rounds: number) {
  const load = ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`];
  const empty = ['--input-type=module', '-e', ''];
  const loads: number[] = [];
  const empties: number[] = [];
  for (let round = 0; round < warmup + rounds; round++) {
    const first = round % 2 === 0;
    const a = await processMs(first ? load : empty, env);
    const b = await processMs(first ? empty : load, env);
    if (round < warmup) continue;
    loads.push(first ? a : b);
    empties.push(first ? b : a);
  }
  return { loads, empties };
}

export async function measureBundles(opts: {
  names?: FunctionName[];
  env: NodeJS.ProcessEnv;
  define?: Partial<Record<FunctionName, Record<string, string>>>;
  warmup: number;
  rounds: number;
  progress: (line: string) => void;
}): Promise<BundleResult[]> {
  const outdir = mkdtempSync(join(os.tmpdir(), 'kawaraban-bundles-'));
  try {
    const results: BundleResult[] = [];
    for (const name of opts.names ?? (Object.keys(functionEntries) as FunctionName[])) {
      opts.progress(`bundles: ${name}`);
      const bundle = await buildBundle(name, outdir, opts.define?.[name]);
      const { loads, empties } = await importTimes(bundle.file, opts.env, opts.warmup, opts.rounds);
      const heaviest = [...weightByPackage(bundle.metafile)].sort((a, b) => b[1] - a[1]).slice(0, 4);
      results.push({
        name,
        bytes: bundle.bytes,
        limitKiB: sizeLimitsKiB[name],
        react: reactInputs(bundle.metafile).length > 0,
        heaviest,
        importMs: summarize(loads),
        emptyMs: summarize(empties),
        // pairedRatios gives baseline ÷ ours: here the load is the "baseline" so the ratio reads ≥ 1.
        ratio: summarize(pairedRatios(loads, empties)),
      });
    }
    return results;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) =>
  `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KiB`;

export function formatSdkOutside(results: readonly SdkOutsideResult[]): string {
  return [
    'Not deployed, for comparison: the same bundles with @aws-sdk/* left to the runtime (CDK default; here node_modules)',
    ...results.map(
      (r) =>
        `  ${r.name}: bundle ${kib(r.bytes)} + ${kib(r.nodeModulesBytes)} read from ${r.nodeModulesFiles} SDK files = ${kib(r.bytes + r.nodeModulesBytes)} loaded; import ÷ empty node ${r.ratio.median.toFixed(2)}× (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)})`,
    ),
  ].join('\n');
}

export function formatBundles(results: readonly BundleResult[]): string {
  const header = ['function', 'minified', 'target', 'import', 'empty node', 'ratio (min–max)', 'React'];
  const rows = results.map((r) => [
    r.name,
    kib(r.bytes),
    r.limitKiB === undefined ? '—' : `${r.bytes <= r.limitKiB * 1024 ? 'ok' : 'OVER'} ≤ ${r.limitKiB} KiB`,
    `${r.importMs.median.toFixed(0)} ms`,
    `${r.emptyMs.median.toFixed(0)} ms`,
    `${r.ratio.median.toFixed(2)}× (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)})`,
    r.react ? 'yes' : 'no',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => [...row[i]!].length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('   ')
      .trimEnd();
  const notes = results.map(
    (r) => `  ${r.name}: ${r.heaviest.map(([pkg, bytes]) => `${pkg} ${kib(bytes)}`).join(', ')}`,
  );
  const n = results[0]?.ratio.n ?? 0;
  return [
    `Function bundles (minified ESM as deployed; import = a fresh node importing the bundle, ${n} rounds, medians)`,
    line(header),
    ...rows.map(line),
    'Heaviest parts:',
    ...notes,
    `Empty node process: ${median(results.flatMap((r) => [r.emptyMs.median])).toFixed(0)} ms (median of the cases).`,
  ].join('\n');
}
