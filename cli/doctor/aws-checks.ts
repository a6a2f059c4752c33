/**
 * `kawaraban doctor` against a deployed stack.
 *
 * 1. Read the identity (GetEmailIdentity) and the account (GetAccount) once.
 * 2. Check, in the order an operator fixes them: identity verified and DKIM SUCCESS, the
 *    DKIM CNAMEs, the MAIL FROM MX and SPF, DMARC; production access, sending enabled and the
 *    quota; the configuration set's EventBridge destination; the account suppression list;
 *    the active receipt rule set (with inboundUnsubscribe); the API's custom domain; the
 *    unsubscribe secret.
 * Every AWS and DNS client is a port, so the tests hand in SDK mocks and a loopback resolver.
 */
import {
  type GetAccountCommandOutput,
  GetAccountCommand,
  GetConfigurationSetEventDestinationsCommand,
  type GetEmailIdentityCommandOutput,
  GetEmailIdentityCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { DescribeActiveReceiptRuleSetCommand, type SESClient } from '@aws-sdk/client-ses';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Target } from '../target.ts';
import { type Check, fail, guarded, pass, skip } from './check.ts';
import {
  checkApiDomain,
  checkDkimDns,
  checkDmarc,
  checkMailFromMx,
  checkMailFromSpf,
  type DnsPort,
  type TlsProbe,
} from './dns-checks.ts';

export interface AwsDoctorDeps {
  sesv2: Pick<SESv2Client, 'send'>;
  ses: Pick<SESClient, 'send'>;
  secrets: Pick<SecretsManagerClient, 'send'>;
  dns: DnsPort;
  tls: TlsProbe;
  now: Date;
  reason: (err: unknown) => string;
}

/**
 * Event types the ses-events function needs from the configuration set (SES v2 names): rejects
 * and rendering failures are newsletters SES accepted and never sent (it sends them by template).
 */
const NEEDED_EVENTS = ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'REJECT', 'RENDERING_FAILURE'];

export async function runAwsChecks(deps: AwsDoctorDeps, target: Target): Promise<Check[]> {
  const { sesv2, dns, reason } = deps;
  const domain = target.sendingDomain;
  const region = target.region ?? '';
  const settle = <T>(p: Promise<T>) =>
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  const [identity, account] = await Promise.all([
    domain
      ? settle(
          sesv2.send(
            new GetEmailIdentityCommand({ EmailIdentity: domain }),
          ) as Promise<GetEmailIdentityCommandOutput>,
        )
      : Promise.resolve({ error: new Error('SendingDomain output missing') }),
    settle(sesv2.send(new GetAccountCommand({})) as Promise<GetAccountCommandOutput>),
  ]);
  const id = 'value' in identity ? identity.value : undefined;
  const acct = 'value' in account ? account.value : undefined;
  const identityError = 'error' in identity ? reason(identity.error) : '';
  const accountError = 'error' in account ? reason(account.error) : '';
  const mailFrom = target.mailFromDomain;
  const checks: Check[] = [];

  // 1. Identity and DKIM as SES sees them.
  if (!id) checks.push(fail('identity', { domain: domain ?? '?', error: identityError }));
  else {
    const facts = {
      domain: domain!,
      verified: String(!!id.VerifiedForSendingStatus),
      dkim: id.DkimAttributes?.Status ?? '?',
    };
    checks.push(
      id.VerifiedForSendingStatus && id.DkimAttributes?.Status === 'SUCCESS'
        ? pass('identity', facts)
        : fail('identity', facts),
    );
  }
  // 2. The DNS records behind them, as receivers see them.
  checks.push(
    await guarded(
      'dkim-dns',
      () => checkDkimDns(dns, domain ?? '?', id?.DkimAttributes?.Tokens ?? []),
      reason,
    ),
  );
  checks.push(await guarded('mail-from-mx', () => checkMailFromMx(dns, mailFrom, region), reason));
  checks.push(await guarded('mail-from-spf', () => checkMailFromSpf(dns, mailFrom), reason));
  checks.push(await guarded('dmarc', () => checkDmarc(dns, domain ?? '?'), reason));

  // 3. The account (out of the sandbox, sending, quota) and the configuration set's events.
  const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');
  const q = acct?.SendQuota ?? {};
  const quota = {
    max24: n(q.Max24HourSend),
    rate: n(q.MaxSendRate),
    sent24: n(q.SentLast24Hours),
    enforcement: acct?.EnforcementStatus ?? '',
  };
  const reasons = acct?.SuppressionAttributes?.SuppressedReasons ?? [];
  checks.push(
    !acct
      ? fail('production-access', { error: accountError })
      : acct.ProductionAccessEnabled
        ? pass('production-access')
        : fail('production-access', { region }),
    !acct
      ? fail('sending', { error: accountError })
      : acct.SendingEnabled
        ? pass('sending', quota)
        : fail('sending', quota),
    await guarded('event-destination', () => checkEventDestination(deps, target), reason),
    !acct
      ? fail('suppression', { error: accountError })
      : ['BOUNCE', 'COMPLAINT'].every((r) => reasons.includes(r as never))
        ? pass('suppression')
        : fail('suppression', { reasons: reasons.join(', ') || '-' }),
  );

  // 4. What the stack adds: the receipt rule set, the API domain, the secret.
  checks.push(await guarded('receipt-rule-set', () => checkReceiptRuleSet(deps, target), reason));
  checks.push(
    await guarded(
      'api-domain',
      () => checkApiDomain(dns, deps.tls, target.apiDomainName, target.apiDomainTarget, deps.now),
      reason,
    ),
  );
  checks.push(
    await guarded('secret', () => checkSecret(deps, target), reason, {
      secret: target.secretArn?.split(':').pop() ?? '?',
    }),
  );
  return checks;
}

