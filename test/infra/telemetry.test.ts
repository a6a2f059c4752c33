/**
 * Telemetry in the stacks: every function logs under its own name and writes its metrics to one
 * namespace with the deployment as `service`; the dashboard shows kawaraban's own metrics; the
 * sending alarms (frequent throttles, a send far below its quota) read exactly the metrics the
 * functions emit (test/integration/telemetry-emf.test.ts asserts those names from the EMF).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIRM_OUTCOMES,
  METRIC,
  SUBSCRIBE_OUTCOMES,
  UNSUBSCRIBE_OUTCOMES,
} from '../../functions/core/metrics.ts';
import { sendingAlarmLevels } from '../../infra/constructs/app-metrics.ts';
import { logicalId, synthKawaraban, type Synth } from './synth.ts';

let s: Synth;
let stackName: string;
beforeAll(() => {
  s = synthKawaraban({ inboundUnsubscribe: true });
  stackName = s.service.stackName;
});

const functions = () =>
  Object.entries(s.serviceTemplate.findResources('AWS::Lambda::Function')).filter(
    ([, f]) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
  );
const alarms = () =>
  Object.values(s.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
const dims = [{ Name: 'service', Value: () => stackName }];

describe('functions', () => {
  it('each logs under its own service name, and all write metrics to Kawaraban with the deployment as service', () => {
    const fns = functions();
    expect(fns.length).toBeGreaterThanOrEqual(5);
    const names = fns.map(([, f]) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME);
    expect(new Set(names).size).toBe(fns.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'kawaraban-api',
        'kawaraban-dispatch',
        'kawaraban-sesevents',
        'kawaraban-render',
      ]),
    );
    for (const [, f] of fns) {
      expect(f.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'Kawaraban',
        KAWARABAN_METRICS_SERVICE: stackName,
      });
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('trace AWS calls everywhere but in the dispatcher and its workers, whose per-send subsegments would cost CPU on every recipient', () => {
    const senders = [logicalId(s.service.functions.dispatch.fn), logicalId(s.service.dispatchWorker.fn)];
    for (const [id, f] of functions()) {
      const enabled = f.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED;
      expect(enabled).toBe(senders.includes(id) ? 'false' : undefined);
    }
  });
});

describe('sending alarms', () => {
  it('fire when SES throttles sends 10+ times in each of two 5-minute periods', () => {
    const a = alarms().find((x) => x.MetricName === METRIC.sendThrottles);
    expect(a).toMatchObject({
      Namespace: 'Kawaraban',
      Dimensions: dims.map((d) => ({ Name: d.Name, Value: d.Value() })),
      Statistic: 'Sum',
      Period: 300,
      Threshold: sendingAlarmLevels.throttlesPer5Min,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(sendingAlarmLevels.throttlesPer5Min).toBe(10);
  });

  it('fire when sends per second stay below half of MaxSendRate for three 5-minute periods, and never for no sends', () => {
    const a = alarms().find((x) => JSON.stringify(x.Metrics ?? []).includes(METRIC.maxSendRate));
    expect(a).toBeDefined();
    expect(a).toMatchObject({
      Threshold: 50,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const metrics = a!.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData?: boolean;
      MetricStat?: any;
    }[];
    const expr = metrics.find((m) => m.Expression);
    expect(expr!.Expression).toBe('100 * (sent / PERIOD(sent)) / maxRate');
    const stat = (id: string) => metrics.find((m) => m.Id === id)!.MetricStat;
    expect(stat('sent')).toMatchObject({
      Metric: {
        Namespace: 'Kawaraban',
        MetricName: 'EmailsSent',
        Dimensions: [{ Name: 'service', Value: stackName }],
      },
      Stat: 'Sum',
      Period: 300,
    });
    expect(stat('maxRate')).toMatchObject({
      Metric: { Namespace: 'Kawaraban', MetricName: 'MaxSendRate' },
      Stat: 'Maximum',
      Period: 300,
    });
  });

  it('notify the alarm topic, like every other alarm', () => {
    const topic = logicalId(s.service.node.findChild('Monitoring').node.findChild('AlarmTopic'));
    const ours = alarms().filter(
      (x) =>
        x.MetricName === METRIC.sendThrottles || JSON.stringify(x.Metrics ?? []).includes(METRIC.maxSendRate),
    );
    expect(ours).toHaveLength(2);
    for (const a of ours) {
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
    }
  });
});

describe('dashboard', () => {
  const body = () => {
    const [d] = Object.values(s.serviceTemplate.findResources('AWS::CloudWatch::Dashboard'));
    // The body is a Fn::Join of JSON pieces around the stack's tokens: the literal parts are enough here.
    return JSON.stringify(d!.Properties.DashboardBody).replace(/\\"/g, '"');
  };

  it('shows the send rate against MaxSendRate, throttles, failures and the 24-hour quota', () => {
    const b = body();
    expect(b).toContain('sent / PERIOD(sent)');
    for (const name of [
      'EmailsSent',
      'MaxSendRate',
      'SendThrottles',
      'SendFailures',
      'SentLast24Hours',
      'Max24HourSend',
    ]) {
      expect(b).toContain(`"Kawaraban","${name}","service"`);
    }
  });

  it('shows SES feedback, and every outcome of sign-up, confirmation and unsubscribe', () => {
    const b = body();
    for (const name of [
      'Deliveries',
      'HardBounces',
      'SoftBounces',
      'Complaints',
      'Rejects',
      'ConfirmationEmailsSent',
    ]) {
      expect(b).toContain(`"Kawaraban","${name}","service"`);
    }
    const outcomes: [string, readonly string[]][] = [
      ['Subscriptions', SUBSCRIBE_OUTCOMES],
      ['Confirmations', CONFIRM_OUTCOMES],
      ['Unsubscribes', UNSUBSCRIBE_OUTCOMES],
    ];
    for (const [name, list] of outcomes) {
      for (const outcome of list)
        expect(b).toMatch(
          new RegExp(
            `"Kawaraban","${name}","outcome","${outcome}","service"|"Kawaraban","${name}","service",[^\\]]*"outcome","${outcome}"`,
          ),
        );
    }
  });
});
