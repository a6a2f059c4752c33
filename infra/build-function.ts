/**
 * Rebuilds one function's bundle in place with infra/bundling.ts's options (the same as the bench
 * measures, the SDK schema plugin included), over what NodejsFunction's esbuild step wrote.
 * Run by the KawarabanFunction construct's afterBundling hook:
 *   tsx infra/build-function.ts <function name> <output dir> <target> [<defines JSON file>]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { functionBuildOptions, functionEntries, type FunctionName } from './bundling.ts';

const [name, outputDir, target, defineFile] = process.argv.slice(2);
if (!name || !(name in functionEntries) || !outputDir || !target) {
  throw new Error('usage: build-function.ts <function name> <output dir> <target> [<defines JSON file>]');
}
const define = defineFile ? (JSON.parse(readFileSync(defineFile, 'utf8')) as Record<string, string>) : {};
await build({
  ...functionBuildOptions(name as FunctionName, { define, target }),
  absWorkingDir: new URL('../', import.meta.url).pathname,
  outfile: join(outputDir, 'index.mjs'),
  // As NodejsFunction writes it: a source map without the sources (NODE_OPTIONS=--enable-source-maps).
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
