/**
 * The WAF edge (context edgeWaf=true): CloudFront with a us-east-1 WebACL in front of the HTTP
 * API, the origin secret that lets the api function believe CloudFront's viewer address, and
 * nothing of it without the flag.
 */
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/edge.ts';
import { DeployConfigError, readDeployConfig } from '../../infra/config.ts';
import { edgeManagedRuleGroups, edgeRateLimits } from '../../infra/constructs/edge-waf-rules.ts';
import { buildKawaraban, stackNames } from '../../infra/kawaraban.ts';
import { deployEnv, exampleContext, grantsOfRole, logicalId, synthKawaraban, type Synth } from './synth.ts';

type Rule = {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: unknown;
  Statement: Record<string, any>;
};

const edgeCert = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
const only = (t: Template, type: string) => {
  const found = Object.values(t.findResources(type));
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
};
const apiEnv = (s: Synth) => {
  const fns = s.serviceTemplate.findResources('AWS::Lambda::Function');
  return fns[logicalId(s.service.functions.api.fn)]!.Properties.Environment.Variables as Record<
    string,
    unknown
  >;
};

describe('without edgeWaf (the default)', () => {
  it('builds no CloudFront, no WAF, no us-east-1 stack, and the api function trusts no viewer header', () => {
    const s = synthKawaraban({}, { env: deployEnv });
    expect(s.edge).toBeUndefined();
    expect(s.service.edge).toBeUndefined();
    expect(s.app.node.tryFindChild(stackNames.edge)).toBeUndefined();
    s.serviceTemplate.resourceCountIs('AWS::CloudFront::Distribution', 0);
    s.serviceTemplate.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(apiEnv(s)).not.toHaveProperty('EDGE_ORIGIN_SECRET_ARN');
    expect(JSON.stringify(apiEnv(s).PUBLIC_BASE_URL)).toContain(logicalId(s.service.httpApi));
  });
});

