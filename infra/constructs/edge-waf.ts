/**
 * The edge in front of the HTTP API (context edgeWaf=true): a WAFv2 WebACL, which for CloudFront
 * must live in us-east-1 (EdgeWebAcl, built by the small edge stack there), and a CloudFront
 * distribution with that WebACL whose origin is the API (EdgeDistribution, in the service stack).
 * An HTTP API cannot take a WebACL itself.
 *
 * CloudFront adds a secret origin header to every request it forwards, together with the viewer's
 * address (CloudFront-Viewer-Address); the api function believes that address only when the
 * secret matches (functions/http/edge.ts), so its per-client counters count readers, not edges.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/edge.ts';
import { en } from '../../functions/http/i18n/en.ts';
import { ja } from '../../functions/http/i18n/ja.ts';
import type { KawarabanFunction } from './kawaraban-function.ts';

/**
 * Requests per client address in WAF's 5-minute window. Sign-ups (POST /subscribe, and POST
 * /confirm, which carries "send me a new link") are tight: the function itself allows 20 per 10
 * minutes per client, so a client above 50 per 5 minutes is a flood, dropped before it costs a
 * Lambda run or a DynamoDB write. Everything else (pages, confirm links that corporate link
 * scanners fetch) is loose. /unsubscribe is never counted (see edgeRules).
 */
export const edgeRateLimits = {
  signUp: { limit: 50, evaluationWindowSec: 300 },
  global: { limit: 1_000, evaluationWindowSec: 300 },
} as const;

/** AWS managed rule groups, in evaluation order (no subscription fee; each is billed as one rule). */
export const edgeManagedRuleGroups = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
] as const;

/** Seconds a client blocked by a rate rule is told to wait (WAF re-evaluates the rate continuously). */
const rateBlockRetryAfter = 300;

/**
 * Path match that survives the spellings API Gateway and the function treat as the same route
 * (percent-encoding, case in the WAF's view, a trailing slash): over-matching only counts more.
 */
function pathStartsWith(path: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: path,
      textTransformations: [
        { priority: 0, type: 'URL_DECODE' },
        { priority: 1, type: 'LOWERCASE' },
      ],
    },
  };
}

const isPost: wafv2.CfnWebACL.StatementProperty = {
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    searchString: 'POST',
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const tooManyRequests: wafv2.CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: 'tooManyRequests',
      responseHeaders: [{ name: 'Retry-After', value: String(rateBlockRetryAfter) }],
    },
  },
};

/**
 * The rules, first match wins:
 * 0. /unsubscribe (the RFC 8058 one-click POST and the page) is allowed before anything else is
 *    looked at: mail providers send readers' one-clicks from a few addresses of their own (all of
 *    a company's, all of Gmail's), so no per-address rate, reputation list or body rule may ever
 *    stand between a reader and an opt-out. Its own API Gateway route budget still bounds it.
 * 1. sign-ups per client (tight), 2. everything else per client (loose), both answering 429;
 * 3–5. the managed groups, blocking with WAF's default 403.
 */
export function edgeRules(): wafv2.CfnWebACL.RuleProperty[] {
  const rules: wafv2.CfnWebACL.RuleProperty[] = [
    {
      name: 'AllowOptOuts',
      priority: 0,
      statement: pathStartsWith('/unsubscribe'),
      action: { allow: {} },
      visibilityConfig: visibility('AllowOptOuts'),
    },
    {
      name: 'SignUpRatePerClient',
      priority: 1,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          ...edgeRateLimits.signUp,
          scopeDownStatement: {
            andStatement: {
              statements: [
                isPost,
                { orStatement: { statements: [pathStartsWith('/subscribe'), pathStartsWith('/confirm')] } },
              ],
            },
          },
        },
      },
      action: tooManyRequests,
      visibilityConfig: visibility('SignUpRatePerClient'),
    },
    {
      name: 'RatePerClient',
      priority: 2,
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', ...edgeRateLimits.global } },
      action: tooManyRequests,
      visibilityConfig: visibility('RatePerClient'),
    },
  ];
  edgeManagedRuleGroups.forEach((name, i) => {
    rules.push({
      name,
      priority: 3 + i,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });
  });
  return rules;
}

/** Both languages in one plain-text body: WAF answers before anything knows the reader's language. */
function tooManyRequestsBody(): string {
  const minutes = Math.round(rateBlockRetryAfter / 60);
  return [
    ja.rateLimited.title,
    ja.rateLimited.body(minutes),
    '',
    en.rateLimited.title,
    en.rateLimited.body(minutes),
    '',
  ].join('\n');
}

