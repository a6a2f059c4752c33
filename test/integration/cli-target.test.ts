/**
 * Where the CLI talks to: the local stack through .local/env.json, names in the environment,
 * or deployed stacks through their outputs (DescribeStacks mocked; the tables are still this
 * file's in DynamoDB Local) — and the one line it says when nothing answers.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedReport } from '../helpers/audience.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import { stackOutputs, testAccount } from '../helpers/stack-outputs.ts';

const NAMES = ['SUBSCRIBERS_TABLE', 'REPORTS_TABLE', 'UPLOAD_BUCKET'] as const;
const emulators = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith('AWS_')),
) as Record<string, string>;

let main: (argv: string[]) => Promise<number>;
let stack: TestStack;
let localDir: string;
const cfn = mockClient(CloudFormationClient);
const cli = (...args: string[]) => runCli(main, args);

/** Only the .local/env.json the local stack writes: none of the names in the environment. */
function localStackFile(env: Record<string, string>) {
  mkdirSync(localDir, { recursive: true });
  writeFileSync(join(localDir, 'env.json'), JSON.stringify(env));
}

beforeAll(async () => {
  ({ main } = await import('../../cli/main.ts'));
  stack = await createTestStack();
});
beforeEach(() => {
  localDir = join(mkdtempSync(join(tmpdir(), 'kawaraban-target-')), '.local');
  process.env.KAWARABAN_LOCAL_DIR = localDir;
  for (const k of NAMES) delete process.env[k];
  delete process.env.KAWARABAN_STACK;
  Object.assign(process.env, emulators);
  cfn.reset();
});
afterEach(() => {
  for (const k of NAMES) delete process.env[k];
});

describe('kawaraban target', () => {
  it('uses the running local stack from .local/env.json, says so, and finds it reachable', async () => {
    localStackFile({ ...emulators, ...stack.env });
    const text = await cli('target', '--lang', 'en');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^target\s+local stack$/m);
    expect(text.out).toContain(join(localDir, 'env.json'));
    expect(text.out).toMatch(new RegExp(`✓ dynamodb ${stack.env.SUBSCRIBERS_TABLE}`));
    expect(text.out).toMatch(new RegExp(`✓ s3 ${stack.env.UPLOAD_BUCKET}`));

    const json = await cli('target', '--json');
    expect(JSON.parse(json.out)).toMatchObject({
      kind: 'local',
      reachable: true,
      reportsTable: stack.env.REPORTS_TABLE,
    });

    const report = await seedReport(stack, { status: 'SENT', sendAt: new Date('2030-01-01T00:00:00Z') });
    const list = await cli('report', 'list', '--lang', 'en');
    expect(list.code).toBe(0);
    expect(list.out).toContain(report.reportId);
    expect(list.err).toBe(`kawaraban: talking to the local stack (${join(localDir, 'env.json')})`);
  });

  it('with nothing to talk to, says in one line what it tried, in either language', async () => {
    for (const [lang, words] of [
      ['en', 'nothing to talk to: no --stack or KAWARABAN_STACK'],
      ['ja', '接続先がありません'],
    ] as const) {
      const run = await cli('report', 'list', '--lang', lang);
      expect(run.code).toBe(1);
      expect(run.err.split('\n')).toHaveLength(1);
      expect(run.err).toContain(words);
      expect(run.err).toContain(join(localDir, 'env.json'));
    }
  });

  it('uses names already in the environment alone: a leftover .local/env.json fills nothing in', async () => {
    localStackFile({ UPLOAD_BUCKET: 'from-the-file', AWS_ENDPOINT_URL_SESV2: 'http://leak.invalid:1' });
    Object.assign(process.env, {
      SUBSCRIBERS_TABLE: stack.env.SUBSCRIBERS_TABLE,
      REPORTS_TABLE: stack.env.REPORTS_TABLE,
    });
    delete process.env.AWS_ENDPOINT_URL_SESV2;
    const json = await cli('target', '--json');
    const t = JSON.parse(json.out);
    expect(t.kind).toBe('environment');
    expect(t.bucket).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_SESV2).toBeUndefined();
  });
});

