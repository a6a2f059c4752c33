/**
 * The sandbox's extra grant (every recipient identity) is acknowledged to cdk-nag under the name
 * cdk-nag gives it, also when the stack has a region and account: `npm run synth` and deploys run
 * with the CLI's region, in which the ARN carries the region itself rather than <AWS::Region>.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployEnv, synthKawaraban } from './synth.ts';

const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

function synthWithNag(env: { account?: string; region?: string }): void {
  const outdir = mkdtempSync(join(tmpdir(), 'kawaraban-nag-sandbox-'));
  outdirs.push(outdir);
  const { app } = synthKawaraban({ sesSandbox: 'true' }, { nag: true, outdir, env });
  app.synth();
}

describe('sesSandbox=true passes cdk-nag', () => {
  it('with the region and account known at synth (the CLI with credentials)', () => {
    expect(() => synthWithNag(deployEnv)).not.toThrow();
  });

  it('with only the region known (the CLI without credentials: CDK_DEFAULT_REGION us-east-1)', () => {
    expect(() => synthWithNag({ region: 'us-east-1' })).not.toThrow();
  });

  it('environment-agnostic', () => {
    expect(() => synthWithNag({})).not.toThrow();
  });
});
