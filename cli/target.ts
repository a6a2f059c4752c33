/**
 * What the CLI talks to, decided once per run:
 *
 * 1. `--stack <prefix>` (or KAWARABAN_STACK): the deployed stacks `<prefix>Stateful` and
 *    `<prefix>Service`, read with DescribeStacks under the standard AWS profile and region
 *    resolution; their outputs name the bucket, tables and secret. .local/env.json is never
 *    read, so local endpoints and fake credentials cannot leak into an AWS target.
 * 2. Else, names already in the environment (SUBSCRIBERS_TABLE, REPORTS_TABLE, UPLOAD_BUCKET):
 *    used as they are, again without .local/env.json (no mixing of two places).
 * 3. Else the running local stack, from the .local/env.json `npm start` writes.
 * 4. Else nothing: NoTarget says what was tried and what to do.
 *
 * The chosen names (and, locally, the emulators' endpoints) go into process.env, where the
 * functions' adapters and the SDK read them; so the SDK clients must load only after this.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { cliContext } from './context.ts';
import { cliTexts, type CliLang } from './i18n/index.ts';

export type TargetKind = 'local' | 'environment' | 'stack';

export interface Target {
  kind: TargetKind;
  /** Where the settings came from: the env.json path, "environment", or the stack names. */
  source: string;
  stack?: string;
  region?: string;
  account?: string;
  bucket?: string;
  subscribersTable?: string;
  reportsTable?: string;
  /** Secrets Manager ARN on AWS; locally the key sits in UNSUBSCRIBE_SECRET. */
  secretArn?: string;
  configurationSet?: string;
  sendingDomain?: string;
  mailFromDomain?: string;
  apiUrl?: string;
  apiDomainName?: string;
  apiDomainTarget?: string;
  /** Set when the stack receives the List-Unsubscribe mailto with SES. */
  inboundRuleSet?: string;
  /** AWS_ENDPOINT_URL_* in effect (the emulators, locally). */
  endpoints: Record<string, string>;
}

/** No target could be found (or the stacks could not be read): `tried` says what, `hint` what to do. */
export class NoTarget extends Error {
  override name = 'NoTarget';
  constructor(
    readonly reason: 'nothing' | 'stack-unreadable' | 'stack-missing' | 'outputs-missing',
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export const localEnvFile = () => resolve(process.env.KAWARABAN_LOCAL_DIR ?? '.local', 'env.json');

const NAME_VARS = ['SUBSCRIBERS_TABLE', 'REPORTS_TABLE', 'UPLOAD_BUCKET'] as const;

/** The outputs the CLI reads, by stable key (no exports: see infra/stateful-stack.ts). */
export const STACK_OUTPUTS = {
  stateful: {
    bucket: 'UploadBucketName',
    subscribersTable: 'SubscribersTableName',
    reportsTable: 'ReportsTableName',
    secretArn: 'UnsubscribeSecretArn',
    configurationSet: 'ConfigurationSetName',
    sendingDomain: 'SendingDomain',
    mailFromDomain: 'MailFromDomain',
  },
  service: {
    apiUrl: 'ApiUrl',
    apiDomainName: 'ApiDomainName',
    apiDomainTarget: 'ApiDomainTarget',
    inboundRuleSet: 'InboundRuleSetName',
  },
} as const;
const REQUIRED: (keyof Target)[] = ['bucket', 'subscribersTable', 'reportsTable'];

let resolved: Promise<Target> | undefined;
let lastTarget: Target | undefined;

/** Resolves the target once per process and puts its names into process.env. */
export function chooseTarget(
  opts: { quiet?: boolean; cloudFormation?: () => Promise<CloudFormationClient> } = {},
): Promise<Target> {
  resolved ??= resolveTarget(cliContext().stack, opts).then((t) => {
    lastTarget = t;
    // Says which, on stderr (stdout stays the command's output): a local stack and a deployed
    // one look alike from the command's output.
    if (!opts.quiet && t.kind !== 'environment')
      console.error(`kawaraban: ${targetLine(t, cliContext().lang)}`);
    return t;
  });
  return resolved;
}

/** "local stack (.local/env.json)" / "stack Kawaraban (ap-northeast-1, 123456789012)". */
export function targetLine(t: Target, lang: CliLang): string {
  const m = cliTexts[lang].target;
  if (t.kind === 'stack') return m.stackLine(t.stack!, t.region ?? '?', t.account ?? '?');
  return t.kind === 'local' ? m.localLine(t.source) : m.environmentLine;
}

/** The target of this run, if one was resolved (for error messages). */
export const currentTarget = (): Target | undefined => lastTarget;

/** What applying a target changed in process.env, so that resetTarget can undo it. */
const applied = new Map<string, string | undefined>();

function applyEnv(values: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (!applied.has(k)) applied.set(k, process.env[k]);
    process.env[k] = v;
  }
}

/** Forget the resolved target and undo what it put into process.env (tests run many commands in one process). */
export function resetTarget(): void {
  resolved = undefined;
  lastTarget = undefined;
  for (const [k, v] of applied) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  applied.clear();
}

async function resolveTarget(
  stack: string | undefined,
  deps: { cloudFormation?: () => Promise<CloudFormationClient> },
): Promise<Target> {
  if (stack) return stackTarget(stack, deps.cloudFormation ?? defaultCloudFormation);
  if (NAME_VARS.some((v) => process.env[v])) {
    return describeEnv('environment', 'environment');
  }
  const file = localEnvFile();
  if (existsSync(file)) {
    const fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    // The file describes the running local stack as a whole (endpoints, credentials, names).
    applyEnv(fromFile);
    return describeEnv('local', file);
  }
  throw new NoTarget('nothing', file);
}

function endpoints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWS_ENDPOINT_URL_') && v) out[k.slice('AWS_ENDPOINT_URL_'.length).toLowerCase()] = v;
  }
  return out;
}

