/**
 * The one way kawaraban builds a Lambda function: every default (runtime, ARM64, local
 * esbuild bundling, log group with retention, X-Ray) is set here, and resources are bound
 * with `bindTable` / `bindBucket` / `bindSecret`, which set the environment variable and the
 * narrowest grant together so the two can never drift apart.
 */
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/adapters/metrics-namespace.ts';
import { functionNameOf } from '../bundling.ts';
import { functionBundling, functionRuntime, repoRoot } from './function-bundling.ts';
import { nagResource } from './nag-resource.ts';
import {
  type BoundTable,
  exactTableStatements,
  type ItemAction,
  type TableAccess,
  tableStatement,
} from './table-grants.ts';

export interface KawarabanFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/api.ts`. */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Settings every function reads through loadConfig() (names, sender block, …). */
  environment: Record<string, string>;
  reservedConcurrentExecutions?: number;
  /** Function-level DLQ for failed asynchronous invocations. */
  deadLetterQueue?: sqs.IQueue;
  logRetention?: logs.RetentionDays;
  /** Constants the bundle gets at build time, on top of NODE_ENV (see infra/bundling.ts). */
  define?: Record<string, string>;
}

export class KawarabanFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly unscopedReasons: string[] = [];

  constructor(scope: Construct, id: string, props: KawarabanFunctionProps) {
    super(scope, id);
    const name = functionNameOf(props.entry);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role without the AWSLambdaBasicExecutionRole managed policy: logs go to this
    // function's log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `kawaraban ${id} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${repoRoot}${props.entry}`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      description: props.description,
      runtime: functionRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: `kawaraban-${id.toLowerCase()}`,
        // Metrics (functions/adapters/metrics.ts): one namespace, the deployment as `service`, so
        // the dashboard and alarms (constructs/monitoring.ts) add up every function's counts.
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        KAWARABAN_METRICS_SERVICE: Stack.of(this).stackName,
        // Minified bundle + source map: stack traces point at the TypeScript source.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: functionBundling(name, props.define),
    });

    // X-Ray's actions are granted on "*" by CDK's tracing support.
    this.unscopedReasons.push(
      'xray:PutTraceSegments and xray:PutTelemetryRecords (tracing) have no resource-level permissions.',
    );
    this.acknowledgeUnscoped();
  }

  /** Sets the table's variable and grants read or read/write on the table and each of its indexes by name. */
  bindTable(binding: BoundTable, access: TableAccess): this {
    this.fn.addEnvironment(binding.envName, binding.table.tableName);
    this.role.addToPrincipalPolicy(tableStatement(binding, access));
    return this;
  }

  /**
   * Sets the table's variable and grants exactly the actions the function's code calls: `item`
   * on the table itself, and Query on the named indexes only. For the functions that face the
   * internet or SES's feedback, where bindTable's read/readwrite would add Scan, DeleteItem and
   * the batch actions that no code path of theirs needs.
   */
  bindTableExactly(binding: BoundTable, grant: { item: ItemAction[]; query?: string[] }): this {
    const statements = exactTableStatements(binding, grant);
    this.fn.addEnvironment(binding.envName, binding.table.tableName);
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    return this;
  }

  /**
   * Sets UPLOAD_BUCKET and grants GetObject (with ListBucket on the same prefixes) / PutObject under
   * the given key prefixes only.
   */
  bindBucket(bucket: s3.IBucket, access: { read?: string[]; write?: string[] }): this {
    this.fn.addEnvironment('UPLOAD_BUCKET', bucket.bucketName);
    const objects = (prefixes: string[]) => prefixes.map((p) => bucket.arnForObjects(`${p}*`));
    if (access.read?.length) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(access.read) }),
      );
      // Listing the same prefixes, and nothing else: without s3:ListBucket S3 answers a missing key
      // with 403 AccessDenied, not 404 NoSuchKey, and the functions treat NoSuchKey as an answer
      // (a report deleted before it was read, an archive page that does not exist, no entries yet).
      // S3 decides that 404 with the key as s3:prefix, so the condition keeps it to these prefixes.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': access.read.map((p) => `${p}*`) } },
        }),
      );
    }
    if (access.write?.length) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: objects(access.write) }),
      );
    }
    for (const prefix of [...(access.read ?? []), ...(access.write ?? [])]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(bucket.arnForObjects(`${prefix}*`), this)}]`,
        reason: `Objects under the "${prefix}" key prefix: a prefix is the narrowest S3 scope for keys named by editors.`,
      });
    }
    return this;
  }

  /** Sets UNSUBSCRIBE_SECRET_ARN and grants reading that one secret. */
  bindSecret(secret: secretsmanager.ISecret): this {
    this.fn.addEnvironment('UNSUBSCRIBE_SECRET_ARN', secret.secretArn);
    secret.grantRead(this.role);
    return this;
  }

  /** For the few APIs without resource-level permissions; `why` becomes part of the cdk-nag acknowledgement. */
  allowWithoutResource(actions: string[], why: string): this {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
    this.unscopedReasons.push(why);
    this.acknowledgeUnscoped();
    return this;
  }

  /** One acknowledgement per role, naming every action that needs Resource "*" (the latest one wins). */
  private acknowledgeUnscoped(): void {
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `Resource "*" only where the API allows nothing narrower: ${this.unscopedReasons.join(' ')}`,
    });
  }

  /**
   * The newsletters' SES templates (functions/adapters/ses-templates.ts): create one per rendered
   * part, send by it, delete it once the report is sent, on templates under kawaraban's prefix only.
   */
  allowNewsletterTemplates(templatesArn: string): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendBulkEmail', 'ses:CreateEmailTemplate', 'ses:DeleteEmailTemplate'],
        resources: [templatesArn],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(templatesArn, this)}]`,
      reason:
        'SES templates under the kawaraban- prefix: each is named by the hash of a rendered part when its report is sent, so no name is known at deploy time.',
    });
    return this;
  }

  /** ses:SendEmail (with `bulk`, ses:SendBulkEmail too: newsletters in groups) on exactly these identity / configuration-set ARNs. */
  allowSendEmail(resources: string[], opts: { bulk?: boolean } = {}): this {
    const actions = opts.bulk ? ['ses:SendEmail', 'ses:SendBulkEmail'] : ['ses:SendEmail'];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources }));
    return this;
  }
}
