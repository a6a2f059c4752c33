/**
 * Deployment configuration, read from CDK context (`-c key=value` or "context" in cdk.json)
 * and checked before any construct is built, so a missing value fails the synth with one
 * message that names every problem and how to pass the value.
 */
import * as z from 'zod';
import { CANARY_DEFAULTS } from '../functions/core/canary.ts';
import { refineSingleLine } from '../functions/core/text-rules.ts';

/** What each key is for and an example `-c` flag: the error message is built from this. */
export const contextKeys = {
  domain: { help: 'sender domain, verified in SES by the stack (Easy DKIM)', example: 'example.jp' },
  fromAddress: { help: 'From header, an address at the domain', example: '"脅威レポート <news@example.jp>"' },
  newsletterName: { help: 'newsletter name shown in every email', example: '"週刊脅威レポート"' },
  shortName: {
    help: "optional name for subject lines, where a phone's inbox shows ~15 characters (default: the newsletter name up to its first space)",
    example: 'かわら版',
  },
  subjectPrefix: {
    help: 'optional subject prefix instead of 【shortName】; {number} stands for the issue number',
    example: '"【かわら版 第{number}号】"',
  },
  privacyPolicyUrl: {
    help: 'optional https URL of the privacy policy, linked from the subscribe page',
    example: 'https://example.jp/privacy',
  },
  senderName: { help: 'legal sender name (特定電子メール法)', example: '"株式会社サンプル"' },
  senderPostalAddress: { help: 'sender postal address', example: '"〒100-0001 東京都千代田区千代田1-1"' },
  senderContact: { help: 'contact for readers (address, URL or phone)', example: 'contact@example.jp' },
  editors: { help: "editors' addresses, comma-separated", example: 'editor@example.jp,desk@example.jp' },
  publicBaseUrl: {
    help: 'optional public https base URL of the API (default: the API Gateway URL)',
    example: 'https://news.example.jp',
  },
  apiDomainName: {
    help: 'optional custom domain for the HTTP API, so links in emails point at your domain, not execute-api (needs apiCertificateArn; publish the CNAME from the outputs)',
    example: 'news.example.jp',
  },
  apiCertificateArn: {
    help: "with apiDomainName: an ACM certificate for it, in the stack's region",
    example: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
  },
  unsubscribeMailto: {
    help: 'optional List-Unsubscribe mailto address (default: unsubscribe@<domain>)',
    example: 'unsubscribe@example.jp',
  },
  mailFromDomain: {
    help: "optional custom MAIL FROM (bounce) domain, a subdomain of domain, so SPF passes aligned with it (default: bounce.<domain>; none = SES's own)",
    example: 'bounce.example.jp',
  },
  alarmEmail: { help: 'optional address subscribed to the alarm topic', example: 'ops@example.jp' },
  consentPolicyVersion: {
    help: 'optional version of the consent wording kept with each opt-in (default 1)',
    example: '2025-04',
  },
  sesSandbox: {
    help: 'optional: true while the SES account is in the sandbox (recipients are then authorised as identities too)',
    example: 'true',
  },
  inboundUnsubscribe: {
    help: 'optional: true builds the SES receiving rule that unsubscribes readers who mail unsubscribeMailto (only in regions with SES email receiving; you activate the rule set and publish the MX record)',
    example: 'true',
  },
  inboundRuleSet: {
    help: "optional, with inboundUnsubscribe: add the rule to this existing receipt rule set (the account's active one) instead of a new set",
    example: 'my-active-rule-set',
  },
  edgeWaf: {
    help: 'optional: true puts CloudFront with a WAF WebACL (per-client rate rules, AWS managed rules; a small stack in us-east-1) in front of the HTTP API; needs the region known at synth (AWS credentials, or CDK_DEFAULT_REGION)',
    example: 'true',
  },
  edgeDomainName: {
    help: 'optional, with edgeWaf: a domain of ours for the CloudFront distribution, so links in emails point there (needs edgeCertificateArn; publish the CNAME from the outputs)',
    example: 'news.example.jp',
  },
  edgeCertificateArn: {
    help: 'with edgeDomainName: an ACM certificate for it in us-east-1 (CloudFront takes certificates from there only)',
    example: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
  },
  approval: {
    help: 'optional: true requires two-person approval: an uploaded report waits until a second editor runs kawaraban report approve <id>',
    example: 'true',
  },
  canary: {
    help: `optional: false turns the canary off (a report to more than canaryMinAudience readers goes first to a sample, and the rest only after the sample's bounces and complaints pass the reputation guard; default true)`,
    example: 'false',
  },
  canaryMinAudience: {
    help: `optional: audiences above this get a canary (default ${CANARY_DEFAULTS.minAudience})`,
    example: '5000',
  },
  canaryShare: {
    help: `optional: the canary sample's share of the audience, between 0 and 1 (default ${CANARY_DEFAULTS.share})`,
    example: '0.02',
  },
  canaryMinSize: {
    help: `optional: the fewest readers in a canary sample (default ${CANARY_DEFAULTS.minSize})`,
    example: '100',
  },
  canaryMaxSize: {
    help: `optional: the most readers in a canary sample (default ${CANARY_DEFAULTS.maxSize})`,
    example: '2000',
  },
  canaryWaitMinutes: {
    help: `optional: minutes between the canary sample's last send and its verdict, 0 to 1440 (default ${CANARY_DEFAULTS.waitMinutes})`,
    example: '60',
  },
} as const;

