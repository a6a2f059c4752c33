/** What the stateful stack hands the service stack: its tables, bucket name, SES identity and key. */
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type { BoundTable } from '../constructs/table-grants.ts';

export interface StatefulResources {
  subscribers: BoundTable;
  reports: BoundTable;
  /** Deterministic (see uploadBucketName): resolves the same in both stacks, no cross-stack output. */
  uploadBucketName: string;
  identity: ses.IEmailIdentity;
  configurationSet: ses.IConfigurationSet;
  unsubscribeSecret: secretsmanager.ISecret;
}
