/**
 * The service stack's functions and what each may touch: the HTTP API's, render, the senders
 * (senders.ts), ses-events and the web archive. Each grant is the narrowest its code needs
 * (stated in test/infra/stacks.test.ts).
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { DEFAULT_CONFIRM_TTL_HOURS } from '../../functions/core/config.ts';
import type { DeployConfig } from '../config.ts';
import { confirmationTemplatesDefine } from '../confirmation-templates.ts';
import { deadLetterQueue } from '../constructs/dead-letter-queue.ts';
import type { EdgeDistribution } from '../constructs/edge-waf.ts';
import { KawarabanFunction } from '../constructs/kawaraban-function.ts';
import { nagResource } from '../constructs/nag-resource.ts';
import type { ItemAction } from '../constructs/table-grants.ts';
import { uploadPrefixes } from '../tables.ts';
import { everyIdentityArn, sesSendResources } from './function-settings.ts';
import { buildSenders } from './senders.ts';
import type { StatefulResources } from './stateful-resources.ts';

/** The DynamoDB actions each least-privileged function calls (stated in test/infra/stacks.test.ts). */
export const apiSubscriberActions: ItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
export const sesEventsActions: ItemAction[] = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

export interface ServiceFunctions {
  api: KawarabanFunction;
  render: KawarabanFunction;
  dispatch: KawarabanFunction;
  /** Sends one part of a report when the dispatcher splits it among parallel workers. */
  dispatchWorker: KawarabanFunction;
  sesEvents: KawarabanFunction;
  archive: KawarabanFunction;
  renderDlq: sqs.Queue;
  sesEventsDlq: sqs.Queue;
}

export interface ServiceFunctionsProps {
  config: DeployConfig;
  stateful: StatefulResources;
  bucket: s3.IBucket;
  environment: Record<string, string>;
  /** Only with edgeWaf: the api function checks CloudFront's origin secret. */
  edge: EdgeDistribution | undefined;
}

export function buildFunctions(scope: Stack, props: ServiceFunctionsProps): ServiceFunctions {
  const { config, stateful, bucket, environment } = props;
  const sendAs = sesSendResources(scope, config, stateful);
  const renderDlq = deadLetterQueue(scope, 'RenderDlq');
  const sesEventsDlq = deadLetterQueue(scope, 'SesEventsDlq');

  const api = new KawarabanFunction(scope, 'Api', {
    entry: 'functions/api.ts',
    description: 'kawaraban HTTP API: subscribe, confirm, unsubscribe pages',
    memorySize: 512,
    timeout: Duration.seconds(10),
    environment,
    // The confirmation email rendered ahead (no React in this function); only a bundled synth renders it.
    define: Stack.of(scope).bundlingRequired
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
    .allowSendEmail(sendAs);
  props.edge?.trustedBy(api);

  const render = new KawarabanFunction(scope, 'Render', {
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
    .allowSendEmail(sendAs);

  const { dispatch, dispatchWorker } = buildSenders(scope, {
    config,
    stateful,
    bucket,
    environment,
    sesSendResources: sendAs,
  });

  const sesEvents = new KawarabanFunction(scope, 'SesEvents', {
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
  const archive = new KawarabanFunction(scope, 'Archive', {
    entry: 'functions/archive-site.ts',
    description: 'kawaraban: the public web archive of sent reports and its Atom feed',
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment,
  }).bindBucket(bucket, { read: [uploadPrefixes.archive] });
  for (const sender of [dispatch, dispatchWorker]) {
    sender.bindBucket(bucket, { write: [uploadPrefixes.archive], read: [uploadPrefixes.archive] });
  }

  if (config.sesSandbox) {
    // Named as cdk-nag names it: with the region (and account) known at synth, the ARN carries them.
    const id = `AwsSolutions-IAM5[Resource::${nagResource(everyIdentityArn(scope), scope)}]`;
    for (const f of [api, render, dispatch, dispatchWorker]) {
      Validations.of(f.role).acknowledge({
        id,
        reason:
          'Sandbox only (context sesSandbox=true): SES also authorises every recipient identity while the account is in the sandbox.',
      });
    }
  }
  return { api, render, dispatch, dispatchWorker, sesEvents, archive, renderDlq, sesEventsDlq };
}
