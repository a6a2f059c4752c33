/**
 * Sending metrics as decorators of the dispatcher's ports, so that whatever drives the sends
 * (one run, or workers sharing a report) counts them by being handed the wrapped ports:
 * - countedMailer: every SendEmail → EmailsSent, SendThrottles or SendFailures (send-errors.ts
 *   decides which, as it does for the dispatcher);
 * - observedQuota: every quota read → MaxSendRate, Max24HourSend, SentLast24Hours.
 * The achieved rate is EmailsSent per second, set against MaxSendRate in CloudWatch (metric math
 * in infra/constructs/monitoring.ts), so sends from several workers add up.
 */
import { METRIC, type Metrics } from './metrics.ts';
import type { BulkOutcome, Mailer, QuotaSource } from './ports.ts';
import { classifySendError } from './send-errors.ts';

export function countedMailer(mailer: Mailer, metrics: Metrics): Mailer {
  const refused = (err: unknown) =>
    metrics.count(classifySendError(err).kind === 'throttle' ? METRIC.sendThrottles : METRIC.sendFailures);
  const bulk = mailer.sendBulk?.bind(mailer);
  return {
    async send(message, opts) {
      try {
        const sent = await mailer.send(message, opts);
        metrics.count(METRIC.emailsSent);
        return sent;
      } catch (err) {
        refused(err);
        throw err;
      }
    },
    // Each reader of a SendBulkEmail counts as one send, as it does in SES's quota.
    ...(bulk
      ? {
          bulkLimit: mailer.bulkLimit,
          async sendBulk(messages, opts) {
            let outcomes: BulkOutcome[];
            try {
              outcomes = await bulk(messages, opts);
            } catch (err) {
              for (const _ of messages) refused(err);
              throw err;
            }
            for (const o of outcomes) {
              if ('messageId' in o) metrics.count(METRIC.emailsSent);
              else refused(o.error);
            }
            return outcomes;
          },
        }
      : {}),
    ...(mailer.retire ? { retire: (rendered) => mailer.retire!(rendered) } : {}),
  };
}

export function observedQuota(quota: QuotaSource, metrics: Metrics): QuotaSource {
  return {
    async getQuota() {
      const q = await quota.getQuota();
      metrics.gauge(METRIC.maxSendRate, q.maxSendRate);
      metrics.gauge(METRIC.max24HourSend, q.max24HourSend);
      metrics.gauge(METRIC.sentLast24Hours, q.sentLast24Hours);
      return q;
    },
  };
}
