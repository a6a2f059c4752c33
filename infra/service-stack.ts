/**
 * The stateless part: the four functions, the HTTP API, the S3 → render notifications, the
 * dispatcher's schedule, the SES events rule, alarms and the dashboard — and, when enabled, the
 * SES receiving rule and function for the `mailto:` unsubscribe. It receives the stateful
 * resources as props, so redeploying or even deleting this stack never touches data.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIRM_TTL_HOURS } from '../functions/core/config.ts';
import type { DeployConfig } from './config.ts';
import { confirmationTemplatesDefine } from './confirmation-templates.ts';
import { EdgeDistribution } from './constructs/edge-waf.ts';
import { KawarabanFunction, type BoundTable, type ItemAction } from './constructs/kawaraban-function.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { subscribersTable, uploadPrefixes, uploadSuffix } from './tables.ts';

/** What the stateful stack hands over. */
export interface StatefulResources {
  subscribers: BoundTable;
  reports: BoundTable;
  /** Deterministic (see uploadBucketName): resolves the same in both stacks, no cross-stack output. */
  uploadBucketName: string;
  identity: ses.IEmailIdentity;
  configurationSet: ses.IConfigurationSet;
  unsubscribeSecret: secretsmanager.ISecret;
}

export interface ServiceStackProps extends StackProps {
  config: DeployConfig;
  stateful: StatefulResources;
  /** With edgeWaf: the us-east-1 WebACL for the CloudFront distribution in front of the API. */
  edgeWebAclArn?: string;
}

/** The SES event detail-types (EventBridge names) the ses-events function handles. */
export const sesEventDetailTypes = [
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Delivery Delayed',
  'Email Rendering Failed',
];

/** The DynamoDB actions each least-privileged function calls (stated in test/infra/stacks.test.ts). */
export const apiSubscriberActions: ItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
export const sesEventsActions: ItemAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

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

/**
 * The dispatcher runs every minute; each run sends for at most DISPATCH_BUDGET_MS, checkpoints
 * and returns before the next tick, so runs never overlap (reserved concurrency 1 guarantees it).
 * The timeout leaves room for the last in-flight sends and the checkpoint write.
 */
export const dispatchBudgetMs = 50_000;
export const dispatchTimeout = Duration.seconds(90);
/**
 * A run's lease lasts its budget plus this: past the function's timeout, so only a dead run's
 * lease can expire, and not much more, so a crashed run holds its report about a minute and a half.
 */
export const leaseMarginMs = dispatchTimeout.toMilliseconds() - dispatchBudgetMs + 5_000;