describe('with edgeWaf=true', () => {
  let s: Synth;
  let rules: Rule[];
  beforeAll(() => {
    s = synthKawaraban({ edgeWaf: 'true' }, { env: deployEnv });
    rules = [...(only(s.edgeTemplate!, 'AWS::WAFv2::WebACL').Rules as Rule[])].sort(
      (a, b) => a.Priority - b.Priority,
    );
  });

  it('puts the WebACL in its own stack in us-east-1, with scope CLOUDFRONT', () => {
    expect(s.edge?.region).toBe('us-east-1');
    expect(s.service.region).toBe(deployEnv.region);
    const acl = only(s.edgeTemplate!, 'AWS::WAFv2::WebACL');
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    // WAF's own pattern for descriptions (the tests synth without CloudFormation's validation).
    expect(acl.Description).toMatch(
      /^[a-zA-Z0-9=:#@/\-,.][a-zA-Z0-9+=:#@/\-,.\s]+[a-zA-Z0-9+=:#@/\-,.]{1,256}$/,
    );
  });

  it('lets every /unsubscribe request through before any rate, reputation or body rule sees it', () => {
    const first = rules[0]!;
    expect(first.Action).toEqual({ Allow: {} });
    expect(first.Statement.ByteMatchStatement).toMatchObject({
      FieldToMatch: { UriPath: {} },
      SearchString: '/unsubscribe',
    });
    // No rule before it, and no rule mentions /unsubscribe to block it.
    expect(rules.filter((r) => r.Priority <= first.Priority)).toHaveLength(1);
    for (const r of rules.slice(1)) expect(JSON.stringify(r.Statement)).not.toContain('/unsubscribe');
  });

  it('limits sign-ups (POST /subscribe, POST /confirm with its new-link) per client tighter than everything else, answering 429', () => {
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate.map((r) => r.Name)).toEqual(['SignUpRatePerClient', 'RatePerClient']);
    const [signUp, global] = rate.map((r) => r.Statement.RateBasedStatement);
    expect(signUp).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: edgeRateLimits.signUp.limit,
      EvaluationWindowSec: 300,
    });
    expect(global).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: edgeRateLimits.global.limit,
      EvaluationWindowSec: 300,
    });
    expect(edgeRateLimits.signUp.limit).toBeLessThan(edgeRateLimits.global.limit);
    const scope = JSON.stringify(signUp.ScopeDownStatement);
    for (const part of [
      '"Method":{}',
      '"SearchString":"POST"',
      '"/subscribe"',
      '"/confirm"',
      'URL_DECODE',
      'LOWERCASE',
    ]) {
      expect(scope).toContain(part);
    }
    expect(global.ScopeDownStatement).toBeUndefined();
    for (const r of rate)
      expect(r.Action).toMatchObject({ Block: { CustomResponse: { ResponseCode: 429 } } });
  });

  it('answers a rate block in Japanese and English with Retry-After', () => {
    const acl = only(s.edgeTemplate!, 'AWS::WAFv2::WebACL');
    const body = acl.CustomResponseBodies.tooManyRequests;
    expect(body.ContentType).toBe('TEXT_PLAIN');
    expect(body.Content).toMatch(/しばらくしてから[\s\S]*Please try again/);
    expect(JSON.stringify(rules[1]!.Action)).toContain('"Retry-After"');
  });

  it('runs the AWS managed groups after the rate rules, blocking as they come', () => {
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement)).toEqual(
      edgeManagedRuleGroups.map((name) => ({ VendorName: 'AWS', Name: name })),
    );
    for (const r of managed) expect(r.OverrideAction).toEqual({ None: {} });
    expect(Math.min(...managed.map((r) => r.Priority))).toBeGreaterThan(
      Math.max(...rules.filter((r) => r.Statement.RateBasedStatement).map((r) => r.Priority)),
    );
  });

  it('logs the WebACL to an aws-waf-logs- group with the query string (tokens) redacted', () => {
    const logging = only(s.edgeTemplate!, 'AWS::WAFv2::LoggingConfiguration');
    expect(logging.RedactedFields).toEqual([{ QueryString: {} }]);
    const group = only(s.edgeTemplate!, 'AWS::Logs::LogGroup');
    expect(group.LogGroupName).toMatch(/^aws-waf-logs-/);
    expect(group.RetentionInDays).toBe(90);
  });

  it('fronts the API with CloudFront: the WebACL from us-east-1, the execute-api origin over TLS 1.2, no caching', () => {
    const dist = only(s.serviceTemplate, 'AWS::CloudFront::Distribution').DistributionConfig;
    // Fn::GetStackOutput reads the us-east-1 stack's output, which is the WebACL's ARN.
    const ref = dist.WebACLId['Fn::GetStackOutput'];
    expect(ref).toMatchObject({ StackName: stackNames.edge, Region: 'us-east-1' });
    const output = s.edgeTemplate!.toJSON().Outputs[ref.OutputName];
    expect(output.Value).toEqual({ 'Fn::GetAtt': [logicalId(s.edge!.webAcl.webAcl), 'Arn'] });
    const origin = dist.Origins[0];
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(s.service.httpApi));
    expect(JSON.stringify(origin.DomainName)).toContain('.execute-api.ap-northeast-1.');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(dist.DefaultCacheBehavior.AllowedMethods).toContain('POST');
    // The managed CachingDisabled policy.
    expect(dist.DefaultCacheBehavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
  });

  it('forwards the viewer address and what the function reads, never Host', () => {
    const policy = only(s.serviceTemplate, 'AWS::CloudFront::OriginRequestPolicy').OriginRequestPolicyConfig;
    const headers = (policy.HeadersConfig.Headers as string[]).map((h) => h.toLowerCase());
    expect(headers).toContain(VIEWER_ADDRESS_HEADER);
    expect(headers).toEqual(expect.arrayContaining(['accept-language', 'content-type', 'user-agent']));
    expect(headers).not.toContain('host');
    expect(policy.QueryStringsConfig.QueryStringBehavior).toBe('all');
  });

  it('proves itself with a secret origin header that only the api function may read', () => {
    const dist = only(s.serviceTemplate, 'AWS::CloudFront::Distribution').DistributionConfig;
    const secretId = logicalId(s.service.edge!.originSecret);
    const header = dist.Origins[0].OriginCustomHeaders;
    expect(header).toHaveLength(1);
    expect(header[0].HeaderName).toBe(ORIGIN_SECRET_HEADER);
    // A dynamic reference resolved by CloudFormation: the value is never in the template.
    expect(JSON.stringify(header[0].HeaderValue)).toMatch(
      new RegExp(`\\{\\{resolve:secretsmanager:.*"Ref":"${secretId}"`),
    );
    expect(apiEnv(s).EDGE_ORIGIN_SECRET_ARN).toEqual({ Ref: secretId });
    const readers = (['api', 'render', 'dispatch', 'sesEvents'] as const).filter((k) =>
      grantsOfRole(s.serviceTemplate, logicalId(s.service.functions[k].role)).some(
        (g) => g.action === 'secretsmanager:GetSecretValue' && g.resource.includes(secretId),
      ),
    );
    expect(readers).toEqual(['api']);
  });

  it('points links in emails at the distribution', () => {
    expect(JSON.stringify(apiEnv(s).PUBLIC_BASE_URL)).toContain(logicalId(s.service.edge!.distribution));
  });
});

