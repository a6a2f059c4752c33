/**
 * `kawaraban doctor`: on a deployed stack with SDK mocks (CloudFormation, SES v2, SES,
 * Secrets Manager) and a DNS server on loopback answering a good and a broken zone (no real
 * DNS is asked: the resolver is pointed at it); on the local stack against the emulators.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeActiveReceiptRuleSetCommand, SESClient } from '@aws-sdk/client-ses';
import {
  GetAccountCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dnsResolver } from '../../cli/doctor-command.ts';
import { checkApiDomain } from '../../cli/doctor/dns-checks.ts';
import { tlsProbe } from '../../cli/doctor/tls-probe.ts';
import { freePort } from '../../local/ports.ts';
import { runCli } from '../helpers/cli.ts';
import { type LoopbackDns, startDns, type ZoneRecord } from '../helpers/dns-zone.ts';
import { createTestStack } from '../helpers/stack.ts';
import { stackOutputs, testAccount } from '../helpers/stack-outputs.ts';

const region = 'ap-northeast-1';
const tokens = ['tok1aaaa', 'tok2bbbb', 'tok3cccc'];
const dkim = (domain: string, token: string, value = `${token}.dkim.amazonses.com`): ZoneRecord => ({
  type: 'CNAME',
  name: `${token}._domainkey.${domain}`,
  value,
});
const zones: ZoneRecord[] = [
  // Good: news.good.co.jp sends; DMARC sits only at the organisational domain good.co.jp.
  ...tokens.map((t) => dkim('news.good.co.jp', t)),
  { type: 'MX', name: 'bounce.news.good.co.jp', value: `feedback-smtp.${region}.amazonses.com` },
  { type: 'TXT', name: 'bounce.news.good.co.jp', value: 'v=spf1 include:amazonses.com ~all' },
  { type: 'TXT', name: '_dmarc.good.co.jp', value: 'v=DMARC1; p=none; rua=mailto:dmarc@good.co.jp' },
  { type: 'CNAME', name: 'api.good.example', value: 'd-abc123.execute-api.ap-northeast-1.amazonaws.com' },
  { type: 'CNAME', name: 'api.wrong.example', value: 'old-host.example.net' },
  // Broken: one DKIM CNAME right, one pointing elsewhere, one missing; MX elsewhere; two SPF records; no DMARC.
  dkim('broken.example', tokens[0]!),
  dkim('broken.example', tokens[1]!, 'somewhere.example.net'),
  { type: 'MX', name: 'bounce.broken.example', value: 'mx.broken.example' },
  { type: 'TXT', name: 'bounce.broken.example', value: 'v=spf1 include:amazonses.com ~all' },
  { type: 'TXT', name: 'bounce.broken.example', value: 'v=spf1 mx -all' },
  { type: 'A', name: 'broken.example', value: '192.0.2.1' },
];

const cfn = mockClient(CloudFormationClient);
const sesv2 = mockClient(SESv2Client);
const ses = mockClient(SESClient);
const secrets = mockClient(SecretsManagerClient);
let dns: LoopbackDns;
let main: (argv: string[]) => Promise<number>;
const cli = (...args: string[]) => runCli(main, args);

function deployed(prefix: string, domain: string) {
  stackOutputs(cfn, prefix, region, {
    stateful: {
      UploadBucketName: `${prefix.toLowerCase()}-uploads`,
      SubscribersTableName: `${prefix}-Subscribers`,
      ReportsTableName: `${prefix}-Reports`,
      ConfigurationSetName: `${prefix}-ConfigurationSet`,
      UnsubscribeSecretArn: `arn:aws:secretsmanager:${region}:${testAccount}:secret:UnsubscribeKey-AbCdEf`,
      SendingDomain: domain,
      MailFromDomain: `bounce.${domain}`,
    },
    service: {
      ApiUrl: 'https://abc.execute-api.ap-northeast-1.amazonaws.com',
      InboundRuleSetName: `${prefix}-inbound`,
    },
  });
}

beforeAll(async () => {
  dns = await startDns(zones);
  process.env.KAWARABAN_DNS_SERVERS = dns.server;
  process.env.KAWARABAN_LOCAL_DIR = join(mkdtempSync(join(tmpdir(), 'kawaraban-doctor-')), 'no-local-stack');
  ({ main } = await import('../../cli/main.ts'));
});
afterAll(async () => {
  await dns.close();
  delete process.env.KAWARABAN_DNS_SERVERS;
});
beforeEach(() => {
  for (const m of [cfn, sesv2, ses, secrets]) m.reset();
  dns.asked.length = 0;
});

describe('kawaraban doctor on a deployed stack', () => {
  it('passes every check on a healthy deployment, one line each, exit 0', async () => {
    deployed('Good', 'news.good.co.jp');
    sesv2.on(GetEmailIdentityCommand, { EmailIdentity: 'news.good.co.jp' }).resolves({
      VerifiedForSendingStatus: true,
      DkimAttributes: { Status: 'SUCCESS', Tokens: tokens, SigningEnabled: true },
    });
    sesv2.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      EnforcementStatus: 'HEALTHY',
      SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 1234 },
      SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    sesv2
      .on(GetConfigurationSetEventDestinationsCommand, { ConfigurationSetName: 'Good-ConfigurationSet' })
      .resolves({
        EventDestinations: [
          {
            Name: 'ToEventBridge',
            Enabled: true,
            MatchingEventTypes: ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'REJECT', 'RENDERING_FAILURE'],
            EventBridgeDestination: {
              EventBusArn: `arn:aws:events:${region}:${testAccount}:event-bus/default`,
            },
          },
        ],
      });
    ses
      .on(DescribeActiveReceiptRuleSetCommand)
      .resolves({ Metadata: { Name: 'Good-inbound' }, Rules: [{ Name: 'unsubscribe' }] });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });

    const run = await cli('doctor', '--stack', 'Good', '--lang', 'en');

    expect(run.err).toBe('');
    expect(run.out.split('\n')).toEqual([
      `kawaraban doctor — talking to stack Good (region ${region}, account ${testAccount})`,
      '✓ SES identity news.good.co.jp: verified, DKIM SUCCESS',
      '✓ 3 DKIM CNAMEs are in the DNS of news.good.co.jp',
      '✓ MAIL FROM bounce.news.good.co.jp: MX points at SES',
      '✓ MAIL FROM bounce.news.good.co.jp: SPF includes amazonses.com',
      '✓ DMARC good.co.jp: p=none (monitoring only; move to quarantine once reports look clean)',
      '✓ SES production access: yes (out of the sandbox)',
      '✓ sending enabled: 50,000 per 24 h, 14/s (1,234 in the last 24 h)',
      '✓ configuration set Good-ConfigurationSet: events go to EventBridge (event-bus/default)',
      '✓ account suppression list: on for bounces and complaints',
      '✓ receipt rule set Good-inbound is active (1 rules)',
      '– API domain: none (the execute-api URL)',
      `✓ unsubscribe key UnsubscribeKey-AbCdEf is readable`,
      'all 11 checks passed (1 not applicable)',
    ]);
    expect(run.code).toBe(0);
    // The answers came from the loopback server: it was asked for each DKIM name.
    for (const t of tokens) expect(dns.asked).toContain(`${t}._domainkey.news.good.co.jp CNAME`);
    // The key was read, never shown.
    expect(run.out).not.toContain('kkkk');
  });

  it('fails each broken check with its fix, exit 1; --json says the same', async () => {
    deployed('Broken', 'broken.example');
    sesv2.on(GetEmailIdentityCommand).resolves({
      VerifiedForSendingStatus: false,
      DkimAttributes: { Status: 'PENDING', Tokens: tokens, SigningEnabled: true },
    });
    sesv2.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: false,
      SendingEnabled: false,
      EnforcementStatus: 'SHUTDOWN',
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
      SuppressionAttributes: { SuppressedReasons: ['BOUNCE'] },
    });
    sesv2.on(GetConfigurationSetEventDestinationsCommand).resolves({
      EventDestinations: [
        {
          Name: 'ToEventBridge',
          Enabled: false,
          MatchingEventTypes: ['BOUNCE', 'COMPLAINT', 'DELIVERY'],
          EventBridgeDestination: { EventBusArn: 'arn:aws:events:x:1:event-bus/default' },
        },
      ],
    });
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({});
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

    const run = await cli('doctor', '--stack', 'Broken', '--lang', 'en');

    expect(run.code).toBe(1);
    const lines = run.out.split('\n');
    expect(lines.slice(1, -1)).toEqual([
      '✗ SES identity broken.example: verified false, DKIM PENDING → publish the three DKIM CNAMEs and wait for SES to see them (up to 72 hours); the stateful stack creates the identity',
      '✗ DKIM CNAMEs missing from the DNS → publish: tok2bbbb._domainkey.broken.example. CNAME tok2bbbb.dkim.amazonses.com ; tok3cccc._domainkey.broken.example. CNAME tok3cccc.dkim.amazonses.com',
      `✗ MAIL FROM bounce.broken.example: no MX to SES (found: mx.broken.example) → publish: bounce.broken.example. MX 10 feedback-smtp.${region}.amazonses.com`,
      '✗ MAIL FROM bounce.broken.example: several SPF records (permerror) → keep exactly one SPF record: bounce.broken.example. TXT "v=spf1 include:amazonses.com ~all"',
      '✗ DMARC broken.example: no record → publish the stack output DmarcRecord (p=none to start) at the organisational domain; Gmail, Yahoo and Microsoft ask bulk senders for it',
      `✗ SES production access: no (sandbox: mail goes to verified addresses only) → request production access from the SES console's account dashboard (region ${region})`,
      "✗ sending is paused (SHUTDOWN; quota 200 per 24 h) → read the reason under the SES console's reputation metrics, fix it, then ask AWS to resume sending",
      '✗ configuration set Broken-ConfigurationSet: no enabled EventBridge destination for bounces, complaints, deliveries, rejects and rendering failures (missing: BOUNCE, COMPLAINT, DELIVERY, REJECT, RENDERING_FAILURE) → deploy the stateful stack again (it creates the ToEventBridge destination); without it bounces never reach the list',
      '✗ account suppression list: not on for both bounces and complaints (BOUNCE) → aws sesv2 put-account-suppression-attributes --suppressed-reasons BOUNCE COMPLAINT',
      `✗ receipt rule set Broken-inbound is not active (active: -) → aws ses set-active-receipt-rule-set --region ${region} --rule-set-name Broken-inbound (this deactivates any other set in the region)`,
      '– API domain: none (the execute-api URL)',
      "✗ unsubscribe key UnsubscribeKey-AbCdEf is not readable (AccessDeniedException) → check that this CLI's credentials allow secretsmanager:GetSecretValue and the stack output UnsubscribeSecretArn",
    ]);
    expect(lines.at(-1)).toBe('11 problems (0 passed, 1 not applicable)');

    const json = await cli('doctor', '--stack', 'Broken', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out);
    expect(report.ok).toBe(false);
    expect(
      report.checks.map((c: { status: string }) => c.status).filter((s: string) => s === 'fail'),
    ).toHaveLength(11);
    expect(report.checks.find((c: { id: string }) => c.id === 'dmarc').fix).toContain('DmarcRecord');
  });

  it('in Japanese by default', async () => {
    deployed('Broken', 'broken.example');
    sesv2
      .on(GetEmailIdentityCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    sesv2
      .on(GetAccountCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // A destination made before newsletters went by template: it lacks only rendering failures.
    sesv2.on(GetConfigurationSetEventDestinationsCommand).resolves({
      EventDestinations: [
        {
          Name: 'ToEventBridge',
          Enabled: true,
          MatchingEventTypes: ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'REJECT'],
          EventBridgeDestination: { EventBusArn: 'arn:aws:events:x:1:event-bus/default' },
        },
      ],
    });
    const run = await cli('doctor', '--stack', 'Broken');
    expect(run.code).toBe(1);
    expect(run.out).toContain('（不足: RENDERING_FAILURE）');
    expect(run.out).toContain('✗ SES の ID broken.example: 読めません（AccessDeniedException）');
    expect(run.out).toContain('✗ SES の本番アクセス: なし');
    expect(run.out.split('\n').at(-1)).toMatch(/^\d+ 件の問題があります/);
  });
});

describe('the API domain check (DNS on loopback, TLS against a loopback server with its own certificate)', () => {
  let server: TlsServer;
  let port: number;
  let ca: string;
  let validTo: Date;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kawaraban-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '30',
        '-subj',
        '/CN=api.good.example',
        '-addext',
        'subjectAltName=DNS:api.good.example',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (s) => s.end());
    port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const probe = await tlsProbe({ port, ca, address: '127.0.0.1' })('api.good.example');
    validTo = probe.validTo!;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const target = 'd-abc123.execute-api.ap-northeast-1.amazonaws.com';
  const check = (name: string, opts: { trusted: boolean; now?: Date }) =>
    checkApiDomain(
      dnsResolver(dns.server),
      tlsProbe({ port, address: '127.0.0.1', ca: opts.trusted ? ca : undefined }),
      name,
      target,
      opts.now ?? new Date(validTo.getTime() - 20 * 86_400_000),
    );

  it('passes when the CNAME points at the API and the certificate is trusted and not about to expire', async () => {
    const c = await check('api.good.example', { trusted: true });
    expect(c).toMatchObject({
      status: 'pass',
      facts: { domain: 'api.good.example', validTo: validTo.toISOString().slice(0, 10) },
    });
  });

  it('fails on an untrusted certificate, one about to expire, a CNAME elsewhere, or no record', async () => {
    expect((await check('api.good.example', { trusted: false })).facts.problem).toBe(
      'TLS: DEPTH_ZERO_SELF_SIGNED_CERT',
    );
    expect(
      (await check('api.good.example', { trusted: true, now: new Date(validTo.getTime() - 3 * 86_400_000) }))
        .facts.problem,
    ).toBe(`TLS: expires ${validTo.toISOString().slice(0, 10)}`);
    expect(await check('api.wrong.example', { trusted: true })).toMatchObject({
      status: 'fail',
      facts: { problem: 'CNAME → old-host.example.net' },
    });
    expect(await check('api.missing.example', { trusted: true })).toMatchObject({
      status: 'fail',
      facts: { problem: 'no record' },
    });
  });
});

describe('kawaraban doctor on the local stack', () => {
  let api: Server;
  let apiPort: number;
  beforeAll(async () => {
    apiPort = await freePort();
    api = createServer((req, res) => res.writeHead(req.url === '/' ? 200 : 404).end('<html></html>'));
    await new Promise<void>((r) => api.listen(apiPort, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => api.close(() => r())));

  it('checks the emulators, tables, bucket, API and configuration; a stopped API fails with the fix', async () => {
    const stack = await createTestStack({ PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}` });
    Object.assign(process.env, stack.env);
    const ok = await cli('doctor', '--lang', 'en');
    expect(ok.err).toBe('');
    expect(ok.out.split('\n')).toEqual([
      'kawaraban doctor — talking to what the environment names (SUBSCRIBERS_TABLE and friends)',
      `✓ DynamoDB Local: tables ${stack.env.SUBSCRIBERS_TABLE}, ${stack.env.REPORTS_TABLE} and their indexes exist`,
      `✓ s3rver: bucket ${stack.env.UPLOAD_BUCKET} exists`,
      `✓ SES emulator: ${new URL('/store', process.env.AWS_ENDPOINT_URL_SESV2).toString()} answers`,
      `✓ API: http://127.0.0.1:${apiPort}/ serves the subscribe page`,
      '✓ function configuration complete (sender, legal block, unsubscribe key)',
      'all 5 checks passed (0 not applicable)',
    ]);
    expect(ok.code).toBe(0);

    const closed = await freePort();
    process.env.PUBLIC_BASE_URL = `http://127.0.0.1:${closed}`;
    delete process.env.SENDER_POSTAL_ADDRESS;
    const broken = await cli('doctor', '--lang', 'en');
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('✗ API: no answer (');
    expect(broken.out).toContain('→ start it with npm start (KAWARABAN_API_PORT, default 3000)');
    expect(broken.out).toContain('✗ function configuration incomplete (SENDER_POSTAL_ADDRESS) → ');
    expect(broken.out.split('\n').at(-1)).toBe('2 problems (3 passed, 0 not applicable)');
  });
});
