/**
 * The functions that send newsletters: the dispatcher, ticked every minute, and its workers, which
 * each send one part of a report when the dispatcher splits it (functions/dispatch-worker.ts;
 * README "Sending at the account's rate"). Both get the same sender's grants, and each may invoke
 * itself to chain a run when readers are left.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { DeployConfig } from '../config.ts';
import { TEMPLATE_PREFIX } from '../../functions/adapters/ses-template.ts';
import { KawarabanFunction } from '../constructs/kawaraban-function.ts';
import { uploadPrefixes } from '../tables.ts';
import { canaryEnvironment } from './function-settings.ts';
import type { StatefulResources } from './stateful-resources.ts';

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

export interface SendersProps {
  config: DeployConfig;
  stateful: StatefulResources;
  bucket: s3.IBucket;
  environment: Record<string, string>;
  sesSendResources: string[];
}

export function buildSenders(
  scope: Stack,
  { config, stateful, bucket, environment, sesSendResources }: SendersProps,
): { dispatch: KawarabanFunction; dispatchWorker: KawarabanFunction } {
  /** What a sender of newsletters needs: the dispatcher and its workers alike. */
  const asSender = (f: KawarabanFunction) =>
    f
      .bindTable(stateful.reports, 'readwrite')
      .bindTable(stateful.subscribers, 'read')
      .bindBucket(bucket, { read: [uploadPrefixes.rendered] })
      .bindSecret(stateful.unsubscribeSecret)
      .allowSendEmail(sesSendResources, { bulk: true })
      .allowNewsletterTemplates(
        scope.formatArn({ service: 'ses', resource: 'template', resourceName: `${TEMPLATE_PREFIX}*` }),
      )
      .allowWithoutResource(
        ['ses:GetAccount'],
        'ses:GetAccount (the send quota) has no resource-level permissions.',
      );
  const senderEnvironment = {
    ...environment,
    DISPATCH_BUDGET_MS: String(dispatchBudgetMs),
    LEASE_MARGIN_MS: String(leaseMarginMs),
    ...canaryEnvironment(config),
    // No X-Ray subsegment per SendEmail: the bundle carries no Tracer (infra/bundling.ts, sdkSubsegments, says why).
    POWERTOOLS_TRACE_ENABLED: 'false',
  };

  // The dispatcher starts one worker per part with an asynchronous invocation. Not reserved: the
  // dispatcher bounds the workers (SEND_MAX_WORKERS), and a new account has little to reserve.
  const dispatchWorker = asSender(
    new KawarabanFunction(scope, 'DispatchWorker', {
      entry: 'functions/dispatch-worker.ts',
      description:
        'kawaraban: send one part of a report (parallel fan-out), paced to its share of the SES quota',
      memorySize: 512,
      timeout: dispatchTimeout,
      environment: senderEnvironment,
    }),
  );
  // A failed or stale launch is not retried by Lambda: the next tick relaunches the part once its lease expires.
  dispatchWorker.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(5) });

  const dispatch = asSender(
    new KawarabanFunction(scope, 'Dispatch', {
      entry: 'functions/dispatch.ts',
      description: 'kawaraban: send due reports to confirmed subscribers, paced to the SES quota',
      memorySize: 512,
      timeout: dispatchTimeout,
      environment: { ...senderEnvironment, DISPATCH_WORKER_FUNCTION: dispatchWorker.fn.functionName },
      reservedConcurrentExecutions: 1,
    }),
  );
  // Named statements rather than grantInvoke, which adds "<arn>:*" (every version and alias).
  const invoke = (arn: string) =>
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [arn] });
  dispatch.role.addToPrincipalPolicy(invoke(dispatchWorker.fn.functionArn));
  // Chaining: each invokes itself when readers are left. A policy of its own, since a function's
  // default policy cannot name the function (the function depends on that policy).
  new iam.Policy(scope, 'DispatchChain', {
    roles: [dispatch.role],
    statements: [invoke(dispatch.fn.functionArn)],
  });
  new iam.Policy(scope, 'DispatchWorkerChain', {
    roles: [dispatchWorker.role],
    statements: [invoke(dispatchWorker.fn.functionArn)],
  });
  return { dispatch, dispatchWorker };
}
