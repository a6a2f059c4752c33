/**
 * cdk-nag (AwsSolutions) runs as a CDK validation plugin; its findings land in the cloud
 * assembly's validation-report.json. The app must have no unacknowledged finding; a probe stack
 * with a deliberately careless bucket shows the check is really running.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { deployEnv, synthKawaraban } from './synth.ts';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

/** Synthesises with the plugin and returns every finding (errors and warnings) as "rule @ path". */
function nagFindings(
  context: Record<string, unknown>,
  addProbe = false,
  env?: { account?: string; region?: string },
): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'kawaraban-nag-'));
  outdirs.push(outdir);
  const { app } = synthKawaraban(
    // Report instead of throwing, so the test can show every finding at once.
    { ...context, '@aws-cdk/core:failSynthOnValidationErrors': false },
    { nag: true, outdir, env },
  );
  if (addProbe) new s3.Bucket(new Stack(app, 'NagProbe'), 'CarelessBucket');
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((r) =>
    r.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => `${r.pluginName}: ${v.ruleName} (${v.severity}) @ ${c.constructPath}`),
    ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the app, while catching a careless probe bucket', () => {
    const findings = nagFindings({}, true);
    const outsideProbe = findings.filter((f) => !f.includes('@ NagProbe/'));
    expect(outsideProbe).toEqual([]);
    // The probe proves the plugin ran: a bucket without access logs and without enforced TLS.
    expect(
      findings.some((f) => f.includes('AwsSolutions-S1 ') && f.includes('@ NagProbe/CarelessBucket')),
    ).toBe(true);
    expect(
      findings.some((f) => f.includes('AwsSolutions-S10 ') && f.includes('@ NagProbe/CarelessBucket')),
    ).toBe(true);
  });

  it('stays clean with every optional setting on (sandbox recipients, alarm email, own API domain, MAIL FROM, mailto: unsubscribe, two-person approval)', () => {
    expect(
      nagFindings({
        sesSandbox: 'true',
        alarmEmail: 'ops@example.jp',
        apiDomainName: 'news.example.jp',
        apiCertificateArn:
          'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
        publicBaseUrl: 'https://news.example.jp',
        mailFromDomain: 'mail.example.jp',
        consentPolicyVersion: '2',
        inboundUnsubscribe: 'true',
        approval: 'true',
      }),
    ).toEqual([]);
  });

  it('stays clean when the mailto: unsubscribe rule joins an existing rule set', () => {
    expect(nagFindings({ inboundUnsubscribe: 'true', inboundRuleSet: 'default-rule-set' })).toEqual([]);
  });

  it('stays clean with the WAF edge (CloudFront, the us-east-1 WebACL), on its default name and on a name of ours', () => {
    expect(nagFindings({ edgeWaf: 'true' }, false, deployEnv)).toEqual([]);
    expect(
      nagFindings(
        {
          edgeWaf: 'true',
          edgeDomainName: 'news.example.jp',
          edgeCertificateArn:
            'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
          apiDomainName: 'origin.example.jp',
          apiCertificateArn:
            'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
        },
        false,
        deployEnv,
      ),
    ).toEqual([]);
  });
});
