/**
 * The outputs `kawaraban --stack <prefix>` reads (cli/target.ts STACK_OUTPUTS) exist under
 * those keys, in the stacks named <prefix>Stateful / <prefix>Service, and are not exports
 * (an export would let another stack come to depend on it and block a change).
 */
import { describe, expect, it } from 'vitest';
import { stackNames } from '../../infra/kawaraban.ts';
import { STACK_OUTPUTS } from '../../cli/target.ts';
import { synthKawaraban } from './synth.ts';

describe('stack outputs for the CLI', () => {
  it('the stateful stack outputs bucket, tables, secret, configuration set and domains under stable keys, without exports', () => {
    const s = synthKawaraban();
    const outputs = s.statefulTemplate.findOutputs('*');
    for (const key of Object.values(STACK_OUTPUTS.stateful)) {
      expect(outputs[key], key).toBeDefined();
      expect(outputs[key]!.Export, key).toBeUndefined();
    }
    expect(JSON.stringify(outputs.UnsubscribeSecretArn!.Value)).toContain('UnsubscribeKey');
    expect(outputs.SendingDomain!.Value).toBe(s.config.domain);
    expect(
      Object.keys(synthKawaraban({ mailFromDomain: 'none' }).statefulTemplate.findOutputs('*')),
    ).not.toContain('MailFromDomain');
  });

  it('the service stack outputs the API domain and the receipt rule set only when they exist; --stack Kawaraban finds both stacks', () => {
    const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
    const plain = synthKawaraban().serviceTemplate.findOutputs('*');
    expect(plain.ApiUrl).toBeDefined();
    expect(plain.ApiDomainName).toBeUndefined();
    expect(plain.InboundRuleSetName).toBeUndefined();
    const full = synthKawaraban({
      apiDomainName: 'news.example.jp',
      apiCertificateArn: arn,
      inboundUnsubscribe: 'true',
    });
    const outputs = full.serviceTemplate.findOutputs('*');
    for (const key of Object.values(STACK_OUTPUTS.service)) {
      expect(outputs[key], key).toBeDefined();
      expect(outputs[key]!.Export, key).toBeUndefined();
    }
    expect(outputs.ApiDomainName!.Value).toBe('news.example.jp');
    // The CLI reads <prefix>Stateful and <prefix>Service; the edge stack (edgeWaf) has no output it needs.
    expect({ stateful: stackNames.stateful, service: stackNames.service }).toEqual({
      stateful: 'KawarabanStateful',
      service: 'KawarabanService',
    });
    expect(outputs.UploadHint!.Value).toBe('npx kawaraban --stack Kawaraban report upload <report.json>');
  });
});
