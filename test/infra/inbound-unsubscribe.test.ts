/**
 * The opt-in `mailto:` unsubscribe on AWS (context inboundUnsubscribe=true): nothing of it by
 * default; when enabled, a receipt rule for exactly UNSUBSCRIBE_MAILTO with scanning and TLS whose
 * Lambda action invokes the function asynchronously, a function that may read and update
 * subscribers and read the key — nothing more — and a rule set the stack never activates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/core/config.ts';
import { DeployConfigError, readDeployConfig } from '../../infra/config.ts';
import { exampleContext, grantsOfRole, logicalId, synthKawaraban, type Synth } from './synth.ts';

const config = (ctx: Record<string, unknown>) =>
  readDeployConfig((k) => ({ ...exampleContext(), ...ctx })[k]);
const problem = (ctx: Record<string, unknown>) => {
  try {
    config(ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(DeployConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a DeployConfigError');
};

describe('configuration', () => {
  it('is off by default and on with inboundUnsubscribe=true (a new rule set unless one is named)', () => {
    expect(config({}).inboundUnsubscribe).toBeUndefined();
    expect(config({ inboundUnsubscribe: 'false' }).inboundUnsubscribe).toBeUndefined();
    expect(config({ inboundUnsubscribe: 'true' }).inboundUnsubscribe).toEqual({ ruleSet: undefined });
    expect(
      config({ inboundUnsubscribe: true, inboundRuleSet: 'default-rule-set' }).inboundUnsubscribe,
    ).toEqual({ ruleSet: 'default-rule-set' });
  });

  it('refuses a rule set name without the flag, a name SES would refuse, and a mailbox outside the verified domain', () => {
    expect(problem({ inboundRuleSet: 'default-rule-set' })).toContain(
      '- inboundRuleSet: only used with -c inboundUnsubscribe=true',
    );
    expect(problem({ inboundUnsubscribe: 'true', inboundRuleSet: 'has space' })).toContain(
      '- inboundRuleSet: must be a receipt rule set name',
    );
    expect(problem({ inboundUnsubscribe: 'yes' })).toContain('- inboundUnsubscribe: ');
    expect(problem({ inboundUnsubscribe: 'true', unsubscribeMailto: 'optout@other.example' })).toContain(
      '- unsubscribeMailto: must be an address at example.jp or a subdomain of it',
    );
    // Without the flag the mailbox may be anywhere (a person reads it).
    expect(config({ unsubscribeMailto: 'optout@other.example' }).unsubscribeMailto).toBe(
      'optout@other.example',
    );
    expect(
      config({ inboundUnsubscribe: 'true', unsubscribeMailto: 'optout@news.example.jp' }).unsubscribeMailto,
    ).toBe('optout@news.example.jp');
  });
});

describe('stack', () => {
  let off: Synth;
  let on: Synth;
  let existing: Synth;
  beforeAll(() => {
    off = synthKawaraban();
    on = synthKawaraban({ inboundUnsubscribe: 'true' });
    existing = synthKawaraban({ inboundUnsubscribe: 'true', inboundRuleSet: 'default-rule-set' });
  });

  const inbound = (s: Synth) => s.service.inboundUnsubscribe!;
  const rules = (s: Synth) => Object.values(s.serviceTemplate.findResources('AWS::SES::ReceiptRule'));

  it('builds nothing for receiving unless enabled', () => {
    expect(off.service.inboundUnsubscribe).toBeUndefined();
    for (const type of ['AWS::SES::ReceiptRule', 'AWS::SES::ReceiptRuleSet'])
      expect(off.serviceTemplate.findResources(type)).toEqual({});
    const descriptions = (s: Synth) =>
      Object.values(s.serviceTemplate.findResources('AWS::Lambda::Function'))
        .filter((f) => String(f.Properties.Runtime).startsWith('nodejs'))
        .map((f) => String(f.Properties.Description));
    // api, render, dispatch, its worker, ses-events, archive; + inbound-unsubscribe.
    expect(descriptions(off)).toHaveLength(6);
    expect(descriptions(on)).toHaveLength(7);
    expect(descriptions(off).filter((d) => d.includes('mailto'))).toEqual([]);
    expect(descriptions(on).filter((d) => d.includes('mailto'))).toHaveLength(1);
    expect(Object.keys(off.serviceTemplate.findOutputs('*')).filter((k) => k.startsWith('Inbound'))).toEqual(
      [],
    );
  });

  it('one rule for exactly the unsubscribe mailbox: enabled, scanned, TLS required, invoking the function asynchronously', () => {
    expect(rules(on)).toHaveLength(1);
    const rule = rules(on)[0]!.Properties;
    expect(rule.RuleSetName).toEqual({ Ref: logicalId(inbound(on).ruleSet as never) });
    expect(rule.Rule).toMatchObject({
      Enabled: true,
      Recipients: ['unsubscribe@example.jp'],
      ScanEnabled: true,
      TlsPolicy: 'Require',
      Actions: [
        {
          LambdaAction: {
            FunctionArn: { 'Fn::GetAtt': [logicalId(inbound(on).fn.fn), 'Arn'] },
            InvocationType: 'Event',
          },
        },
      ],
    });
    expect(rule.Rule.Actions).toHaveLength(1);
    // SES may invoke it, from this account only.
    on.serviceTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      FunctionName: { 'Fn::GetAtt': [logicalId(inbound(on).fn.fn), 'Arn'] },
    });
  });

  it('follows a configured unsubscribeMailto', () => {
    const custom = synthKawaraban({
      inboundUnsubscribe: 'true',
      unsubscribeMailto: 'optout@news.example.jp',
    });
    expect(rules(custom)[0]!.Properties.Rule.Recipients).toEqual(['optout@news.example.jp']);
    expect(JSON.stringify(custom.serviceTemplate.findOutputs('InboundMxRecord'))).toContain(
      'news.example.jp. MX 10 inbound-smtp.',
    );
  });

  it('never activates a rule set; outputs its name, the activation command and the MX record', () => {
    expect(on.serviceTemplate.findResources('AWS::SES::ReceiptRuleSet')).not.toEqual({});
    const everything = JSON.stringify(on.serviceTemplate.toJSON());
    // No custom resource or SDK call that could switch the account's active rule set.
    expect(everything).not.toMatch(/SetActiveReceiptRuleSet|setActiveReceiptRuleSet/);
    expect(Object.keys(on.serviceTemplate.findResources('Custom::AWS'))).toEqual([]);
    const outputs = on.serviceTemplate.findOutputs('*');
    expect(outputs.InboundRuleSetName!.Value).toEqual({ Ref: logicalId(inbound(on).ruleSet as never) });
    expect(JSON.stringify(outputs.InboundActivateCommand!.Value)).toContain(
      'aws ses set-active-receipt-rule-set --region ',
    );
    expect(JSON.stringify(outputs.InboundMxRecord!.Value)).toContain('example.jp. MX 10 inbound-smtp.');
  });

  it('adds the rule to a named existing rule set instead of creating one (nothing to activate then)', () => {
    expect(existing.serviceTemplate.findResources('AWS::SES::ReceiptRuleSet')).toEqual({});
    expect(rules(existing)).toHaveLength(1);
    expect(rules(existing)[0]!.Properties.RuleSetName).toBe('default-rule-set');
    const outputs = existing.serviceTemplate.findOutputs('*');
    expect(outputs.InboundRuleSetName!.Value).toBe('default-rule-set');
    expect(outputs.InboundActivateCommand).toBeUndefined();
  });

  it('the function may read and update subscribers and read the key — no reports table, bucket, writes beyond UpdateItem, or SES', () => {
    const ids = {
      subscribers: logicalId(on.stateful.subscribers.table),
      reports: logicalId(on.stateful.reports.table),
      secret: logicalId(on.stateful.unsubscribeSecret),
    };
    const grants = grantsOfRole(on.serviceTemplate, logicalId(inbound(on).fn.role));
    const onSubscribers = grants.filter((g) => g.resource.includes(ids.subscribers));
    expect(
      onSubscribers.map((g) => `${g.action} ${g.resource.includes('/index/byId') ? 'byId' : 'table'}`).sort(),
    ).toEqual(['dynamodb:GetItem table', 'dynamodb:Query byId', 'dynamodb:UpdateItem table'].sort());
    expect(grants.filter((g) => g.resource.includes(ids.reports))).toEqual([]);
    expect(grants.filter((g) => /^(s3|ses|sns|lambda):/.test(g.action))).toEqual([]);
    // SQS only to hand a failed event to its own dead-letter queue.
    expect(grants.filter((g) => g.action.startsWith('sqs:'))).toEqual([
      {
        action: 'sqs:SendMessage',
        resource: JSON.stringify({ 'Fn::GetAtt': [logicalId(inbound(on).deadLetterQueue), 'Arn'] }),
      },
    ]);
    expect(grants.filter((g) => g.resource.includes(ids.secret)).map((g) => g.action)).toContain(
      'secretsmanager:GetSecretValue',
    );
    for (const g of grants) {
      expect(g.action).not.toMatch(/:\*$|^\*$/);
      if (g.resource === '*') expect(g.action).toMatch(/^xray:/);
    }
  });

  it('runs like the other functions, loads its configuration, and retries twice before its dead-letter queue (which alarms)', () => {
    const fnId = logicalId(inbound(on).fn.fn);
    const fn = on.serviceTemplate.findResources('AWS::Lambda::Function')[fnId]!.Properties;
    expect(fn).toMatchObject({
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: expect.anything() },
    });
    const vars = fn.Environment.Variables as Record<string, unknown>;
    const env = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [
        k,
        typeof v === 'string'
          ? v
          : k.endsWith('_ARN')
            ? 'arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf'
            : k === 'PUBLIC_BASE_URL'
              ? 'https://x.example'
              : `resolved-${k}`,
      ]),
    );
    expect(loadConfig(env).unsubscribeMailto).toBe('unsubscribe@example.jp');
    on.serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
    });
    const alarms = Object.values(on.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    expect(
      alarms.filter((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(fnId)),
    ).toHaveLength(1);
    const dlqId = logicalId(inbound(on).deadLetterQueue);
    expect(
      alarms.filter(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions).includes(dlqId),
      ),
    ).toHaveLength(1);
  });

  it('tells the api function whether a function reads the mailbox (its broken-link page offers the mailbox only when a person does)', () => {
    const apiEnv = (s: Synth) => {
      const id = logicalId(s.service.functions.api.fn);
      return s.serviceTemplate.findResources('AWS::Lambda::Function')[id]!.Properties.Environment
        .Variables as Record<string, unknown>;
    };
    expect(apiEnv(off).INBOUND_UNSUBSCRIBE).toBe('false');
    expect(apiEnv(on).INBOUND_UNSUBSCRIBE).toBe('true');
    expect(apiEnv(existing).INBOUND_UNSUBSCRIBE).toBe('true');
  });
});
