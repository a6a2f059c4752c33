/**
 * The CDK context keys of a deployment: what each is for and an example `-c` flag. The error
 * message of a wrong or missing value is built from this (config.ts).
 */
import { CANARY_DEFAULTS } from '../functions/core/canary.ts';

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
