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
import type { Mailer, QuotaSource } from './ports.ts';
import { classifySendError } from './send-errors.ts';

export function countedMailer(mailer: Mailer, metrics: Metrics): Mailer {
  return {
    async send(message, opts) {
      try {
        const sent = await mailer.send(message, opts);
        metrics.count(METRIC.emailsSent);
        return sent;
      } catch (err) {
        metrics.count(
          classifySendError(err).kind === 'throttle' ? METRIC.sendThrottles : METRIC.sendFailures,
        );
        throw err;
      }
    },
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
