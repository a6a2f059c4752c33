/**
 * The runtime every function runs on and how its bundle is built for it: NodejsFunction's local
 * esbuild, then infra/build-function.ts again in place, with the options the bench measures.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  esmRequireBanner,
  functionDefine,
  functionExternals,
  mainFields,
  type FunctionName,
} from '../bundling.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Newest Node.js runtime in aws-cdk-lib 2.276 (cdk-nag AwsSolutions-L1 wants the latest). */
export const functionRuntime = lambda.Runtime.NODEJS_24_X;
/** esbuild's target for that runtime, as NodejsFunction derives it. */
const functionTarget = 'node24';

/** NodejsFunction's bundling options for one function; `define` adds constants on top of its own. */
export function functionBundling(
  name: FunctionName,
  define: Record<string, string> | undefined,
): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    banner: esmRequireBanner,
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    mainFields,
    define: { ...functionDefine(name), ...define },
    // The AWS SDK is bundled at the lockfile's version (not the runtime's copy).
    bundleAwsSDK: true,
    externalModules: functionExternals(name),
    // NodejsFunction takes no esbuild plugin: the bundle is built again, in place, with the
    // options the bench measures (infra/bundling.ts: the SDK schema plugin), same format and map.
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => rebuildCommand(name, outputDir, define),
    },
  };
}

/** The shell command that rebuilds a function's bundle in outputDir (infra/build-function.ts). */
function rebuildCommand(
  name: FunctionName,
  outputDir: string,
  define: Record<string, string> | undefined,
): string[] {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const args = [name, outputDir, functionTarget];
  let defineFile: string | undefined;
  if (define) {
    // The defines (the api's rendered confirmation email) are too long for a command line. Named by
    // their content: CDK may ask for the commands more than once and run one set of them.
    const json = JSON.stringify(define);
    defineFile = join(
      os.tmpdir(),
      `kawaraban-define-${createHash('sha256').update(json).digest('hex').slice(0, 16)}.json`,
    );
    writeFileSync(defineFile, json);
    args.push(defineFile);
  }
  return [
    [`${repoRoot}node_modules/.bin/tsx`, `${repoRoot}infra/build-function.ts`, ...args].map(quote).join(' '),
    ...(defineFile ? [`rm -f ${quote(defineFile)}`] : []),
  ];
}
