/**
 * How every function is bundled, in one place: the CDK construct (NodejsFunction's bundling
 * options) and `npm run bench -- --only bundles` / the bundle test (esbuild directly) read the
 * same settings, so what is measured is what is deployed.
 */

import type { BuildOptions } from 'esbuild';
import { sdkSchemaKeys } from './sdk-schema-keys.ts';

/** Each Lambda entry, by the name the bench and tests print. */
export const functionEntries = {
  api: 'functions/api.ts',
  render: 'functions/render.ts',
  dispatch: 'functions/dispatch.ts',
  'dispatch-worker': 'functions/dispatch-worker.ts',
  'ses-events': 'functions/ses-events.ts',
  'inbound-unsubscribe': 'functions/inbound-unsubscribe.ts',
  archive: 'functions/archive-site.ts',
} as const;

export type FunctionName = keyof typeof functionEntries;

/** CommonJS dependencies inside an ESM bundle still call require() for Node built-ins. */
export const esmRequireBanner =
  "import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);";

/** Production React (no dev checks) wherever React is bundled. */
export const baseDefine: Record<string, string> = { 'process.env.NODE_ENV': JSON.stringify('production') };

/**
 * prettier is only lazily imported by @react-email/render for pretty output, which we never ask
 * for; it must stay out of the bundle.
 */
export const externalModules = [
  'prettier',
  'prettier/*',
  // The credential chain tries the environment first, and Lambda always puts the role's credentials
  // there, so these later links (profiles, SSO, token files, with the STS/SSO clients they pull in,
  // ~90 KiB) are never loaded on Lambda. They are dynamic imports in the SDK: left out of the bundle,
  // they would resolve to the Lambda runtime's own SDK copy if ever reached.
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  // The chain's last link (container and instance metadata, ~10 KiB): also a dynamic import, after
  // the environment, so never reached on Lambda either.
  '@smithy/credential-provider-imds',
  '@aws-sdk/credential-provider-http',
];

/**
 * Functions whose clients have no event-stream operation (DynamoDB, SES v2, Secrets Manager): the
 * protocol loads `@smithy/core/event-streams` (~14 KiB) with a dynamic import only for such an
 * operation, so it stays out. The SDK's S3 and Lambda clients imported it at load; the lean ones
 * (functions/adapters/aws/lean) left every function, so all qualify. test/infra/bundles.test.ts
 * fails if any bundle would import an external module at load.
 */
const noEventStreams: readonly FunctionName[] = [
  'api',
  'render',
  'dispatch',
  'dispatch-worker',
  'ses-events',
  'inbound-unsubscribe',
  'archive',
];

/** What stays out of a function's bundle (see externalModules). */
export function functionExternals(name: FunctionName): string[] {
  return noEventStreams.includes(name) ? [...externalModules, '@smithy/core/event-streams'] : externalModules;
}

/** `module` first: the AWS SDK's ES builds tree-shake far better than its CommonJS ones. */
export const mainFields = ['module', 'main'];

/**
 * Which functions carry Powertools Tracer's X-Ray subsegments for each AWS SDK call
 * (functions/adapters/aws/tracer.ts). Every function keeps Lambda's active tracing (the
 * invocation, its cold start and duration, with no code in the bundle); the subsegments cost
 * ~110 KiB of bundle (aws-xray-sdk-core, semver, cls-hooked), 55–120 ms at each cold start and
 * ~150 µs of CPU per wrapped call. Worth it only where a run is rare and its calls are what one
 * looks at: render (S3 reads and writes, the audience count, the editor's mail). Not on the paths
 * that answer a reader (api, archive), that run once per recipient (dispatch and its workers, one
 * subsegment per SendEmail; ses-events, one event per recipient) or that do one update
 * (inbound-unsubscribe); their metrics and logs answer what a trace would.
 */
export const sdkSubsegments: Record<FunctionName, boolean> = {
  api: false,
  render: true,
  dispatch: false,
  'dispatch-worker': false,
  'ses-events': false,
  'inbound-unsubscribe': false,
  archive: false,
};

/** The function an entry file is, for the construct (which knows entries, not names). */
export function functionNameOf(entry: string): FunctionName {
  const name = (Object.keys(functionEntries) as FunctionName[]).find((n) => functionEntries[n] === entry);
  if (!name) throw new Error(`${entry}: not a function entry in infra/bundling.ts`);
  return name;
}

/** Constants every bundle of this function gets: production React, and its tracing choice. */
export function functionDefine(name: FunctionName): Record<string, string> {
  return {
    ...baseDefine,
    ...(sdkSubsegments[name] ? {} : { 'process.env.KAWARABAN_SDK_SUBSEGMENTS': JSON.stringify('off') }),
  };
}

/**
 * The esbuild options of one function's bundle, for the bench and tests (bench/bundles.ts) and for
 * the deployed bundle (infra/build-function.ts, run by the CDK construct after NodejsFunction's own
 * esbuild step: NodejsFunction cannot take an esbuild plugin, and sdkSchemaKeys is one).
 */
export function functionBuildOptions(
  name: FunctionName,
  opts: { define?: Record<string, string>; target: string },
): BuildOptions {
  return {
    entryPoints: [functionEntries[name]],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: opts.target,
    minify: true,
    mainFields,
    external: functionExternals(name),
    banner: { js: esmRequireBanner },
    define: { ...functionDefine(name), ...opts.define },
    plugins: [sdkSchemaKeys],
  };
}