export type ContextKey = keyof typeof contextKeys;

const hostname = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const nonEmpty = z.string().trim().min(1, 'required');
const emailList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.email('every entry must be an email address')).min(1, 'at least one address is required'));
const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/** The address inside "Name <addr>" or the bare address. */
export function addressOf(from: string): string {
  const m = /<([^<>\s]+)>\s*$/.exec(from);
  return (m ? m[1]! : from).trim();
}

const schema = z
  .object({
    domain: z.string().trim().toLowerCase().regex(hostname, 'must be a domain name such as example.jp'),
    // Each goes into From, a Subject or every email's footer: one visible line, no controls or bidi overrides.
    fromAddress: nonEmpty.superRefine(refineSingleLine),
    newsletterName: nonEmpty.superRefine(refineSingleLine),
    shortName: z.string().trim().min(1).max(20).superRefine(refineSingleLine).optional(),
    subjectPrefix: z.string().trim().min(1).max(30).superRefine(refineSingleLine).optional(),
    privacyPolicyUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
    senderName: nonEmpty.superRefine(refineSingleLine),
    senderPostalAddress: nonEmpty.superRefine(refineSingleLine),
    senderContact: nonEmpty.superRefine(refineSingleLine),
    editors: emailList,
    publicBaseUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    apiDomainName: z
      .string()
      .trim()
      .toLowerCase()
      .regex(hostname, 'must be a domain name such as news.example.jp')
      .optional(),
    apiCertificateArn: z
      .string()
      .trim()
      .regex(
        /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
        'must be the ARN of an ACM certificate',
      )
      .optional(),
    unsubscribeMailto: z.email('must be an email address').optional(),
    mailFromDomain: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(none|(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/,
        'must be a domain name, or none',
      )
      .optional(),
    alarmEmail: z.email('must be an email address').optional(),
    consentPolicyVersion: z.coerce.string().trim().min(1).max(64).optional(),
    sesSandbox: flag.default(false),
    inboundUnsubscribe: flag.default(false),
    approval: flag.default(false),
    canary: flag.default(CANARY_DEFAULTS.enabled),
    canaryMinAudience: z.coerce.number().int().min(0).default(CANARY_DEFAULTS.minAudience),
    canaryShare: z.coerce.number().gt(0).lt(1).default(CANARY_DEFAULTS.share),
    canaryMinSize: z.coerce.number().int().min(1).default(CANARY_DEFAULTS.minSize),
    canaryMaxSize: z.coerce.number().int().min(1).default(CANARY_DEFAULTS.maxSize),
    canaryWaitMinutes: z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(CANARY_DEFAULTS.waitMinutes),
    edgeWaf: flag.default(false),
    edgeDomainName: z
      .string()
      .trim()
      .toLowerCase()
      .regex(hostname, 'must be a domain name such as news.example.jp')
      .optional(),
    edgeCertificateArn: z
      .string()
      .trim()
      .regex(
        /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/,
        'must be the ARN of an ACM certificate in us-east-1',
      )
      .optional(),
    // SES's rule for receipt rule set names.
    inboundRuleSet: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/,
        'must be a receipt rule set name (letters, digits, . _ -; at most 64)',
      )
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.inboundRuleSet && !c.inboundUnsubscribe) {
      ctx.addIssue({
        code: 'custom',
        path: ['inboundRuleSet'],
        message: 'only used with -c inboundUnsubscribe=true',
      });
    }
    if (c.inboundUnsubscribe) {
      // SES receives mail only for domains verified in the account: the stack verifies `domain`.
      const mailDomain = (c.unsubscribeMailto ?? `unsubscribe@${c.domain}`).split('@').pop()!.toLowerCase();
      if (mailDomain !== c.domain && !mailDomain.endsWith(`.${c.domain}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['unsubscribeMailto'],
          message: `must be an address at ${c.domain} or a subdomain of it for inboundUnsubscribe (SES receives only for verified domains)`,
        });
      }
    }
    if (c.apiDomainName && !c.apiCertificateArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiCertificateArn'],
        message: 'required with apiDomainName (an ACM certificate for that name)',
      });
    }
    if (c.apiCertificateArn && !c.apiDomainName) {
      ctx.addIssue({ code: 'custom', path: ['apiDomainName'], message: 'required with apiCertificateArn' });
    }
    if ((c.edgeDomainName || c.edgeCertificateArn) && !c.edgeWaf) {
      ctx.addIssue({
        code: 'custom',
        path: [c.edgeDomainName ? 'edgeDomainName' : 'edgeCertificateArn'],
        message: 'only used with -c edgeWaf=true',
      });
    }
    if (c.edgeDomainName && !c.edgeCertificateArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['edgeCertificateArn'],
        message: 'required with edgeDomainName (an ACM certificate for that name, in us-east-1)',
      });
    }
    if (c.edgeCertificateArn && !c.edgeDomainName) {
      ctx.addIssue({ code: 'custom', path: ['edgeDomainName'], message: 'required with edgeCertificateArn' });
    }
    if (c.edgeDomainName && c.edgeDomainName === c.apiDomainName) {
      ctx.addIssue({
        code: 'custom',
        path: ['edgeDomainName'],
        message: 'must differ from apiDomainName (that name is the origin CloudFront forwards to)',
      });
    }
    // Behind the edge the public URL is the distribution's; without it, the API's own domain.
    const publicName = c.edgeWaf ? c.edgeDomainName : c.apiDomainName;
    if (publicName && c.publicBaseUrl && c.publicBaseUrl.replace(/\/+$/, '') !== `https://${publicName}`) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicBaseUrl'],
        message: `must be https://${publicName} with ${c.edgeWaf ? 'edgeDomainName' : 'apiDomainName'} (or left out)`,
      });
    }
    if (
      c.edgeWaf &&
      c.apiDomainName &&
      c.publicBaseUrl?.replace(/\/+$/, '') === `https://${c.apiDomainName}`
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicBaseUrl'],
        message: 'with edgeWaf, links must go through CloudFront, not to apiDomainName (its origin)',
      });
    }
    const mailFrom = mailFromOf(c.domain, c.mailFromDomain);
    // SES wants a subdomain of the identity, used for nothing else: its MX must point at SES feedback.
    if (mailFrom !== undefined && !mailFrom.endsWith(`.${c.domain}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mailFromDomain'],
        message: `must be a subdomain of ${c.domain} (e.g. bounce.${c.domain}), or none`,
      });
    }
    if (mailFrom !== undefined && c.inboundUnsubscribe) {
      const mailDomain = (c.unsubscribeMailto ?? `unsubscribe@${c.domain}`).split('@').pop()!.toLowerCase();
      if (mailDomain === mailFrom) {
        ctx.addIssue({
          code: 'custom',
          path: ['mailFromDomain'],
          message: `must differ from the unsubscribe mailbox's domain ${mailDomain} (each needs its own MX record; the default is bounce.${c.domain})`,
        });
      }
    }
    if (c.canaryMinSize > c.canaryMaxSize) {
      ctx.addIssue({ code: 'custom', path: ['canaryMinSize'], message: 'must not be above canaryMaxSize' });
    }
    const from = addressOf(c.fromAddress);
    if (!z.email().safeParse(from).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['fromAddress'],
        message: 'must be an address or "Name <address>"',
      });
      return;
    }
    const fromDomain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
    // SES only signs and sends for the identity the stack verifies (or its subdomains).
    if (fromDomain !== c.domain && !fromDomain.endsWith(`.${c.domain}`)) {
      ctx.addIssue({ code: 'custom', path: ['fromAddress'], message: `must be an address at ${c.domain}` });
    }
  });

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

/** The MAIL FROM domain to set up, or undefined for SES's own (amazonses.com). */
function mailFromOf(domain: string, configured: string | undefined): string | undefined {
  if (configured === 'none') return undefined;
  return configured ?? `bounce.${domain}`;
}

const publicDomainUrl = (name: string | undefined) => (name ? `https://${name}` : undefined);

/** `get` is usually `(k) => app.node.tryGetContext(k)`. Empty strings count as missing. */
export function readDeployConfig(get: (key: string) => unknown): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(contextKeys)) {
    const v = get(key);
    if (v !== undefined && v !== null && v !== '') raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
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
