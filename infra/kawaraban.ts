/**
 * Builds the whole kawaraban deployment into an App: the stateful stack, the service stack
 * that receives its resources, and (for real synths) the cdk-nag AwsSolutions checks as a
 * validation plugin. app.ts and the infra tests both call this, so they test the same thing.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeployConfig, type DeployConfig } from './config.ts';
import { ServiceStack } from './service-stack.ts';
import { StatefulStack } from './stateful-stack.ts';

export const stackNames = { stateful: 'KawarabanStateful', service: 'KawarabanService' } as const;

export interface Kawaraban {
  config: DeployConfig;
  stateful: StatefulStack;
  service: ServiceStack;
}

export function buildKawaraban(app: App, opts: { nag?: boolean } = {}): Kawaraban {
  const config = readDeployConfig((key) => app.node.tryGetContext(key));
  // Account and region come from the CLI's credentials at deploy time; synth works without them.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const stateful = new StatefulStack(app, stackNames.stateful, {
    env,
    config,
    description: 'kawaraban newsletter: subscribers, reports, upload bucket, SES identity (retained data)',
    terminationProtection: true,
  });
  const service = new ServiceStack(app, stackNames.service, {
    env,
    config,
    stateful,
    description: 'kawaraban newsletter: functions, HTTP API, schedule, SES event handling, alarms',
  });
  // The bucket is referenced by name, not by token, so state the order explicitly.
  service.addStackDependency(stateful);
  Tags.of(app).add('app', 'kawaraban');

  if (opts.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { config, stateful, service };
}
