/**
 * The stateless part: the functions (service/functions.ts), the HTTP API (service/http-api.ts),
 * what triggers the functions — S3 → render notifications, the dispatcher's schedule, the SES
 * events rule (service/triggers.ts) — alarms and the dashboard, and, when enabled, the SES
 * receiving rule and function for the `mailto:` unsubscribe (service/inbound-unsubscribe.ts).
 * It receives the stateful resources as props, so redeploying or even deleting this stack never
 * touches data. Every construct is made with this stack as its scope, so the logical IDs are the
 * ones a deployed stack already has.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import { EdgeDistribution } from './constructs/edge-waf.ts';
import type { KawarabanFunction } from './constructs/kawaraban-function.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { functionEnvironment } from './service/function-settings.ts';
import { buildFunctions } from './service/functions.ts';
import { addApiDomain, buildHttpStage, newHttpApi } from './service/http-api.ts';
import { buildInboundUnsubscribe, type InboundUnsubscribe } from './service/inbound-unsubscribe.ts';
import type { StatefulResources } from './service/stateful-resources.ts';
import { routeSesEvents, scheduleDispatch, wireApprovals, wireUploads } from './service/triggers.ts';

export interface ServiceStackProps extends StackProps {
  config: DeployConfig;
  stateful: StatefulResources;
  /** With edgeWaf: the us-east-1 WebACL for the CloudFront distribution in front of the API. */
  edgeWebAclArn?: string;
}

export class ServiceStack extends Stack {
  readonly functions: {
    archive: KawarabanFunction;
    api: KawarabanFunction;
    render: KawarabanFunction;
    dispatch: KawarabanFunction;
    sesEvents: KawarabanFunction;
  };
  /** Sends one part of a report when the dispatcher splits it among parallel workers. */
  readonly dispatchWorker: KawarabanFunction;
  readonly httpApi: apigwv2.HttpApi;
  /** Only when enabled: SES receiving exists in some regions only, and an account has one active rule set. */
  readonly inboundUnsubscribe: InboundUnsubscribe | undefined;
  /** Only with edgeWaf: CloudFront (with the WebACL) in front of the API. */
  readonly edge: EdgeDistribution | undefined;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const bucket = s3.Bucket.fromBucketName(this, 'Uploads', stateful.uploadBucketName);

    this.httpApi = newHttpApi(this, config);
    this.edge =
      config.edge && props.edgeWebAclArn
        ? new EdgeDistribution(this, 'Edge', {
            httpApi: this.httpApi,
            apiDomainName: config.apiDomain?.name,
            domain: config.edge.domain,
            webAclArn: props.edgeWebAclArn,
          })
        : undefined;
    const publicBaseUrl = config.publicBaseUrl ?? this.edge?.url ?? this.httpApi.apiEndpoint;
    const environment = functionEnvironment(config, stateful, bucket, publicBaseUrl);

    const fns = buildFunctions(this, { config, stateful, bucket, environment, edge: this.edge });
    const { api, render, dispatch, dispatchWorker, sesEvents, archive } = fns;
    this.functions = { api, render, dispatch, sesEvents, archive };
    this.dispatchWorker = dispatchWorker;

    const stage = buildHttpStage(this, this.httpApi, { api, archive });
    if (config.apiDomain) addApiDomain(this, this.httpApi, config.apiDomain, stage);
    wireUploads(this, bucket, render);
    if (config.approval) wireApprovals(bucket, render);
    this.inboundUnsubscribe = config.inboundUnsubscribe
      ? buildInboundUnsubscribe(
          this,
          config.unsubscribeMailto,
          config.inboundUnsubscribe.ruleSet,
          stateful,
          environment,
        )
      : undefined;
    const inbound = this.inboundUnsubscribe;
    scheduleDispatch(this, dispatch);
    routeSesEvents(this, sesEvents, fns.sesEventsDlq, stateful.configurationSet.configurationSetName);

    const monitoring = new Monitoring(this, 'Monitoring', {
      functions: {
        api,
        render,
        dispatch,
        dispatchWorker,
        sesEvents,
        archive,
        ...(inbound ? { inboundUnsubscribe: inbound.fn } : {}),
      },
      dispatch,
      deadLetterQueues: {
        RenderDlq: fns.renderDlq,
        SesEventsDlq: fns.sesEventsDlq,
        ...(inbound ? { InboundUnsubscribeDlq: inbound.deadLetterQueue } : {}),
      },
      httpApi: this.httpApi,
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: config.apiDomain ? `https://${config.apiDomain.name}` : this.httpApi.apiEndpoint,
      description: 'HTTP API (subscribe page at /)',
    });
    new CfnOutput(this, 'PublicBaseUrl', {
      value: publicBaseUrl,
      description: 'base URL used in email links',
    });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });
    new CfnOutput(this, 'UploadHint', {
      description: 'how an editor uploads a report from a shell with AWS credentials',
      value: `npx kawaraban --stack ${this.stackName.replace(/Service$/, '')} report upload <report.json>`,
    });
  }
}