describe('with edgeWaf and names of ours', () => {
  it('serves the distribution under edgeDomainName (TLS 1.2+) with the API custom domain as its origin', () => {
    const s = synthKawaraban(
      {
        edgeWaf: 'true',
        edgeDomainName: 'news.example.jp',
        edgeCertificateArn: edgeCert,
        apiDomainName: 'origin.example.jp',
        apiCertificateArn:
          'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
      },
      { env: deployEnv },
    );
    const dist = only(s.serviceTemplate, 'AWS::CloudFront::Distribution').DistributionConfig;
    expect(dist.Aliases).toEqual(['news.example.jp']);
    expect(dist.ViewerCertificate).toMatchObject({
      AcmCertificateArn: edgeCert,
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(dist.Origins[0].DomainName).toBe('origin.example.jp');
    expect(apiEnv(s).PUBLIC_BASE_URL).toBe('https://news.example.jp');
  });
});

describe('edge configuration', () => {
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

  it('is off unless asked for', () => {
    expect(config({}).edge).toBeUndefined();
    expect(config({ edgeWaf: 'false' }).edge).toBeUndefined();
    expect(config({ edgeWaf: true }).edge).toEqual({ domain: undefined });
  });

  it.each([
    [
      { edgeDomainName: 'news.example.jp', edgeCertificateArn: edgeCert },
      /edgeDomainName: only used with -c edgeWaf=true/,
    ],
    [
      { edgeWaf: 'true', edgeDomainName: 'news.example.jp' },
      /edgeCertificateArn: required with edgeDomainName/,
    ],
    [{ edgeWaf: 'true', edgeCertificateArn: edgeCert }, /edgeDomainName: required with edgeCertificateArn/],
    [
      {
        edgeWaf: 'true',
        edgeDomainName: 'news.example.jp',
        edgeCertificateArn: edgeCert.replace('us-east-1', 'ap-northeast-1'),
      },
      /edgeCertificateArn: must be the ARN of an ACM certificate in us-east-1/,
    ],
    [{ edgeWaf: 'yes' }, /edgeWaf:/],
    [
      {
        edgeWaf: 'true',
        edgeDomainName: 'news.example.jp',
        edgeCertificateArn: edgeCert,
        publicBaseUrl: 'https://other.example.jp',
      },
      /publicBaseUrl: must be https:\/\/news\.example\.jp with edgeDomainName/,
    ],
    [
      {
        edgeWaf: 'true',
        apiDomainName: 'news.example.jp',
        apiCertificateArn:
          'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
        publicBaseUrl: 'https://news.example.jp',
      },
      /publicBaseUrl: with edgeWaf, links must go through CloudFront/,
    ],
    [
      {
        edgeWaf: 'true',
        edgeDomainName: 'news.example.jp',
        edgeCertificateArn: edgeCert,
        apiDomainName: 'news.example.jp',
        apiCertificateArn:
          'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
      },
      /edgeDomainName: must differ from apiDomainName/,
    ],
  ])('refuses %j', (ctx, message) => {
    expect(problem(ctx)).toMatch(message);
  });

  it('refuses to build without a region to reference the us-east-1 WebACL from, saying how to give one', () => {
    const app = new App({ context: { ...exampleContext(), 'aws:cdk:bundling-stacks': [], edgeWaf: 'true' } });
    expect(() => buildKawaraban(app, { env: { account: undefined, region: undefined } })).toThrow(
      DeployConfigError,
    );
    expect(() =>
      buildKawaraban(new App({ context: { ...exampleContext(), edgeWaf: 'true' } }), { env: {} }),
    ).toThrow(/CDK_DEFAULT_REGION/);
  });
});
