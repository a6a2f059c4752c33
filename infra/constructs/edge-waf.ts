/**
 * The edge in front of the HTTP API (context edgeWaf=true): a WAFv2 WebACL, which for CloudFront
 * must live in us-east-1 (EdgeWebAcl, built by the small edge stack there), and a CloudFront
 * distribution with that WebACL whose origin is the API (EdgeDistribution, in the service stack).
 * An HTTP API cannot take a WebACL itself.
 *
 * CloudFront adds a secret origin header to every request it forwards, together with the viewer's
 * address (CloudFront-Viewer-Address); the api function believes that address only when the
 * secret matches (functions/http/edge.ts), so its per-client counters count readers, not edges.
 * The WebACL's rules are in edge-waf-rules.ts.
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
import { edgeRules, tooManyRequestsBody, visibility } from './edge-waf-rules.ts';
import type { KawarabanFunction } from './kawaraban-function.ts';

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
