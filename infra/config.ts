/**
 * Deployment configuration, read from CDK context (`-c key=value` or "context" in cdk.json)
 * and checked before any construct is built, so a missing value fails the synth with one
 * message that names every problem and how to pass the value (the keys: config-keys.ts; the
 * rules: config-schema.ts).
 */
import { contextKeys, type ContextKey } from './config-keys.ts';
import { deployConfigSchema, mailFromOf } from './config-schema.ts';

export interface DeployConfig {
  domain: string;
  fromAddress: string;
  newsletterName: string;
  shortName: string | undefined;
  subjectPrefix: string | undefined;
  privacyPolicyUrl: string | undefined;
  sender: { name: string; postalAddress: string; contact: string };
  editors: string[];
  /** undefined = use the HTTP API's own URL. */
  publicBaseUrl: string | undefined;
  /** The API under a domain of ours (API Gateway custom domain); its default endpoint is then off. */
  apiDomain: { name: string; certificateArn: string } | undefined;
  unsubscribeMailto: string;
  /** Custom MAIL FROM domain (SPF aligned with the From domain); undefined = SES's own. */
  mailFromDomain: string | undefined;
  alarmEmail: string | undefined;
  /** undefined = the functions' default. */
  consentPolicyVersion: string | undefined;
  sesSandbox: boolean;
  /** Receive the List-Unsubscribe mailto with SES; `ruleSet` names an existing rule set to add the rule to. */
  inboundUnsubscribe: { ruleSet: string | undefined } | undefined;
  /** Two-person approval: reports wait for a second editor's approvals/<id>.json. */
  approval: boolean;
  /** The canary's settings, for the dispatcher and its workers (functions/core/canary.ts). */
  canary: {
    enabled: boolean;
    minAudience: number;
    share: number;
    minSize: number;
    maxSize: number;
    waitMinutes: number;
  };
  /** CloudFront + WAF in front of the API (infra/constructs/edge-waf.ts); `domain` names the distribution. */
  edge: { domain: { name: string; certificateArn: string } | undefined } | undefined;
}

export class DeployConfigError extends Error {
  override name = 'DeployConfigError';
}

const publicDomainUrl = (name: string | undefined) => (name ? `https://${name}` : undefined);

/** `get` is usually `(k) => app.node.tryGetContext(k)`. Empty strings count as missing. */
export function readDeployConfig(get: (key: string) => unknown): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(contextKeys)) {
    const v = get(key);
    if (v !== undefined && v !== null && v !== '') raw[key] = v;
  }
  const parsed = deployConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const byKey = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '(context)');
      // A custom check may be about a default (a key left out): its own message says what is wrong.
      const reason = raw[key] === undefined && issue.code !== 'custom' ? 'missing' : issue.message;
      if (!byKey.has(key)) byKey.set(key, reason);
    }
    const lines = [...byKey].map(([key, reason]) => {
      const k = contextKeys[key as ContextKey];
      return k ? `  - ${key}: ${reason} — ${k.help}; e.g. -c ${key}=${k.example}` : `  - ${key}: ${reason}`;
    });
    throw new DeployConfigError(
      [
        'kawaraban: the deployment configuration (CDK context) is incomplete or invalid:',
        ...lines,
        'Pass each value on the command line, e.g. `npx cdk deploy --all -c domain=example.jp -c editors=editor@example.jp`,',
        'or set it under "context" in cdk.json.',
      ].join('\n'),
    );
  }
  const c = parsed.data;
  return {
    domain: c.domain,
    fromAddress: c.fromAddress,
    newsletterName: c.newsletterName,
    shortName: c.shortName,
    subjectPrefix: c.subjectPrefix,
    privacyPolicyUrl: c.privacyPolicyUrl,
    sender: { name: c.senderName, postalAddress: c.senderPostalAddress, contact: c.senderContact },
    editors: c.editors,
    // undefined = the distribution's (with edgeWaf) or the API's own URL, known only in the stack.
    publicBaseUrl: c.publicBaseUrl ?? publicDomainUrl(c.edgeWaf ? c.edgeDomainName : c.apiDomainName),
    apiDomain:
      c.apiDomainName && c.apiCertificateArn
        ? { name: c.apiDomainName, certificateArn: c.apiCertificateArn }
        : undefined,
    unsubscribeMailto: c.unsubscribeMailto ?? `unsubscribe@${c.domain}`,
    mailFromDomain: mailFromOf(c.domain, c.mailFromDomain),
    alarmEmail: c.alarmEmail,
    consentPolicyVersion: c.consentPolicyVersion,
    sesSandbox: c.sesSandbox,
    inboundUnsubscribe: c.inboundUnsubscribe ? { ruleSet: c.inboundRuleSet } : undefined,
    approval: c.approval,
    canary: {
      enabled: c.canary,
      minAudience: c.canaryMinAudience,
      share: c.canaryShare,
      minSize: c.canaryMinSize,
      maxSize: c.canaryMaxSize,
      waitMinutes: c.canaryWaitMinutes,
    },
    edge: c.edgeWaf
      ? {
          domain:
            c.edgeDomainName && c.edgeCertificateArn
              ? { name: c.edgeDomainName, certificateArn: c.edgeCertificateArn }
              : undefined,
        }
      : undefined,
  };
}