function describeEnv(kind: 'local' | 'environment', source: string): Target {
  const e = process.env;
  return {
    kind,
    source,
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION,
    bucket: e.UPLOAD_BUCKET,
    subscribersTable: e.SUBSCRIBERS_TABLE,
    reportsTable: e.REPORTS_TABLE,
    configurationSet: e.SES_CONFIGURATION_SET,
    apiUrl: e.PUBLIC_BASE_URL,
    endpoints: endpoints(),
  };
}

async function defaultCloudFormation(): Promise<CloudFormationClient> {
  const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
  return new CloudFormationClient({});
}

async function stackTarget(prefix: string, client: () => Promise<CloudFormationClient>): Promise<Target> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = await client();
  const names = { stateful: `${prefix}Stateful`, service: `${prefix}Service` };
  const describe = async (name: string) => {
    try {
      const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      return out.Stacks?.[0];
    } catch (err) {
      const e = err as Error & { name?: string };
      if (/does not exist/.test(e.message ?? '')) throw new NoTarget('stack-missing', name);
      throw new NoTarget(
        'stack-unreadable',
        `${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`,
      );
    }
  };
  const [stateful, service] = await Promise.all([describe(names.stateful), describe(names.service)]);
  if (!stateful) throw new NoTarget('stack-missing', names.stateful);
  const outputs = (s: typeof stateful | undefined) =>
    Object.fromEntries((s?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const fromStateful = outputs(stateful);
  const fromService = outputs(service);
  // arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
  const arn = (stateful.StackId ?? '').split(':');
  const target: Target = {
    kind: 'stack',
    source: `${names.stateful}, ${names.service}`,
    stack: prefix,
    region: arn[3] || (await cfn.config.region()),
    account: arn[4] || undefined,
    endpoints: endpoints(),
  };
  for (const [field, key] of Object.entries(STACK_OUTPUTS.stateful)) {
    if (fromStateful[key]) (target as unknown as Record<string, string>)[field] = fromStateful[key]!;
  }
  for (const [field, key] of Object.entries(STACK_OUTPUTS.service)) {
    if (fromService[key]) (target as unknown as Record<string, string>)[field] = fromService[key]!;
  }
  const missing = REQUIRED.filter((f) => !target[f]);
  if (missing.length) throw new NoTarget('outputs-missing', `${names.stateful}: ${missing.join(', ')}`);
  // Assigned, not defaulted: names in the shell from some other deployment must not win.
  applyEnv({
    AWS_REGION: target.region,
    UPLOAD_BUCKET: target.bucket,
    SUBSCRIBERS_TABLE: target.subscribersTable,
    REPORTS_TABLE: target.reportsTable,
    SES_CONFIGURATION_SET: target.configurationSet,
    UNSUBSCRIBE_SECRET_ARN: target.secretArn,
  });
  return target;
}
