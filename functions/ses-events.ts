/**
 * SES events Lambda (contract 4): bounces, complaints, deliveries from the configuration set's
 * EventBridge destination (or an SNS topic) → subscriber state, ledger, report counters
 * (functions/core/use-cases/record-ses-event.ts).
 *
 * A payload that is not an SES event is logged and skipped: throwing would only make Lambda
 * retry something that can never succeed. Storage errors do throw, so Lambda retries them;
 * handling is idempotent.
 */
import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { dynamo } from './adapters/aws/dynamo.ts';
import { dynamoSubscriberFeedback } from './adapters/dynamo-audience.ts';
import { dynamoRateLimitStore } from './adapters/dynamo-rate-limit-store.ts';
import { dynamoLedger } from './adapters/dynamo-ledger.ts';
import { logger } from './adapters/logger.ts';
import { metrics } from './adapters/metrics.ts';
import { withTelemetry } from './adapters/telemetry.ts';
import { loadConfig } from './core/config.ts';
import { systemClock } from './core/ports.ts';
import { parseSesLambdaEvent } from './core/ses-event.ts';
import { recordSesEvent, type SesEventOutcome } from './core/use-cases/record-ses-event.ts';

const config = loadConfig();
const deps = {
  ledger: dynamoLedger(dynamo, config.tables),
  subscribers: dynamoSubscriberFeedback(dynamo, config.tables.subscribers),
  mailboxes: dynamoRateLimitStore(dynamo, config.tables.subscribers),
  clock: systemClock,
  metrics,
};

export interface SesEventsSummary {
  events: SesEventOutcome[];
  skipped: string[];
}

export const handler = withTelemetry(
  async (event: EventBridgeEvent<string, unknown> | SNSEvent): Promise<SesEventsSummary> => {
    const batch = parseSesLambdaEvent(event);
    for (const s of batch.skipped) logger.warn('ses-events: skipped a payload', { reason: s.reason });
    const events: SesEventOutcome[] = [];
    for (const e of batch.events) {
      const outcome = await recordSesEvent(deps, e);
      logger.info('ses-events: recorded', { ...outcome });
      events.push(outcome);
    }
    return { events, skipped: batch.skipped.map((s) => s.reason) };
  },
);
