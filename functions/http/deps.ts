/**
 * The production dependencies of the HTTP API, built from the configuration once per cold start,
 * with the confirmation email rendered ahead (no React in this function).
 */
import { dynamo } from '../adapters/aws/dynamo.ts';
import { secrets } from '../adapters/aws/secrets.ts';
import { sesv2 } from '../adapters/aws/sesv2.ts';
import { dynamoRateLimitStore } from '../adapters/dynamo-rate-limit-store.ts';
import { dynamoConfirmationLoad } from '../adapters/dynamo-send-load.ts';
import { logger } from '../adapters/logger.ts';
import { dynamoSubscriberStore } from '../adapters/dynamo-subscriber-store.ts';
import { metrics } from '../adapters/metrics.ts';
import { edgeOriginSecret, unsubscribeKeyring } from '../adapters/secret.ts';
import { sesMailer } from '../adapters/ses-mailer.ts';
import type { ConfirmationTemplates } from '../../emails/confirmation-template.ts';
import type { Config } from '../core/config.ts';
import { systemClock } from '../core/ports.ts';
import { countingMailer } from '../core/send-load.ts';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { confirmationSender } from './confirmation-mail.ts';
import type { AppDeps } from './context.ts';
import { NEUTRAL_ANSWER_FLOOR_MS } from './routes/subscribe.ts';

export function appDeps(config: Config, confirmation: ConfirmationTemplates): AppDeps {
  return {
    site: {
      newsletterName: config.newsletterName,
      senderName: config.sender.name,
      contact: config.sender.contact,
      // The broken-link page invites a mail without a token to this mailbox: only right while a
      // person reads it. The inbound function acts on tokens only, so then the contact is offered.
      unsubscribeMailto: config.inboundUnsubscribe ? undefined : config.unsubscribeMailto,
      confirmTtlHours: config.confirmTtlHours,
      privacyPolicyUrl: config.privacyPolicyUrl,
      defaultLocale: config.defaultLocale,
      consentPolicyVersion: config.consentPolicyVersion,
    },
    subscribers: dynamoSubscriberStore(dynamo, config.tables.subscribers),
    limits: dynamoRateLimitStore(dynamo, config.tables.subscribers),
    sendConfirmation: confirmationSender(
      // Counted, so the dispatcher leaves confirmations their share of the SES quota.
      countingMailer(
        sesMailer(sesv2, { from: config.from, configurationSet: config.configurationSet }),
        dynamoConfirmationLoad(dynamo, config.tables.subscribers),
        () => systemClock.now(),
        (err) =>
          logger.warn('confirmation count failed', { error: err instanceof Error ? err.name : String(err) }),
      ),
      config,
      confirmation,
    ),
    unsubscribeKeys: unsubscribeKeyring(config, secrets),
    ...(config.edgeOriginSecret
      ? { edgeOriginSecret: edgeOriginSecret(config.edgeOriginSecret, config, secrets) }
      : {}),
    clock: systemClock,
    metrics,
    answerFloor: {
      ms: NEUTRAL_ANSWER_FLOOR_MS,
      now: () => performance.now(),
      sleep: async (ms) => void (await sleep(ms)),
    },
  };
}
