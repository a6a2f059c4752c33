/**
 * Everything that holds data or reputation: the two tables, the upload bucket, the SES identity
 * and configuration set, and the unsubscribe key. Nothing here changes with a service deploy;
 * tables, buckets, the key and the verified identity are retained even if the stack is deleted
 * (which termination protection makes deliberate).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';
import type { BoundTable } from './constructs/table-grants.ts';
import { reportsTable, subscribersTable, type KeyDef, type TableDef } from './tables.ts';

export interface StatefulStackProps extends StackProps {
  config: DeployConfig;
}

/** Every SES event the ses-events function (and the dashboard) cares about. */
export const publishedSesEvents = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.DELIVERY_DELAY,
  ses.EmailSendingEvent.RENDERING_FAILURE,
];

/**
 * The upload bucket's name is derived from account and region (one kawaraban per account and
 * region: the stack names are fixed too). The service stack computes the same string from its
 * own pseudo parameters instead of importing the bucket, so its S3 grants read as plain ARNs.
 */
export function uploadBucketName(stack: Stack): string {
  return `kawaraban-uploads-${stack.account}-${stack.region}`;
}

export class StatefulStack extends Stack {
  readonly subscribers: BoundTable;
  readonly reports: BoundTable;
  readonly bucket: s3.Bucket;
  readonly uploadBucketName: string;
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly unsubscribeSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.subscribers = {
      table: this.buildTable(subscribersTable),
      def: subscribersTable,
      envName: 'SUBSCRIBERS_TABLE',
    };
    this.reports = { table: this.buildTable(reportsTable), def: reportsTable, envName: 'REPORTS_TABLE' };
    this.uploadBucketName = uploadBucketName(this);
    this.bucket = this.buildBucket();

    // SES: the sending domain (Easy DKIM; publish the three CNAMEs from the outputs) and one
    // configuration set whose events go to the default EventBridge bus.
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(
        events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      ),
      events: publishedSesEvents,
    });
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(config.domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      configurationSet: this.configurationSet,
      // SPF then passes for a domain aligned with From (DMARC by SPF as well as DKIM), as the
      // large mailbox providers ask of bulk senders. Until its MX is published SES falls back to
      // its own MAIL FROM rather than stop sending.
      ...(config.mailFromDomain
        ? {
            mailFromDomain: config.mailFromDomain,
            mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
          }
        : {}),
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // The unsubscribe HMAC keyring (functions/core/unsubscribe-keys.ts). Never rotated by Secrets
    // Manager, which would replace the value and break every List-Unsubscribe link already
    // delivered (RFC 8058, 特定電子メール法): `kawaraban secrets rotate` adds a key and keeps the old ones.
    this.unsubscribeSecret = new secretsmanager.Secret(this, 'UnsubscribeKey', {
      description:
        'kawaraban: HMAC keys for unsubscribe tokens. Rotate only with `kawaraban secrets rotate` (keeps old keys).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.unsubscribeSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Automatic rotation would replace the unsubscribe key and break the link in every email already sent; `kawaraban secrets rotate` adds a key and keeps the old ones verifying (README, Key rotation).',
    });

    new CfnOutput(this, 'UploadBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'SubscribersTableName', { value: this.subscribers.table.tableName });
    new CfnOutput(this, 'ReportsTableName', { value: this.reports.table.tableName });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.configurationSet.configurationSetName });
    // Read by the CLI (`kawaraban --stack`, cli/target.ts) by these keys: no exports, so nothing
    // else can come to depend on them and block a change.
    new CfnOutput(this, 'UnsubscribeSecretArn', { value: this.unsubscribeSecret.secretArn });
    new CfnOutput(this, 'SendingDomain', {
      value: config.domain,
      description: 'SES identity of the From address',
    });
    this.identity.dkimRecords.forEach((r, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `DKIM CNAME ${i + 1} of 3 to publish in the DNS of ${config.domain}`,
        value: `${r.name} CNAME ${r.value}`,
      });
    });
    if (config.mailFromDomain) {
      new CfnOutput(this, 'MailFromDomain', {
        value: config.mailFromDomain,
        description: 'custom MAIL FROM domain',
      });
      new CfnOutput(this, 'MailFromMxRecord', {
        description: 'MX record of the MAIL FROM domain (bounces come back to SES through it)',
        value: `${config.mailFromDomain}. MX 10 feedback-smtp.${this.region}.amazonses.com`,
      });
      new CfnOutput(this, 'MailFromSpfRecord', {
        description: 'SPF record of the MAIL FROM domain',
        value: `${config.mailFromDomain}. TXT "v=spf1 include:amazonses.com ~all"`,
      });
    }
    new CfnOutput(this, 'DmarcRecord', {
      description: `A DMARC policy to start with for ${config.domain} (if it has none): watch the reports, then tighten p= to quarantine`,
      value: `_dmarc.${config.domain}. TXT "v=DMARC1; p=none; rua=mailto:${config.alarmEmail ?? `dmarc@${config.domain}`}"`,
    });
  }

  private buildTable(def: TableDef): dynamodb.Table {
    const key = (k: KeyDef): dynamodb.Attribute => ({
      name: k.name,
      type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
    });
    const table = new dynamodb.Table(this, `${def.id}Table`, {
      partitionKey: key(def.partitionKey),
      sortKey: def.sortKey ? key(def.sortKey) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: def.timeToLiveAttribute,
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: key(index.partitionKey),
        sortKey: index.sortKey ? key(index.sortKey) : undefined,
        projectionType:
          index.projection === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
    return table;
  }

  private buildBucket(): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });
    // Editors upload reports here; the render function writes rendered output under rendered/.
    // Versioned so an overwritten report stays recoverable; old versions expire.
    return new s3.Bucket(this, 'UploadBucket', {
      bucketName: this.uploadBucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      lifecycleRules: [
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }
}