/** What the opt-in `mailto:` unsubscribe adds (context inboundUnsubscribe=true). */
export interface InboundUnsubscribe {
  fn: KawarabanFunction;
  ruleSet: ses.IReceiptRuleSet;
  rule: ses.ReceiptRule;
  deadLetterQueue: sqs.Queue;
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

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'kawaraban subscribe / confirm / unsubscribe',
      createDefaultStage: false,
      // With a domain of ours, every link goes there: one way in (its TLS policy, its logs).
      disableExecuteApiEndpoint: config.apiDomain !== undefined,
    });
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

    // Every function loads the full configuration (functions/core/config.ts), so every one
    // gets every name; the grants below are what differ.
    const environment: Record<string, string> = {
      SUBSCRIBERS_TABLE: stateful.subscribers.table.tableName,
      REPORTS_TABLE: stateful.reports.table.tableName,
      UPLOAD_BUCKET: bucket.bucketName,
      NEWSLETTER_NAME: config.newsletterName,
      ...(config.shortName ? { NEWSLETTER_SHORT_NAME: config.shortName } : {}),
      ...(config.subjectPrefix ? { SUBJECT_PREFIX: config.subjectPrefix } : {}),
      ...(config.privacyPolicyUrl ? { PRIVACY_POLICY_URL: config.privacyPolicyUrl } : {}),
      FROM_ADDRESS: config.fromAddress,
      PUBLIC_BASE_URL: publicBaseUrl,
      UNSUBSCRIBE_MAILTO: config.unsubscribeMailto,
      INBOUND_UNSUBSCRIBE: config.inboundUnsubscribe ? 'true' : 'false',
      APPROVAL_REQUIRED: config.approval ? 'true' : 'false',
      SES_CONFIGURATION_SET: stateful.configurationSet.configurationSetName,
      EDITORS: config.editors.join(','),
      SENDER_NAME: config.sender.name,
      SENDER_POSTAL_ADDRESS: config.sender.postalAddress,
      SENDER_CONTACT: config.sender.contact,
      UNSUBSCRIBE_SECRET_ARN: stateful.unsubscribeSecret.secretArn,
      ...(config.consentPolicyVersion ? { CONSENT_POLICY_VERSION: config.consentPolicyVersion } : {}),
    };

    // The canary (README "Sending", The canary): only the dispatcher and its workers read these.
    const { canary } = config;
    const canaryEnvironment: Record<string, string> = {
      CANARY_ENABLED: String(canary.enabled),
      CANARY_MIN_AUDIENCE: String(canary.minAudience),
      CANARY_SHARE: String(canary.share),
      CANARY_MIN_SIZE: String(canary.minSize),
      CANARY_MAX_SIZE: String(canary.maxSize),
      CANARY_WAIT_MINUTES: String(canary.waitMinutes),
    };

    const sesSendResources = [
      stateful.identity.emailIdentityArn,
      this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: stateful.configurationSet.configurationSetName,
      }),
    ];
    if (config.sesSandbox) {
      // In the sandbox SES also authorises each recipient, which must be a verified identity.
      sesSendResources.push(this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }));
    }

    const renderDlq = this.deadLetterQueue('RenderDlq');
    const sesEventsDlq = this.deadLetterQueue('SesEventsDlq');

    const api = new KawarabanFunction(this, 'Api', {
      entry: 'functions/api.ts',
      description: 'kawaraban HTTP API: subscribe, confirm, unsubscribe pages',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment,
      // The confirmation email rendered ahead (no React in this function); only a bundled synth renders it.
      define: Stack.of(this).bundlingRequired
        ? confirmationTemplatesDefine({
            newsletterName: config.newsletterName,
            sender: config.sender,
            confirmTtlHours: DEFAULT_CONFIRM_TTL_HOURS,
          })
        : undefined,
    })
      // Rows by key (get, conditional put and update; rate-limit counters are updates), links'
      // ids through byId. No Scan, DeleteItem or batch action: the internet reaches this function.
      .bindTableExactly(stateful.subscribers, { item: apiSubscriberActions, query: ['byId'] })
      .bindSecret(stateful.unsubscribeSecret)
      .allowSendEmail(sesSendResources);
    this.edge?.trustedBy(api);

    const render = new KawarabanFunction(this, 'Render', {
      entry: 'functions/render.ts',
      description: 'kawaraban: validate and render an uploaded report once, then schedule it',
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment,
      deadLetterQueue: renderDlq,
    })
      .bindBucket(bucket, {
        read: [
          uploadPrefixes.reports,
          uploadPrefixes.drafts,
          ...(config.approval ? [uploadPrefixes.approvals] : []),
        ],
        write: [uploadPrefixes.rendered],
      })
      .bindTable(stateful.reports, 'readwrite')
      .bindTable(stateful.subscribers, 'read')
      .allowSendEmail(sesSendResources);

    /** What a sender of newsletters needs: the dispatcher and its workers alike. */
    const asSender = (f: KawarabanFunction) =>
      f
        .bindTable(stateful.reports, 'readwrite')
        .bindTable(stateful.subscribers, 'read')
        .bindBucket(bucket, { read: [uploadPrefixes.rendered] })
        .bindSecret(stateful.unsubscribeSecret)
        .allowSendEmail(sesSendResources)
        .allowWithoutResource(
          ['ses:GetAccount'],
          'ses:GetAccount (the send quota) has no resource-level permissions.',
        );

    // Parallel fan-out (functions/dispatch-worker.ts; README "Sending at the account's rate"):
    // the dispatcher starts one worker per part with an asynchronous invocation. Not reserved:
    // the dispatcher bounds the workers (SEND_MAX_WORKERS), and a new account has little to reserve.
    const dispatchWorker = asSender(
      new KawarabanFunction(this, 'DispatchWorker', {
        entry: 'functions/dispatch-worker.ts',
        description:
          'kawaraban: send one part of a report (parallel fan-out), paced to its share of the SES quota',
        memorySize: 512,
        timeout: dispatchTimeout,
        // No X-Ray subsegment per SendEmail: the bundle carries no Tracer (infra/bundling.ts, sdkSubsegments, says why).
        environment: {
          ...environment,
          DISPATCH_BUDGET_MS: String(dispatchBudgetMs),
          LEASE_MARGIN_MS: String(leaseMarginMs),
          ...canaryEnvironment,
          POWERTOOLS_TRACE_ENABLED: 'false',
        },
      }),
    );
    // A failed or stale launch is not retried by Lambda: the next tick relaunches the part once its lease expires.
    dispatchWorker.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(5) });

    const dispatch = asSender(
      new KawarabanFunction(this, 'Dispatch', {
        entry: 'functions/dispatch.ts',
        description: 'kawaraban: send due reports to confirmed subscribers, paced to the SES quota',
        memorySize: 512,
        timeout: dispatchTimeout,
        // No X-Ray subsegment per SendEmail: the bundle carries no Tracer (infra/bundling.ts, sdkSubsegments, says why).
        environment: {
          ...environment,
          DISPATCH_BUDGET_MS: String(dispatchBudgetMs),
          LEASE_MARGIN_MS: String(leaseMarginMs),
          ...canaryEnvironment,
          POWERTOOLS_TRACE_ENABLED: 'false',
          DISPATCH_WORKER_FUNCTION: dispatchWorker.fn.functionName,
        },
        reservedConcurrentExecutions: 1,
      }),
    );
    // Named statements rather than grantInvoke, which adds "<arn>:*" (every version and alias).
    const invoke = (arn: string) =>
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [arn] });
    dispatch.role.addToPrincipalPolicy(invoke(dispatchWorker.fn.functionArn));
    // Chaining: each invokes itself when readers are left. A policy of its own, since a function's
    // default policy cannot name the function (the function depends on that policy).
    new iam.Policy(this, 'DispatchChain', {
      roles: [dispatch.role],
      statements: [invoke(dispatch.fn.functionArn)],
    });
    new iam.Policy(this, 'DispatchWorkerChain', {
      roles: [dispatchWorker.role],
      statements: [invoke(dispatchWorker.fn.functionArn)],
    });

    const sesEvents = new KawarabanFunction(this, 'SesEvents', {
      entry: 'functions/ses-events.ts',
      description: 'kawaraban: bounces, complaints and deliveries into subscriber state and ledgers',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment,
      deadLetterQueue: sesEventsDlq,
    })
      // Read a row by key and update it conditionally (subscriber, mailbox mark, ledger row and
      // report counters, the last two in one transaction of updates). Nothing else.
      .bindTableExactly(stateful.subscribers, { item: sesEventsActions })
      .bindTableExactly(stateful.reports, { item: sesEventsActions });

    // The web archive: whichever dispatcher run or worker finishes a report writes it under archive/;
    // this function serves it through the same HTTP API (one domain, one TLS setup; see README "Web archive").
    const archive = new KawarabanFunction(this, 'Archive', {
      entry: 'functions/archive-site.ts',
      description: 'kawaraban: the public web archive of sent reports and its Atom feed',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment,
    }).bindBucket(bucket, { read: [uploadPrefixes.archive] });
    for (const sender of [dispatch, dispatchWorker]) {
      sender.bindBucket(bucket, { write: [uploadPrefixes.archive], read: [uploadPrefixes.archive] });
    }

    this.functions = { api, render, dispatch, sesEvents, archive };
    this.dispatchWorker = dispatchWorker;
    if (config.sesSandbox) {
      for (const f of [api, render, dispatch, dispatchWorker]) {
        Validations.of(f.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
          reason:
            'Sandbox only (context sesSandbox=true): SES also authorises every recipient identity while the account is in the sandbox.',
        });
      }
    }

    const stage = this.buildHttpApi(api);
    if (config.apiDomain) this.addApiDomain(config.apiDomain, stage);
    this.wireUploads(bucket, render);
    if (config.approval) this.wireApprovals(bucket, render);
    this.inboundUnsubscribe = config.inboundUnsubscribe
      ? this.buildInboundUnsubscribe(
          config.unsubscribeMailto,
          config.inboundUnsubscribe.ruleSet,
          stateful,
          environment,
        )
      : undefined;
    const inbound = this.inboundUnsubscribe;

    new events.Rule(this, 'DispatchTick', {
      description: 'kawaraban: tick the dispatcher',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed tick is harmless (the next one resumes from the cursor): drop stale ticks.
      targets: [
        new targets.LambdaFunction(dispatch.fn, { retryAttempts: 0, maxEventAge: Duration.seconds(60) }),
      ],
    });
    dispatch.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.seconds(60) });

    new events.Rule(this, 'SesEventsRule', {
      description: 'kawaraban: SES sending events of our configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: sesEventDetailTypes,
        // The default bus carries every configuration set's events in the account: only ours.
        detail: {
          mail: { tags: { 'ses:configuration-set': [stateful.configurationSet.configurationSetName] } },
        },
      },
      targets: [
        new targets.LambdaFunction(sesEvents.fn, {
          deadLetterQueue: sesEventsDlq,
          retryAttempts: 10,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

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
        RenderDlq: renderDlq,
        SesEventsDlq: sesEventsDlq,
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

  /**
   * The `mailto:` unsubscribe: a receipt rule for exactly the UNSUBSCRIBE_MAILTO recipient
   * (spam and virus scanning on, so the function sees the verdicts; TLS required) whose Lambda
   * action invokes the function asynchronously. The rule set is never activated here: an account
   * has one active rule set, and activating ours would silently switch off whatever receives mail
   * there today. `existingRuleSet` adds the rule to that one instead.
   */
  private buildInboundUnsubscribe(
    mailbox: string,
    existingRuleSet: string | undefined,
    stateful: StatefulResources,
    environment: Record<string, string>,
  ): InboundUnsubscribe {
    const deadLetterQueue = this.deadLetterQueue('InboundUnsubscribeDlq');
    const fn = new KawarabanFunction(this, 'InboundUnsubscribe', {
      entry: 'functions/inbound-unsubscribe.ts',
      description: 'kawaraban: unsubscribe readers who mail the List-Unsubscribe mailto (SES receiving)',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment,
      deadLetterQueue,
    }).bindSecret(stateful.unsubscribeSecret);
    // Narrower than bindTable(…, 'readwrite'): exactly what the unsubscribe use case does —
    // find the row by id (Query byId, then GetItem) and one conditional UpdateItem. No Put,
    // Delete or Scan, and nothing on the reports table.
    const table = stateful.subscribers.table;
    const byId = subscribersTable.indexes.find((i) => i.indexName === 'byId')!;
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${byId.indexName}`],
      }),
    );
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    // SES invokes with type Event: Lambda retries a failed run twice (the use case is
    // idempotent), then parks the event in the dead-letter queue, which alarms.
    fn.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });

    const ruleSet = existingRuleSet
      ? ses.ReceiptRuleSet.fromReceiptRuleSetName(this, 'InboundRuleSet', existingRuleSet)
      : new ses.ReceiptRuleSet(this, 'InboundRuleSet');
    const rule = ruleSet.addRule('UnsubscribeMailto', {
      recipients: [mailbox],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        new sesActions.Lambda({ function: fn.fn, invocationType: sesActions.LambdaInvocationType.EVENT }),
      ],
    });

    const mailDomain = mailbox.slice(mailbox.lastIndexOf('@') + 1);
    new CfnOutput(this, 'InboundRuleSetName', {
      value: ruleSet.receiptRuleSetName,
      description: 'SES receipt rule set holding the mailto: unsubscribe rule (not activated by the stack)',
    });
    new CfnOutput(this, 'InboundMxRecord', {
      value: `${mailDomain}. MX 10 inbound-smtp.${this.region}.amazonaws.com`,
      description: `DNS record that routes mail for ${mailbox} to SES receiving`,
    });
    if (!existingRuleSet) {
      new CfnOutput(this, 'InboundActivateCommand', {
        value: `aws ses set-active-receipt-rule-set --region ${this.region} --rule-set-name ${ruleSet.receiptRuleSetName}`,
        description: 'run once (this deactivates any other active rule set in the account and region)',
      });
    }
    return { fn, ruleSet, rule, deadLetterQueue };
  }

  private deadLetterQueue(id: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    return queue;
  }

  /**
   * The API under a domain of ours: links in emails then point at the sender's own domain, which
   * readers (and their filters) trust, rather than at an execute-api host, which looks like phishing.
   */
  private addApiDomain(domain: { name: string; certificateArn: string }, stage: apigwv2.HttpStage): void {
    const domainName = new apigwv2.DomainName(this, 'ApiDomain', {
      domainName: domain.name,
      certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', domain.certificateArn),
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    new apigwv2.ApiMapping(this, 'ApiMapping', { api: this.httpApi, domainName, stage });
    new CfnOutput(this, 'ApiDomainName', { value: domain.name, description: 'custom domain of the API' });
    new CfnOutput(this, 'ApiDomainTarget', {
      value: domainName.regionalDomainName,
      description: 'what its CNAME points at',
    });
    new CfnOutput(this, 'ApiDomainRecord', {
      description: `DNS record to publish for ${domain.name}`,
      value: `${domain.name}. CNAME ${domainName.regionalDomainName}`,
    });
  }

  private buildHttpApi(api: KawarabanFunction): apigwv2.HttpStage {
    const integration = new HttpLambdaIntegration('ApiIntegration', api.fn);
    const routes = httpRoutes.flatMap(([method, path]) =>
      this.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod[method]], integration }),
    );
    const archiveIntegration = new HttpLambdaIntegration('ArchiveIntegration', this.functions.archive.fn);
    const archiveRoutes = archivePaths.flatMap((path) =>
      this.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration: archiveIntegration }),
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

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
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
   * Two-person approval: a second editor's `approvals/<id>.json` triggers render too, which
   * schedules the report if the object's principal (attested by S3) is not the uploader's.
   */
  private wireApprovals(bucket: s3.IBucket, render: KawarabanFunction): void {
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(render.fn), {
      prefix: uploadPrefixes.approvals,
      suffix: uploadSuffix,
    });
  }

  /**
   * S3 notifications: editors' uploads under reports/ and drafts/ trigger render, whatever their
   * suffix, so that a `.JSON` or `.json.txt` upload gets a rejection notice instead of silence. The bucket is
   * imported here, so the notification resource lives in this stack; attaching it to the
   * stateful stack's bucket would make the two stacks depend on each other.
   */
  private wireUploads(bucket: s3.IBucket, render: KawarabanFunction): void {
    const destination = new s3n.LambdaDestination(render.fn);
    for (const prefix of [uploadPrefixes.reports, uploadPrefixes.drafts]) {
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix });
    }
    // CDK's singleton handler that writes the notification configuration onto the bucket.
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's built-in BucketNotificationsHandler (deploy-time only, writes the S3 notification configuration); its role is created by aws-cdk-lib with the basic logging policy.",
      });
    }
  }
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
