/**
 * What the service stack's functions are told and may send as: the environment every function
 * loads (functions/core/config.ts), the canary's settings for the senders, and the SES resources
 * a sending function's ses:SendEmail names.
 */
import type { Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { DeployConfig } from '../config.ts';
import type { StatefulResources } from './stateful-resources.ts';

/**
 * Every function loads the full configuration (functions/core/config.ts), so every one gets
 * every name; the grants are what differ.
 */
export function functionEnvironment(
  config: DeployConfig,
  stateful: StatefulResources,
  bucket: s3.IBucket,
  publicBaseUrl: string,
): Record<string, string> {
  return {
    SUBSCRIBERS_TABLE: stateful.subscribers.table.tableName,
    REPORTS_TABLE: stateful.reports.table.tableName,
    UPLOAD_BUCKET: bucket.bucketName,
    NEWSLETTER_NAME: config.newsletterName,
    ...(config.shortName ? { NEWSLETTER_SHORT_NAME: config.shortName } : {}),
    ...(config.subjectPrefix ? { SUBJECT_PREFIX: config.subjectPrefix } : {}),
    ...(config.privacyPolicyUrl ? { PRIVACY_POLICY_URL: config.privacyPolicyUrl } : {}),
    FROM_ADDRESS: config.fromAddress,
    PUBLIC_BASE_URL: publicBaseUrl,
    UNSUBSCRIBE_MAILTO: config.unsubscribeMailto,
    INBOUND_UNSUBSCRIBE: config.inboundUnsubscribe ? 'true' : 'false',
    APPROVAL_REQUIRED: config.approval ? 'true' : 'false',
    SES_CONFIGURATION_SET: stateful.configurationSet.configurationSetName,
    EDITORS: config.editors.join(','),
    SENDER_NAME: config.sender.name,
    SENDER_POSTAL_ADDRESS: config.sender.postalAddress,
    SENDER_CONTACT: config.sender.contact,
    UNSUBSCRIBE_SECRET_ARN: stateful.unsubscribeSecret.secretArn,
    ...(config.consentPolicyVersion ? { CONSENT_POLICY_VERSION: config.consentPolicyVersion } : {}),
  };
}

/** The canary (README "Sending", The canary): only the dispatcher and its workers read these. */
export function canaryEnvironment(config: DeployConfig): Record<string, string> {
  const { canary } = config;
  return {
    CANARY_ENABLED: String(canary.enabled),
    CANARY_MIN_AUDIENCE: String(canary.minAudience),
    CANARY_SHARE: String(canary.share),
    CANARY_MIN_SIZE: String(canary.minSize),
    CANARY_MAX_SIZE: String(canary.maxSize),
    CANARY_WAIT_MINUTES: String(canary.waitMinutes),
  };
}

/** The identity and configuration set a function sends as (and, in the sandbox, every recipient identity). */
export function sesSendResources(stack: Stack, config: DeployConfig, stateful: StatefulResources): string[] {
  const resources = [
    stateful.identity.emailIdentityArn,
    stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: stateful.configurationSet.configurationSetName,
    }),
  ];
  if (config.sesSandbox) {
    // In the sandbox SES also authorises each recipient, which must be a verified identity.
    resources.push(everyIdentityArn(stack));
  }
  return resources;
}

/** Every SES identity of the account and region: what the sandbox authorises each recipient as. */
export function everyIdentityArn(stack: Stack): string {
  return stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
}
