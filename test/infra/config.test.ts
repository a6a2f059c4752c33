/** Deployment configuration from CDK context: one clear message naming every problem. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { contextKeys } from '../../infra/config-keys.ts';
import { DeployConfigError, readDeployConfig } from '../../infra/config.ts';
import { buildKawaraban } from '../../infra/kawaraban.ts';
import { exampleContext } from './synth.ts';

const required = [
  'domain',
  'fromAddress',
  'newsletterName',
  'senderName',
  'senderPostalAddress',
  'senderContact',
  'editors',
];
const from = (ctx: Record<string, unknown>) => readDeployConfig((k) => ctx[k]);
const messageOf = (ctx: Record<string, unknown>): string => {
  try {
    from(ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(DeployConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a DeployConfigError');
};

describe('readDeployConfig', () => {
  it('names every missing key with how to pass it', () => {
    const msg = messageOf({});
    for (const key of required) {
      expect(msg).toContain(`- ${key}: missing`);
      expect(msg).toContain(`-c ${key}=`);
    }
    expect(msg).toContain('-c domain=example.jp');
    // Optional keys are not reported.
    for (const key of [
      'publicBaseUrl',
      'unsubscribeMailto',
      'alarmEmail',
      'sesSandbox',
      'consentPolicyVersion',
      'inboundUnsubscribe',
      'inboundRuleSet',
    ]) {
      expect(msg).not.toContain(`- ${key}:`);
    }
  });

  it('treats empty strings as missing', () => {
    expect(messageOf({ ...exampleContext(), domain: '', editors: '' })).toMatch(
      /- domain: missing[\s\S]*- editors: missing/,
    );
  });

  it('names each invalid value with the reason', () => {
    const msg = messageOf({
      ...exampleContext(),
      domain: 'not a domain',
      editors: 'editor@example.jp,nobody',
      publicBaseUrl: 'http://news.example.jp',
      alarmEmail: 'ops',
      sesSandbox: 'maybe',
    });
    expect(msg).toMatch(/- domain: must be a domain name/);
    expect(msg).toMatch(/- editors: every entry must be an email address/);
    expect(msg).toMatch(/- publicBaseUrl: must be an https URL/);
    expect(msg).toMatch(/- alarmEmail: must be an email address/);
    expect(msg).toMatch(/- sesSandbox: /);
  });

  it.each([
    ['newsletterName', '週刊\u202Eトーポレ'],
    ['senderName', '株式会社\nBcc: x@example.jp'],
    ['senderPostalAddress', '〒100-0001\u0085東京都'],
    ['senderContact', '\u200B'],
    ['fromAddress', 'News\u0000 <news@example.jp>'],
  ])('refuses controls, line breaks, bidi overrides and invisible-only text in %s', (key, value) => {
    expect(messageOf({ ...exampleContext(), [key]: value })).toContain(`- ${key}: `);
  });

  it('requires the From address to be at the verified domain', () => {
    expect(messageOf({ ...exampleContext(), fromAddress: 'News <news@other.example>' })).toContain(
      '- fromAddress: must be an address at example.jp',
    );
    expect(messageOf({ ...exampleContext(), fromAddress: 'News <not-an-address>' })).toContain(
      '- fromAddress: must be an address',
    );
    expect(from({ ...exampleContext(), fromAddress: 'news@mail.example.jp' }).fromAddress).toBe(
      'news@mail.example.jp',
    );
  });

  it('fills the defaults and normalises values', () => {
    const c = from({
      ...exampleContext(),
      domain: 'Example.JP',
      editors: ' a@example.jp , b@example.jp ,',
      publicBaseUrl: 'https://news.example.jp/',
      sesSandbox: 'true',
    });
    expect(c).toMatchObject({
      domain: 'example.jp',
      editors: ['a@example.jp', 'b@example.jp'],
      publicBaseUrl: 'https://news.example.jp',
      unsubscribeMailto: 'unsubscribe@example.jp',
      alarmEmail: undefined,
      sesSandbox: true,
      sender: { name: '【例】株式会社サンプル', contact: 'contact@example.jp' },
    });
    expect(from({ ...exampleContext(), editors: ['x@example.jp'] }).editors).toEqual(['x@example.jp']);
    expect(from(exampleContext()).sesSandbox).toBe(false);
  });

  it('documents every key it reads', () => {
    expect(Object.keys(contextKeys).sort()).toEqual(
      [
        ...required,
        'publicBaseUrl',
        'unsubscribeMailto',
        'alarmEmail',
        'sesSandbox',
        'consentPolicyVersion',
        'inboundUnsubscribe',
        'inboundRuleSet',
        'mailFromDomain',
        'apiDomainName',
        'apiCertificateArn',
        'approval',
        'edgeWaf',
        'edgeDomainName',
        'edgeCertificateArn',
        'shortName',
        'subjectPrefix',
        'privacyPolicyUrl',
        'canary',
        'canaryMinAudience',
        'canaryShare',
        'canaryMinSize',
        'canaryMaxSize',
        'canaryWaitMinutes',
      ].sort(),
    );
  });

  it('puts the API under a domain of ours only with its certificate, and links there', () => {
    const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
    expect(from(exampleContext()).apiDomain).toBeUndefined();
    expect(
      from({ ...exampleContext(), apiDomainName: 'News.Example.JP', apiCertificateArn: arn }),
    ).toMatchObject({
      apiDomain: { name: 'news.example.jp', certificateArn: arn },
      publicBaseUrl: 'https://news.example.jp',
    });
    expect(messageOf({ ...exampleContext(), apiDomainName: 'news.example.jp' })).toContain(
      '- apiCertificateArn: required with apiDomainName',
    );
    expect(messageOf({ ...exampleContext(), apiCertificateArn: arn })).toContain(
      '- apiDomainName: required with apiCertificateArn',
    );
    expect(
      messageOf({
        ...exampleContext(),
        apiDomainName: 'news.example.jp',
        apiCertificateArn: 'arn:aws:iam::1:role/x',
      }),
    ).toContain('- apiCertificateArn: must be the ARN of an ACM certificate');
    expect(
      messageOf({
        ...exampleContext(),
        apiDomainName: 'news.example.jp',
        apiCertificateArn: arn,
        publicBaseUrl: 'https://other.example.jp',
      }),
    ).toContain('- publicBaseUrl: must be https://news.example.jp with apiDomainName');
  });

  it('sets up a MAIL FROM subdomain by default, another one on request, or none', () => {
    expect(from(exampleContext()).mailFromDomain).toBe('bounce.example.jp');
    expect(from({ ...exampleContext(), mailFromDomain: 'Mail.Example.JP' }).mailFromDomain).toBe(
      'mail.example.jp',
    );
    expect(from({ ...exampleContext(), mailFromDomain: 'none' }).mailFromDomain).toBeUndefined();
    expect(messageOf({ ...exampleContext(), mailFromDomain: 'bounce.other.example' })).toContain(
      '- mailFromDomain: must be a subdomain of example.jp (e.g. bounce.example.jp), or none',
    );
    expect(messageOf({ ...exampleContext(), mailFromDomain: 'example.jp' })).toContain(
      '- mailFromDomain: must be a subdomain of example.jp',
    );
    expect(messageOf({ ...exampleContext(), mailFromDomain: 'not a domain' })).toContain(
      '- mailFromDomain: must be a domain name, or none',
    );
    // With SES receiving, the unsubscribe mailbox needs an MX of its own.
    expect(
      messageOf({
        ...exampleContext(),
        inboundUnsubscribe: 'true',
        unsubscribeMailto: 'unsubscribe@bounce.example.jp',
      }),
    ).toContain("- mailFromDomain: must differ from the unsubscribe mailbox's domain");
  });
});

describe('the CDK app', () => {
  it('reads the canary settings, with the defaults of functions/core/canary.ts, and names bad ones', () => {
    expect(from(exampleContext()).canary).toEqual({
      enabled: true,
      minAudience: 1000,
      share: 0.01,
      minSize: 50,
      maxSize: 1000,
      waitMinutes: 30,
    });
    expect(from({ ...exampleContext(), canary: 'false', canaryWaitMinutes: '5' }).canary).toMatchObject({
      enabled: false,
      waitMinutes: 5,
    });
    for (const [key, value] of [
      ['canary', 'maybe'],
      ['canaryShare', '1.5'],
      ['canaryShare', '0'],
      ['canaryMinSize', '0'],
      ['canaryMaxSize', 'lots'],
      ['canaryMinAudience', '-3'],
      ['canaryWaitMinutes', '2000'],
    ] as const) {
      expect(messageOf({ ...exampleContext(), [key]: value }), `${key}=${value}`).toContain(`- ${key}:`);
    }
    expect(messageOf({ ...exampleContext(), canaryMinSize: '500', canaryMaxSize: '100' })).toContain(
      '- canaryMinSize: must not be above canaryMaxSize',
    );
  });

  it('refuses to build without context', () => {
    expect(() => buildKawaraban(new App({ context: {} }))).toThrow(DeployConfigError);
  });

  it('infra/app.ts exits 1 with the message and writes no templates', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kawaraban-cdk-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        cwd: new URL('../../', import.meta.url).pathname,
        // What the CDK CLI would pass with no context at all (cdk.json context not merged).
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ domain: 'example.jp' }),
        },
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        'kawaraban: the deployment configuration (CDK context) is incomplete or invalid',
      );
      expect(run.stderr).toContain('- editors: missing');
      expect(run.stderr).not.toContain('- domain:');
      expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(readdirSync(outdir).filter((f) => f.endsWith('.template.json'))).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
