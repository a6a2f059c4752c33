/**
 * The HTTP API in front of the api and archive functions: its routes, its stage (throttling and
 * access logs without query strings) and, when configured, a custom domain of ours.
 */
import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config.ts';
import type { KawarabanFunction } from '../constructs/kawaraban-function.ts';

/** HTTP routes, all served by the api function (GET shows a page, POST acts). */
export const httpRoutes = [
  ['GET', '/'],
  ['POST', '/subscribe'],
  ['GET', '/confirm'],
  ['POST', '/confirm'],
  ['GET', '/unsubscribe'],
  ['POST', '/unsubscribe'],
] as const;

/** The web archive's routes, served by the archive function. */
export const archivePaths = ['/archive', '/archive/{proxy+}', '/feed.xml'] as const;

/**
 * Stage throttling. The whole API: 50 requests/s steady, bursts of 100 — far above human
 * use of a subscribe form and the one-click unsubscribes after a send, and enough for the
 * link scanners of corporate gateways (which GET every link as mail arrives, at most at our
 * SES send rate), while capping what a flood can cost. POST /subscribe, the only route that
 * makes us send mail to an address someone typed, gets 5/s with bursts of 10 on top of the
 * per-address and per-IP limits inside the function.
 */
export const stageThrottle = { rateLimit: 50, burstLimit: 100 } as const;
export const subscribeThrottle = { rateLimit: 5, burstLimit: 10 } as const;
/**
 * POST /unsubscribe (the one-click and the page's button) gets a budget of its own, as large as
 * the stage's: an opt-out must get through while someone floods POST /subscribe, which is held
 * to its own 5/s. (Inside the function the route counts nothing per client either: a reader's
 * opt-out never waits for a stranger's sign-ups.)
 */
export const unsubscribeThrottle = { rateLimit: 50, burstLimit: 100 } as const;

export function newHttpApi(scope: Construct, config: DeployConfig): apigwv2.HttpApi {
  return new apigwv2.HttpApi(scope, 'HttpApi', {
    description: 'kawaraban subscribe / confirm / unsubscribe',
    createDefaultStage: false,
    // With a domain of ours, every link goes there: one way in (its TLS policy, its logs).
    disableExecuteApiEndpoint: config.apiDomain !== undefined,
  });
}

/** The routes to the api and archive functions, and the one stage that serves them. */
export function buildHttpStage(
  scope: Construct,
  httpApi: apigwv2.HttpApi,
  fns: { api: KawarabanFunction; archive: KawarabanFunction },
): apigwv2.HttpStage {
  const integration = new HttpLambdaIntegration('ApiIntegration', fns.api.fn);
  const routes = httpRoutes.flatMap(([method, path]) =>
    httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod[method]], integration }),
  );
  const archiveIntegration = new HttpLambdaIntegration('ArchiveIntegration', fns.archive.fn);
  const archiveRoutes = archivePaths.flatMap((path) =>
    httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration: archiveIntegration }),
  );
  for (const route of archiveRoutes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The public web archive of sent newsletters: the same pages for everyone, no reader data.',
    });
  }
  for (const route of routes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Public newsletter endpoints for anonymous readers: the subscribe form, and confirm/unsubscribe authorised by the token in the request (hashed random token, HMAC).',
    });
  }

  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
    retention: logs.RetentionDays.THREE_MONTHS,
  });
  const stage = new apigwv2.HttpStage(scope, 'DefaultStage', {
    httpApi,
    stageName: '$default',
    autoDeploy: true,
    throttle: stageThrottle,
    accessLogSettings: {
      destination: new apigwv2.LogGroupLogDestination(accessLogs),
      // No query string: it carries confirm/unsubscribe tokens.
      format: logsFormat(),
    },
  });
  const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
  // RouteSettings is untyped JSON in the L1: CloudFormation's own casing.
  cfnStage.routeSettings = {
    'POST /subscribe': {
      ThrottlingRateLimit: subscribeThrottle.rateLimit,
      ThrottlingBurstLimit: subscribeThrottle.burstLimit,
    },
    'POST /unsubscribe': {
      ThrottlingRateLimit: unsubscribeThrottle.rateLimit,
      ThrottlingBurstLimit: unsubscribeThrottle.burstLimit,
    },
  };
  // Route settings name a route key, which must exist before the stage refers to it.
  for (const route of routes) stage.node.addDependency(route);
  return stage;
}

/**
 * The API under a domain of ours: links in emails then point at the sender's own domain, which
 * readers (and their filters) trust, rather than at an execute-api host, which looks like phishing.
 */
export function addApiDomain(
  scope: Construct,
  httpApi: apigwv2.HttpApi,
  domain: { name: string; certificateArn: string },
  stage: apigwv2.HttpStage,
): void {
  const domainName = new apigwv2.DomainName(scope, 'ApiDomain', {
    domainName: domain.name,
    certificate: acm.Certificate.fromCertificateArn(scope, 'ApiCertificate', domain.certificateArn),
    securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
  });
  new apigwv2.ApiMapping(scope, 'ApiMapping', { api: httpApi, domainName, stage });
  new CfnOutput(scope, 'ApiDomainName', { value: domain.name, description: 'custom domain of the API' });
  new CfnOutput(scope, 'ApiDomainTarget', {
    value: domainName.regionalDomainName,
    description: 'what its CNAME points at',
  });
  new CfnOutput(scope, 'ApiDomainRecord', {
    description: `DNS record to publish for ${domain.name}`,
    value: `${domain.name}. CNAME ${domainName.regionalDomainName}`,
  });
}

function logsFormat(): apigateway.AccessLogFormat {
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      route: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
      userAgent: '$context.identity.userAgent',
    }),
  );
}