/** The WebACL (scope CLOUDFRONT: only in us-east-1) with its request log, the query string redacted. */
export class EdgeWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    if (Stack.of(this).region !== 'us-east-1') {
      throw new Error('EdgeWebAcl: a CloudFront WebACL must be created in us-east-1');
    }
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description:
        'kawaraban: per-client rates and AWS managed rules in front of the HTTP API, on CloudFront',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules: edgeRules(),
      customResponseBodies: {
        tooManyRequests: { contentType: 'TEXT_PLAIN', content: tooManyRequestsBody() },
      },
      visibilityConfig: visibility('kawaraban-edge'),
    });
    // WAF's log group names must start with aws-waf-logs-. The query string carries confirm and
    // unsubscribe tokens: redacted, as the API's access log leaves it out.
    const log = new logs.LogGroup(this, 'Log', {
      logGroupName: `aws-waf-logs-kawaraban-${Stack.of(this).stackName}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [log.logGroupArn],
      redactedFields: [{ queryString: {} }],
    });
  }
}

export interface EdgeDistributionProps {
  httpApi: apigwv2.IHttpApi;
  /** The API's own custom domain, when it has one (its execute-api endpoint is then off). */
  apiDomainName: string | undefined;
  /** A name of ours for the distribution, with its certificate (ACM, us-east-1). */
  domain: { name: string; certificateArn: string } | undefined;
  webAclArn: string;
}

/** The CloudFront distribution in front of the API, and the secret it proves itself with. */
export class EdgeDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly originSecret: secretsmanager.Secret;
  /** Where readers reach the API: links in emails point here. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: 'kawaraban: header value CloudFront adds to prove a request came through the edge (WAF)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront holds the value in its origin configuration, so a rotation is a redeploy, not a Lambda; until the function reloads it, edge requests are counted per edge location (stricter, never looser). Rotate by changing the secret and redeploying (README).',
    });

    const originHost =
      props.apiDomainName ?? `${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    const origin = new origins.HttpOrigin(originHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // A CloudFormation dynamic reference: the value is resolved at deploy time, never in the template.
      customHeaders: { [ORIGIN_SECRET_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
      readTimeout: Duration.seconds(30),
    });
    // Only what the function reads, plus the viewer's address; never Host (the origin routes by it).
    const originRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'ForwardToApi', {
      comment: 'kawaraban: query, content negotiation and the viewer address to the HTTP API',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(
        'Accept',
        'Accept-Language',
        'Content-Type',
        'User-Agent',
        VIEWER_ADDRESS_HEADER,
      ),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'kawaraban: WAF in front of the HTTP API',
      defaultBehavior: {
        origin,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Every answer is per request (tokens, forms, neutral answers held to a floor).
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
      webAclId: props.webAclArn,
      // Japan and the rest of Asia are in PriceClass_200, not in the cheapest class.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(props.domain
        ? {
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
          }
        : {}),
    });
    this.acknowledgeFindings(props.domain !== undefined);
    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;

    new CfnOutput(stack, 'EdgeUrl', {
      value: this.url,
      description: 'CloudFront (with WAF) in front of the API: links in emails point here',
    });
    if (props.domain) {
      new CfnOutput(stack, 'EdgeDomainRecord', {
        description: `DNS record to publish for ${props.domain.name}`,
        value: `${props.domain.name}. CNAME ${this.distribution.distributionDomainName}`,
      });
    }
  }

  /** The api function reads the secret (and knows it is behind the edge): variable and grant together. */
  trustedBy(fn: KawarabanFunction): void {
    fn.fn.addEnvironment('EDGE_ORIGIN_SECRET_ARN', this.originSecret.secretArn);
    this.originSecret.grantRead(fn.role);
  }

  private acknowledgeFindings(ownDomain: boolean): void {
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Readers subscribe and unsubscribe from anywhere (travel, VPNs); an opt-out must never be refused for its country.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "CloudFront's access logs would store the query string, which carries confirm and unsubscribe tokens; the WebACL logs every request with the query string redacted, and the API stage keeps its own access log.",
      },
      ...(ownDomain
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'Only without edgeDomainName: the default *.cloudfront.net certificate cannot set a minimum TLS version. Give the distribution a name of ours (edgeDomainName, edgeCertificateArn) for TLS 1.2+.',
            },
          ]),
    );
  }
}
