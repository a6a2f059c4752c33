/**
 * Alarms (to one SNS topic, emailed to ops when configured) and a one-screen dashboard.
 * What pages someone: a function failing, the dispatcher stuck near its timeout or throttled,
 * an event parked in a dead-letter queue, and the SES account's reputation nearing the
 * levels at which AWS reviews or pauses sending; and, from kawaraban's own metrics
 * (constructs/app-metrics.ts), throttles that keep coming and a send far below its quota.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppMetrics } from './app-metrics.ts';
import type { KawarabanFunction } from './kawaraban-function.ts';

/** SES account-level reputation thresholds (fractions): AWS puts an account under review at 5 % / 0.1 %. */
export const reputationThresholds = { bounceRate: 0.05, complaintRate: 0.001 } as const;

export interface MonitoringProps {
  functions: Record<string, KawarabanFunction>;
  dispatch: KawarabanFunction;
  deadLetterQueues: Record<string, sqs.IQueue>;
  httpApi: apigwv2.HttpApi;
  alarmEmail: string | undefined;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'kawaraban alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new cwActions.SnsAction(this.topic);
    const alarm = (alarmId: string, opts: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric }) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...opts,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };

    for (const [name, f] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, {
        alarmDescription: `kawaraban ${name} function threw (see its log group)`,
        metric: f.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    // Each run checkpoints and stops before the next tick, so any throttle means a run
    // overlapped another (stuck or far too slow), and a run near the timeout risks the cursor.
    const dispatchTimeout = props.dispatch.fn.timeout?.toMilliseconds() ?? 60_000;
    alarm('DispatchThrottles', {
      alarmDescription:
        'dispatcher invocations throttled: a run overlapped the next tick (reserved concurrency 1)',
      metric: props.dispatch.fn.metricThrottles({ period: Duration.minutes(15), statistic: 'Sum' }),
      threshold: 3,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('DispatchNearTimeout', {
      alarmDescription:
        'a dispatcher run used more than 90 % of its timeout: it may be killed before checkpointing',
      metric: props.dispatch.fn.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: Math.round(dispatchTimeout * 0.9),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}NotEmpty`, {
        alarmDescription: `events parked in the ${name} dead-letter queue: inspect and redrive`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    const bounceRate = sesReputationMetric('Reputation.BounceRate');
    const complaintRate = sesReputationMetric('Reputation.ComplaintRate');
    alarm('SesBounceRate', {
      alarmDescription: 'SES account bounce rate above 5 %: AWS reviews accounts at this level',
      metric: bounceRate,
      threshold: reputationThresholds.bounceRate,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('SesComplaintRate', {
      alarmDescription: 'SES account complaint rate above 0.1 %: AWS reviews accounts at this level',
      metric: complaintRate,
      threshold: reputationThresholds.complaintRate,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const app = new AppMetrics(this);
    app.addAlarms(alarm);

    const api5xx = props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' });
    alarm('Api5xx', {
      alarmDescription: 'the HTTP API answered 5xx (every bad request should be a 4xx)',
      metric: api5xx,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    const fns = Object.entries(props.functions);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-kawaraban`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Invocations',
        left: fns.map(([n, f]) => f.fn.metricInvocations({ label: n, period: Duration.minutes(5) })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors and dispatcher throttles',
        left: [
          ...fns.map(([n, f]) => f.fn.metricErrors({ label: `${n} errors`, period: Duration.minutes(5) })),
          props.dispatch.fn.metricThrottles({ label: 'dispatch throttles', period: Duration.minutes(5) }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Duration (max, ms)',
        left: fns.map(([n, f]) =>
          f.fn.metricDuration({ label: n, statistic: 'Maximum', period: Duration.minutes(5) }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'SES reputation (account)',
        left: [bounceRate.with({ label: 'bounce rate' }), complaintRate.with({ label: 'complaint rate' })],
        leftAnnotations: [
          { value: reputationThresholds.bounceRate, label: 'bounce 5 %' },
          { value: reputationThresholds.complaintRate, label: 'complaint 0.1 %' },
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'HTTP API',
        left: [
          props.httpApi.metricCount({ label: 'requests', period: Duration.minutes(5) }),
          props.httpApi.metricClientError({ label: '4xx', period: Duration.minutes(5) }),
          api5xx.with({ label: '5xx' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        left: Object.entries(props.deadLetterQueues).map(([n, q]) =>
          q.metricApproximateNumberOfMessagesVisible({
            label: n,
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
        ),
        width: 8,
      }),
    );
    for (const row of app.widgets()) this.dashboard.addWidgets(...row);
  }
}

/** Account-level reputation metrics (no dimensions), published by SES about hourly. */
function sesReputationMetric(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: 'Maximum',
    period: Duration.hours(1),
  });
}
