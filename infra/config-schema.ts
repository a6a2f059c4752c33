/**
 * The rules of the deployment configuration: each CDK context value's shape, and the checks
 * across values (a certificate with its domain, addresses at the verified domain, …), each
 * problem at the key it is about (config.ts turns them into one message).
 */
import * as z from 'zod';
import { CANARY_DEFAULTS } from '../functions/core/canary.ts';
import { refineSingleLine } from '../functions/core/text-rules.ts';

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

export const deployConfigSchema = z
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
    requiredTogether(ctx, c, 'apiDomainName', 'apiCertificateArn', 'an ACM certificate for that name');
    if ((c.edgeDomainName || c.edgeCertificateArn) && !c.edgeWaf) {
      ctx.addIssue({
        code: 'custom',
        path: [c.edgeDomainName ? 'edgeDomainName' : 'edgeCertificateArn'],
        message: 'only used with -c edgeWaf=true',
      });
    }
    requiredTogether(
      ctx,
      c,
      'edgeDomainName',
      'edgeCertificateArn',
      'an ACM certificate for that name, in us-east-1',
    );
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

/** The MAIL FROM domain to set up, or undefined for SES's own (amazonses.com). */
export function mailFromOf(domain: string, configured: string | undefined): string | undefined {
  if (configured === 'none') return undefined;
  return configured ?? `bounce.${domain}`;
}

/** A domain name and its certificate only make sense together: the missing one is named. */
function requiredTogether<K extends string>(
  ctx: z.RefinementCtx,
  c: Partial<Record<K, string>>,
  name: K,
  certificate: K,
  what: string,
): void {
  if (c[name] && !c[certificate])
    ctx.addIssue({ code: 'custom', path: [certificate], message: `required with ${name} (${what})` });
  if (c[certificate] && !c[name])
    ctx.addIssue({ code: 'custom', path: [name], message: `required with ${certificate}` });
}
