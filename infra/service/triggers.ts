/**
 * What starts the functions besides HTTP: editors' uploads (S3 notifications to render), the
 * dispatcher's one-minute tick, and SES's sending events of our configuration set (EventBridge).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { KawarabanFunction } from '../constructs/kawaraban-function.ts';
import { uploadPrefixes, uploadSuffix } from '../tables.ts';

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

/**
 * S3 notifications: editors' uploads under reports/ and drafts/ trigger render, whatever their
 * suffix, so that a `.JSON` or `.json.txt` upload gets a rejection notice instead of silence. The bucket is
 * imported into the service stack, so the notification resource lives there; attaching it to the
 * stateful stack's bucket would make the two stacks depend on each other.
 */
export function wireUploads(scope: Construct, bucket: s3.IBucket, render: KawarabanFunction): void {
  const destination = new s3n.LambdaDestination(render.fn);
  for (const prefix of [uploadPrefixes.reports, uploadPrefixes.drafts]) {
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix });
  }
  // CDK's singleton handler that writes the notification configuration onto the bucket.
  const handler = scope.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
  if (handler) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's built-in BucketNotificationsHandler (deploy-time only, writes the S3 notification configuration); its role is created by aws-cdk-lib with the basic logging policy.",
    });
  }
}

/**
 * Two-person approval: a second editor's `approvals/<id>.json` triggers render too, which
 * schedules the report if the object's principal (attested by S3) is not the uploader's.
 */
export function wireApprovals(bucket: s3.IBucket, render: KawarabanFunction): void {
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(render.fn), {
    prefix: uploadPrefixes.approvals,
    suffix: uploadSuffix,
  });
}

/** Ticks the dispatcher every minute. */
export function scheduleDispatch(scope: Construct, dispatch: KawarabanFunction): void {
  new events.Rule(scope, 'DispatchTick', {
    description: 'kawaraban: tick the dispatcher',
    schedule: events.Schedule.rate(Duration.minutes(1)),
    // A missed tick is harmless (the next one resumes from the cursor): drop stale ticks.
    targets: [
      new targets.LambdaFunction(dispatch.fn, { retryAttempts: 0, maxEventAge: Duration.seconds(60) }),
    ],
  });
  dispatch.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.seconds(60) });
}

/** SES's sending events of our configuration set to the ses-events function (retried, then parked in its DLQ). */
export function routeSesEvents(
  scope: Construct,
  sesEvents: KawarabanFunction,
  deadLetterQueue: sqs.IQueue,
  configurationSetName: string,
): void {
  new events.Rule(scope, 'SesEventsRule', {
    description: 'kawaraban: SES sending events of our configuration set',
    eventPattern: {
      source: ['aws.ses'],
      detailType: sesEventDetailTypes,
      // The default bus carries every configuration set's events in the account: only ours.
      detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
    },
    targets: [
      new targets.LambdaFunction(sesEvents.fn, {
        deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(24),
      }),
    ],
  });
}
