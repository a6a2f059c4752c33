/**
 * The `mailto:` unsubscribe Lambda: the action of an SES receipt rule for UNSUBSCRIBE_MAILTO,
 * invoked asynchronously (invocation type Event) with one `SESEvent` per received mail.
 * Wiring only; the rules are in functions/core/use-cases/unsubscribe-by-mail.ts.
 *
 * A record that is not for us is counted and skipped. Storage and key errors throw, so Lambda
 * retries the event (twice, then the dead-letter queue); the use case is idempotent.
 * Never replies to the sender.
 */
import type { SESEvent } from 'aws-lambda';
import { dynamo } from './adapters/aws/dynamo.ts';
import { secrets } from './adapters/aws/secrets.ts';
import { dynamoSubscriberStore } from './adapters/dynamo-subscriber-store.ts';
import { logger } from './adapters/logger.ts';
import { metrics } from './adapters/metrics.ts';
import { withTelemetry } from './adapters/telemetry.ts';
import { unsubscribeKeyring } from './adapters/secret.ts';
import { loadConfig } from './core/config.ts';
import { systemClock } from './core/ports.ts';
import {
  countOutcomes,
  unsubscribeByMail,
  type MailUnsubscribeOutcome,
} from './core/use-cases/unsubscribe-by-mail.ts';

const config = loadConfig();
const deps = {
  store: dynamoSubscriberStore(dynamo, config.tables.subscribers),
  clock: systemClock,
  keys: unsubscribeKeyring(config, secrets),
  metrics,
  mailbox: config.unsubscribeMailto,
};

export interface InboundUnsubscribeSummary {
  outcomes: MailUnsubscribeOutcome[];
}

export const handler = withTelemetry(async (event: SESEvent): Promise<InboundUnsubscribeSummary> => {
  const outcomes: MailUnsubscribeOutcome[] = [];
  for (const record of Array.isArray(event?.Records) ? event.Records : []) {
    outcomes.push(await unsubscribeByMail(deps, record));
  }
  // Kinds and counts only: never the sender, the subject or the token.
  logger.info('inbound-unsubscribe: handled', { records: outcomes.length, ...countOutcomes(outcomes) });
  return { outcomes };
});