async function checkEventDestination({ sesv2 }: AwsDoctorDeps, target: Target): Promise<Check> {
  const name = target.configurationSet;
  if (!name) return fail('event-destination', { set: '?' });
  const out = await sesv2.send(
    new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }),
  );
  const missing = (d: { MatchingEventTypes?: string[] }) =>
    NEEDED_EVENTS.filter((e) => !d.MatchingEventTypes?.includes(e));
  const buses = (out.EventDestinations ?? []).filter(
    (d) => d.Enabled && d.EventBridgeDestination?.EventBusArn,
  );
  const dest = buses.find((d) => missing(d).length === 0);
  if (dest) {
    return pass('event-destination', {
      set: name,
      bus: dest.EventBridgeDestination!.EventBusArn!.split(':').pop() ?? '',
    });
  }
  // The closest one tells what to add.
  const closest = buses.map(missing).sort((a, b) => a.length - b.length)[0];
  return fail('event-destination', { set: name, missing: (closest ?? NEEDED_EVENTS).join(', ') });
}

async function checkReceiptRuleSet({ ses }: AwsDoctorDeps, target: Target): Promise<Check> {
  const wanted = target.inboundRuleSet;
  if (!wanted) return skip('receipt-rule-set');
  const out = await ses.send(new DescribeActiveReceiptRuleSetCommand({}));
  const active = out.Metadata?.Name ?? '';
  return active === wanted
    ? pass('receipt-rule-set', { set: wanted, rules: String(out.Rules?.length ?? 0) })
    : fail('receipt-rule-set', { set: wanted, active: active || '-', region: target.region ?? '' });
}

/** Read, never printed: the doctor only says whether a usable key is there. */
async function checkSecret({ secrets }: AwsDoctorDeps, target: Target): Promise<Check> {
  if (!target.secretArn) return fail('secret', { secret: '?' });
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: target.secretArn }));
  const name = target.secretArn.split(':').pop() ?? target.secretArn;
  return (out.SecretString?.length ?? 0) >= 32
    ? pass('secret', { secret: name })
    : fail('secret', { secret: name, short: 'yes' });
}
