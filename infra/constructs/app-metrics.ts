/**
 * kawaraban's own metrics (functions/core/metrics.ts, written as EMF by the functions) on the
 * dashboard, and the two alarms on sending: throttles that keep coming, and a send running far
 * below the account's quota. Namespace and `service` dimension as the functions set them
 * (constructs/kawaraban-function.ts).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/adapters/metrics-namespace.ts';
import {
  CONFIRM_OUTCOMES,
  METRIC,
  SUBSCRIBE_OUTCOMES,
  UNSUBSCRIBE_OUTCOMES,
  type MetricName,
  type Outcome,
} from '../../functions/core/metrics.ts';

/**
 * Alarm levels. Throttles: the pacing should never meet one, so ten in each of two 5-minute
 * periods is a pacing or quota problem, not noise. Rate: the dispatcher aims at 80 % of
 * MaxSendRate; below half of it for three 5-minute periods in a row (a partial first or last
 * period of a send cannot make three) means a send is not using the quota it has.
 */
export const sendingAlarmLevels = {
  throttlesPer5Min: 10,
  throttlePeriods: 2,
  minRateSharePercent: 50,
  ratePeriods: 3,
} as const;

type AlarmFactory = (
  id: string,
  opts: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric },
) => cloudwatch.Alarm;

export class AppMetrics {
  private readonly service: string;

  constructor(scope: Construct) {
    this.service = Stack.of(scope).stackName;
  }

  metric(
    name: MetricName,
    opts: { outcome?: Outcome; statistic?: string; period?: Duration; label?: string } = {},
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: this.service, ...(opts.outcome ? { outcome: opts.outcome } : {}) },
      statistic: opts.statistic ?? 'Sum',
      period: opts.period ?? Duration.minutes(5),
      // A label makes an alarm's metric a metric-math entry: only dashboards get one.
      ...(opts.label ? { label: opts.label } : {}),
    });
  }

  /** Sends per second set against MaxSendRate, in percent (sends of every worker add up). */
  rateShare(period: Duration): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: '100 * (sent / PERIOD(sent)) / maxRate',
      usingMetrics: {
        sent: this.metric(METRIC.emailsSent, { period }),
        maxRate: this.metric(METRIC.maxSendRate, { statistic: 'Maximum', period }),
      },
      period,
      label: 'sends/s as % of MaxSendRate',
    });
  }

  sendsPerSecond(period: Duration): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'sent / PERIOD(sent)',
      usingMetrics: { sent: this.metric(METRIC.emailsSent, { period }) },
      period,
      label: 'sends/s',
    });
  }

  addAlarms(alarm: AlarmFactory): void {
    const l = sendingAlarmLevels;
    alarm('SendThrottlesFrequent', {
      alarmDescription: `SES refused sends as too fast ${l.throttlesPer5Min}+ times in each of ${l.throttlePeriods} 5-minute periods: pacing above the quota, or another sender on the account`,
      metric: this.metric(METRIC.sendThrottles),
      threshold: l.throttlesPer5Min,
      evaluationPeriods: l.throttlePeriods,
      datapointsToAlarm: l.throttlePeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    // No sends in a period = no data = not breaching: waiting for the 24-hour quota, a canary's
    // wait or no report at all are not a slow send.
    alarm('SendRateFarBelowQuota', {
      alarmDescription: `a send ran below ${l.minRateSharePercent} % of MaxSendRate for ${l.ratePeriods} 5-minute periods in a row: SES latency, too few workers, or throttling`,
      metric: this.rateShare(Duration.minutes(5)),
      threshold: l.minRateSharePercent,
      evaluationPeriods: l.ratePeriods,
      datapointsToAlarm: l.ratePeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
  }

  widgets(): cloudwatch.IWidget[][] {
    const minute = Duration.minutes(1);
    const m = (name: MetricName, opts: Parameters<AppMetrics['metric']>[1] = {}) =>
      this.metric(name, { label: opts.outcome ? `${name} ${opts.outcome}` : name, ...opts });
    return [
      [
        new cloudwatch.GraphWidget({
          title: 'Sending rate (per second)',
          left: [
            this.sendsPerSecond(minute),
            m(METRIC.maxSendRate, { statistic: 'Maximum', period: minute }),
          ],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Send throttles and failures',
          left: [m(METRIC.sendThrottles, { period: minute }), m(METRIC.sendFailures, { period: minute })],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: '24-hour sending quota',
          left: [
            m(METRIC.sentLast24Hours, { statistic: 'Maximum' }),
            m(METRIC.max24HourSend, { statistic: 'Maximum' }),
          ],
          width: 8,
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'SES feedback (recipients)',
          left: [
            METRIC.deliveries,
            METRIC.hardBounces,
            METRIC.softBounces,
            METRIC.complaints,
            METRIC.rejects,
          ].map((n) => m(n)),
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Sign-ups by outcome',
          left: [
            ...SUBSCRIBE_OUTCOMES.map((outcome) => m(METRIC.subscriptions, { outcome })),
            m(METRIC.confirmationEmailsSent),
          ],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Confirmations and unsubscribes by outcome',
          left: [
            ...CONFIRM_OUTCOMES.map((outcome) => m(METRIC.confirmations, { outcome })),
            ...UNSUBSCRIBE_OUTCOMES.map((outcome) => m(METRIC.unsubscribes, { outcome })),
          ],
          width: 8,
        }),
      ],
    ];
  }
}
