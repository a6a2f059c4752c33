/**
 * Builds the whole kawaraban deployment into an App: the stateful stack, the service stack
 * that receives its resources, and (for real synths) the cdk-nag AwsSolutions checks as a
 * validation plugin. app.ts and the infra tests both call this, so they test the same thing.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeployConfigError, readDeployConfig, type DeployConfig } from './config.ts';
import { EdgeStack } from './edge-stack.ts';
import { ServiceStack } from './service-stack.ts';
import { StatefulStack } from './stateful-stack.ts';

export const stackNames = {
  stateful: 'KawarabanStateful',
  service: 'KawarabanService',
  edge: 'KawarabanEdge',
} as const;

export interface Kawaraban {
  config: DeployConfig;
  stateful: StatefulStack;
  service: ServiceStack;
  /** Only with edgeWaf: the WebACL in us-east-1. */
  edge: EdgeStack | undefined;
}

export function buildKawaraban(
  app: App,
  opts: { nag?: boolean; env?: { account?: string; region?: string } } = {},
): Kawaraban {
  const config = readDeployConfig((key) => app.node.tryGetContext(key));
  // Account and region come from the CLI's credentials at deploy time; synth works without them.
  const env = opts.env ?? {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };
  const edge = config.edge ? buildEdgeStack(app, env) : undefined;

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
    ...(edge ? { edgeWebAclArn: edge.webAcl.webAcl.attrArn, crossRegionReferences: true } : {}),
  });
  // The bucket is referenced by name, not by token, so state the order explicitly.
  service.addStackDependency(stateful);
  Tags.of(app).add('app', 'kawaraban');

  if (opts.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { config, stateful, service, edge };
}

/** The us-east-1 WebACL stack; a cross-region reference needs the service stack's region at synth. */
function buildEdgeStack(app: App, env: { account?: string; region?: string }): EdgeStack {
  if (!env.region) {
    throw new DeployConfigError(
      'kawaraban: -c edgeWaf=true needs the stack region at synth time (its WebACL lives in us-east-1 and is referenced across regions): ' +
        'run with AWS credentials that name a region, or set CDK_DEFAULT_REGION (and CDK_DEFAULT_ACCOUNT) for an offline synth.',
    );
  }
  return new EdgeStack(app, stackNames.edge, {
    env: { account: env.account, region: 'us-east-1' },
    description:
      'kawaraban newsletter: WAF WebACL for the CloudFront edge in front of the HTTP API (CloudFront WebACLs live in us-east-1)',
  });
}
