/**
 * `kawaraban doctor [--json]`.
 *
 * 1. Resolve the target quietly (cli/target.ts): a stack gets the AWS checks, anything else
 *    (the local stack, names in the environment) the local ones.
 * 2. Build the real ports: SDK clients, Node's DNS resolver (KAWARABAN_DNS_SERVERS points it
 *    at given servers, e.g. the zone's own, to skip caches), the TLS probe.
 * 3. Print one line per check, ✓ / ✗ with the fix / – not applicable, and a summary; exit 0
 *    only when nothing failed.
 */
import { Resolver } from 'node:dns/promises';
import type { Check } from './doctor/check.ts';
import type { DnsPort, TlsProbe } from './doctor/dns-checks.ts';
import { cliLang } from './context.ts';
import { cliTexts, type CliLang } from './i18n/index.ts';
import { shortReason } from './target-command.ts';
import { type Target, targetLine, chooseTarget } from './target.ts';

export interface DoctorOverrides {
  dns?: DnsPort;
  tls?: TlsProbe;
  now?: Date;
}

export function dnsResolver(servers = process.env.KAWARABAN_DNS_SERVERS): DnsPort {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers)
    resolver.setServers(
      servers
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  return resolver;
}

export async function collectChecks(target: Target, overrides: DoctorOverrides = {}): Promise<Check[]> {
  if (target.kind === 'stack') {
    const [{ SESv2Client }, { SESClient }, { SecretsManagerClient }, { runAwsChecks }, { tlsProbe }] =
      await Promise.all([
        import('@aws-sdk/client-sesv2'),
        import('@aws-sdk/client-ses'),
        import('@aws-sdk/client-secrets-manager'),
        import('./doctor/aws-checks.ts'),
        import('./doctor/tls-probe.ts'),
      ]);
    const region = target.region;
    const clients = {
      sesv2: new SESv2Client({ region }),
      ses: new SESClient({ region }),
      secrets: new SecretsManagerClient({ region }),
    };
    try {
      return await runAwsChecks(
        {
          ...clients,
          dns: overrides.dns ?? dnsResolver(),
          tls: overrides.tls ?? tlsProbe(),
          now: overrides.now ?? new Date(),
          reason: shortReason,
        },
        target,
      );
    } finally {
      for (const c of Object.values(clients)) c.destroy();
    }
  }
  const [{ DynamoDBClient }, { S3Client }, { runLocalChecks }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-s3'),
    import('./doctor/local-checks.ts'),
  ]);
  const dynamo = new DynamoDBClient({ maxAttempts: 1 });
  const s3 = new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL_S3, maxAttempts: 1 });
  try {
    return await runLocalChecks({ dynamo, s3, fetch, env: process.env, reason: shortReason }, target);
  } finally {
    dynamo.destroy();
    s3.destroy();
  }
}

export function formatCheck(c: Check, lang: CliLang): { mark: string; message: string; fix?: string } {
  const text = cliTexts[lang].doctor.checks[c.id];
  if (c.status === 'pass') return { mark: '✓', message: text.pass(c.facts) };
  if (c.status === 'skip') return { mark: '–', message: text.skip ? text.skip(c.facts) : c.id };
  return { mark: '✗', message: text.fail(c.facts), fix: text.fix(c.facts) };
}

export async function runDoctorCommand(
  opts: { json?: boolean },
  overrides: DoctorOverrides = {},
): Promise<number> {
  const lang = cliLang();
  const d = cliTexts[lang].doctor;
  const target = await chooseTarget({ quiet: true });
  const checks = await collectChecks(target, overrides);
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const ok = count('fail') === 0;
  if (opts.json) {
    const lines = checks.map((c) => ({
      id: c.id,
      status: c.status,
      ...formatCheck(c, lang),
      facts: c.facts,
    }));
    console.log(
      JSON.stringify(
        {
          target: { kind: target.kind, stack: target.stack, region: target.region, account: target.account },
          ok,
          checks: lines,
        },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  }
  console.log(d.heading(targetLine(target, lang)));
  for (const c of checks) {
    const { mark, message, fix } = formatCheck(c, lang);
    console.log(fix ? `${mark} ${message} → ${fix}` : `${mark} ${message}`);
  }
  console.log(d.summary(count('pass'), count('fail'), count('skip')));
  return ok ? 0 : 1;
}