describe('kawaraban --stack <prefix>', () => {
  const outputsOf = (s: TestStack) => ({
    stateful: {
      UploadBucketName: s.env.UPLOAD_BUCKET!,
      SubscribersTableName: s.env.SUBSCRIBERS_TABLE!,
      ReportsTableName: s.env.REPORTS_TABLE!,
      UnsubscribeSecretArn: `arn:aws:secretsmanager:ap-northeast-1:${testAccount}:secret:UnsubscribeKey-AbCdEf`,
      ConfigurationSetName: 'ConfigurationSet-abc',
      SendingDomain: 'example.jp',
    },
    service: { ApiUrl: 'https://abc.execute-api.ap-northeast-1.amazonaws.com' },
  });

  it("reads the stacks' outputs for bucket, tables and secret, and never lets .local/env.json in", async () => {
    stackOutputs(cfn, 'Kawaraban', emulators.AWS_REGION!, outputsOf(stack));
    // A developer's stopped local stack and names left in the shell from another deployment.
    localStackFile({
      ...emulators,
      SUBSCRIBERS_TABLE: 'local-one',
      AWS_ENDPOINT_URL_SESV2: 'http://leak.invalid:1',
    });
    delete process.env.AWS_ENDPOINT_URL_SESV2;
    process.env.REPORTS_TABLE = 'left-in-the-shell';

    const json = await cli('target', '--stack', 'Kawaraban', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      kind: 'stack',
      stack: 'Kawaraban',
      account: testAccount,
      region: emulators.AWS_REGION,
      subscribersTable: stack.env.SUBSCRIBERS_TABLE,
      reportsTable: stack.env.REPORTS_TABLE,
      bucket: stack.env.UPLOAD_BUCKET,
      secretArn: outputsOf(stack).stateful.UnsubscribeSecretArn,
      reachable: true,
    });
    expect(process.env.AWS_ENDPOINT_URL_SESV2).toBeUndefined();
    expect(
      cfn
        .commandCalls(DescribeStacksCommand)
        .map((c) => c.args[0].input.StackName)
        .sort(),
    ).toEqual(['KawarabanService', 'KawarabanStateful']);

    const report = await seedReport(stack, { status: 'SCHEDULED', sendAt: new Date('2030-02-01T00:00:00Z') });
    process.env.KAWARABAN_STACK = 'Kawaraban';
    const list = await cli('report', 'list', '--lang', 'en');
    expect(list.code).toBe(0);
    expect(list.out).toContain(report.reportId);
    expect(list.err).toBe(
      `kawaraban: talking to stack Kawaraban (region ${emulators.AWS_REGION}, account ${testAccount})`,
    );
  });

  it('says which stack is missing, or which outputs, in one line', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id NopeStateful does not exist'), { name: 'ValidationError' }),
      );
    const missing = await cli('report', 'list', '--stack', 'Nope', '--lang', 'en');
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toBe(
      `kawaraban: no stack NopeStateful in region ${emulators.AWS_REGION}: check the --stack prefix and AWS_REGION (or the region of AWS_PROFILE)`,
    );

    cfn.reset();
    stackOutputs(cfn, 'Old', emulators.AWS_REGION!, { stateful: { UploadBucketName: 'b' } });
    const old = await cli('subscribers', 'count', '--stack', 'Old', '--lang', 'en');
    expect(old.code).toBe(1);
    expect(old.err).toBe(
      'kawaraban: the stacks lack outputs the CLI needs (OldStateful: subscribersTable, reportsTable): deploy this version again (npm run deploy)',
    );

    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const creds = await cli('report', 'list', '--stack', 'Kawaraban', '--lang', 'en');
    expect(creds.err).toMatch(
      /^kawaraban: no AWS credentials found \(KawarabanStateful: CredentialsProviderError: Could not load credentials from any providers\): set AWS_PROFILE or run aws sso login$/,
    );
  });
});
