/** Each `kawaraban doctor` check in English: passed, failed, the fix, not applicable. */
import type { doctorJa } from './doctor-ja.ts';

const err = (f: Record<string, string>) => (f.error ? ` (${f.error})` : '');

export const doctorEn: typeof doctorJa = {
  heading: (target) => `kawaraban doctor — ${target}`,
  summary: (passed, failed, skipped) =>
    failed
      ? `${failed} ${failed === 1 ? 'problem' : 'problems'} (${passed} passed, ${skipped} not applicable)`
      : `all ${passed} checks passed (${skipped} not applicable)`,
  checks: {
    identity: {
      pass: (f) => `SES identity ${f.domain}: verified, DKIM SUCCESS`,
      fail: (f) =>
        `SES identity ${f.domain}: ${f.error ? `cannot read it${err(f)}` : `verified ${f.verified}, DKIM ${f.dkim}`}`,
      fix: () =>
        'publish the three DKIM CNAMEs and wait for SES to see them (up to 72 hours); the stateful stack creates the identity',
    },
    'dkim-dns': {
      pass: (f) => `${f.count} DKIM CNAMEs are in the DNS of ${f.domain}`,
      fail: (f) => `DKIM CNAMEs missing from the DNS${err(f)}`,
      fix: (f) => (f.missing ? `publish: ${f.missing}` : 'publish the stack outputs DkimRecord1 to 3'),
    },
    'mail-from-mx': {
      pass: (f) => `MAIL FROM ${f.domain}: MX points at SES`,
      fail: (f) =>
        `MAIL FROM ${f.domain ?? ''}: no MX to SES${f.found ? ` (found: ${f.found})` : ''}${err(f)}`,
      fix: (f) => `publish: ${f.record ?? 'the stack output MailFromMxRecord'}`,
      skip: () => 'MAIL FROM: no custom domain (mailFromDomain=none)',
    },
    'mail-from-spf': {
      pass: (f) => `MAIL FROM ${f.domain}: SPF includes amazonses.com`,
      fail: (f) =>
        `MAIL FROM ${f.domain ?? ''}: ${f.several ? 'several SPF records (permerror)' : f.found ? `SPF lacks amazonses.com (${f.found})` : 'no SPF record'}${err(f)}`,
      fix: (f) => `keep exactly one SPF record: ${f.record ?? 'the stack output MailFromSpfRecord'}`,
      skip: () => "SPF: no custom MAIL FROM (SPF passes for SES's own domain)",
    },
    dmarc: {
      pass: (f) =>
        `DMARC ${f.domain}: p=${f.policy}${f.policy === 'none' ? ' (monitoring only; move to quarantine once reports look clean)' : ''}`,
      fail: (f) =>
        f.record
          ? `DMARC ${f.domain}: no readable p= policy (${f.record})`
          : `DMARC ${f.domain ?? ''}: no record${err(f)}`,
      fix: () =>
        'publish the stack output DmarcRecord (p=none to start) at the organisational domain; Gmail, Yahoo and Microsoft ask bulk senders for it',
    },
    'production-access': {
      pass: () => 'SES production access: yes (out of the sandbox)',
      fail: (f) => `SES production access: no (sandbox: mail goes to verified addresses only)${err(f)}`,
      fix: (f) =>
        `request production access from the SES console's account dashboard (region ${f.region ?? ''})`,
    },
    sending: {
      pass: (f) => `sending enabled: ${f.max24} per 24 h, ${f.rate}/s (${f.sent24} in the last 24 h)`,
      fail: (f) =>
        f.error
          ? `cannot read the sending status${err(f)}`
          : `sending is paused (${f.enforcement || 'reason unknown'}; quota ${f.max24} per 24 h)`,
      fix: () =>
        "read the reason under the SES console's reputation metrics, fix it, then ask AWS to resume sending",
    },
    'event-destination': {
      pass: (f) => `configuration set ${f.set}: events go to EventBridge (${f.bus})`,
      fail: (f) =>
        `configuration set ${f.set ?? ''}: no enabled EventBridge destination for bounces, complaints, deliveries, rejects and rendering failures${f.missing ? ` (missing: ${f.missing})` : ''}${err(f)}`,
      fix: () =>
        'deploy the stateful stack again (it creates the ToEventBridge destination); without it bounces never reach the list',
    },
    suppression: {
      pass: () => 'account suppression list: on for bounces and complaints',
      fail: (f) =>
        `account suppression list: not on for both bounces and complaints (${f.reasons ?? f.error ?? ''})`,
      fix: () => 'aws sesv2 put-account-suppression-attributes --suppressed-reasons BOUNCE COMPLAINT',
    },
    'receipt-rule-set': {
      pass: (f) => `receipt rule set ${f.set} is active (${f.rules} rules)`,
      fail: (f) => `receipt rule set ${f.set ?? ''} is not active (active: ${f.active ?? '?'})${err(f)}`,
      fix: (f) =>
        `aws ses set-active-receipt-rule-set --region ${f.region ?? '<region>'} --rule-set-name ${f.set ?? '<InboundRuleSetName>'} (this deactivates any other set in the region)`,
      skip: () => 'receipt rule set: the mailto unsubscribe is not received with SES',
    },
    'api-domain': {
      pass: (f) => `API domain ${f.domain}: resolves, certificate valid until ${f.validTo}`,
      fail: (f) => `API domain ${f.domain ?? ''}: ${f.problem ?? f.error ?? ''}`,
      fix: (f) =>
        f.record
          ? `publish: ${f.record}; the ACM certificate (stack region) must be issued and its validation record kept`
          : 'publish the stack output ApiDomainRecord',
      skip: () => 'API domain: none (the execute-api URL)',
    },
    secret: {
      pass: (f) => `unsubscribe key ${f.secret} is readable`,
      fail: (f) =>
        `unsubscribe key ${f.secret ?? ''} is not readable${f.short ? ' (too short)' : ''}${err(f)}`,
      fix: () =>
        "check that this CLI's credentials allow secretsmanager:GetSecretValue and the stack output UnsubscribeSecretArn",
    },
    'local-dynamodb': {
      pass: (f) => `DynamoDB Local: tables ${f.tables} and their indexes exist`,
      fail: (f) =>
        `DynamoDB Local: ${f.missing ? `indexes missing (${f.missing})` : `not reachable${err(f)}`}`,
      fix: () => 'start it with npm start (it creates the tables); if they are broken, npm start -- --reset',
    },
    'local-bucket': {
      pass: (f) => `s3rver: bucket ${f.bucket} exists`,
      fail: (f) => `s3rver: bucket not reachable${err(f)}`,
      fix: () => 'start it with npm start',
    },
    'local-ses': {
      pass: (f) => `SES emulator: ${f.url} answers`,
      fail: (f) => `SES emulator: no answer${err(f)}`,
      fix: () => 'start it with npm start (inbox at http://localhost:8005)',
      skip: () => 'SES emulator: AWS_ENDPOINT_URL_SESV2 not set',
    },
    'local-api': {
      pass: (f) => `API: ${f.url} serves the subscribe page`,
      fail: (f) => `API: no answer${err(f)}`,
      fix: () => 'start it with npm start (KAWARABAN_API_PORT, default 3000)',
      skip: () => 'API: PUBLIC_BASE_URL not set',
    },
    'local-config': {
      pass: () => 'function configuration complete (sender, legal block, unsubscribe key)',
      fail: (f) => `function configuration incomplete${err(f)}`,
      fix: () => 'recreate .local/env.json with npm start -- --reset, or set the missing variables',
    },
  },
};
