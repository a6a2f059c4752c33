/**
 * How every function is bundled, in one place: the CDK construct (NodejsFunction's bundling
 * options) and `npm run bench -- --only bundles` / the bundle test (esbuild directly) read the
 * same settings, so what is measured is what is deployed.
 */

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
];

/** `module` first: the AWS SDK's ES builds tree-shake far better than its CommonJS ones. */
export const mainFields = ['module', 'main'];
