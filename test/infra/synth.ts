/**
 * Builds the kawaraban app for assertions: the example context from cdk.json, bundling skipped
 * (`aws:cdk:bundling-stacks: []`) and aws-cdk-lib's template validation off, so a synth takes
 * well under a second.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildKawaraban, type Kawaraban } from '../../infra/kawaraban.ts';

export function exampleContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface Synth extends Kawaraban {
  app: App;
  statefulTemplate: Template;
  serviceTemplate: Template;
  /** Only with edgeWaf. */
  edgeTemplate: Template | undefined;
}

/** An explicit environment, as the CLI's credentials give at deploy time (edgeWaf needs a region). */
export const deployEnv = { account: '123456789012', region: 'ap-northeast-1' } as const;

export function synthKawaraban(
  context: Record<string, unknown> = {},
  opts: { nag?: boolean; outdir?: string; env?: { account?: string; region?: string } } = {},
): Synth {
  process.env.CDK_VALIDATION = 'false';
  const app = new App({
    outdir: opts.outdir,
    context: { ...exampleContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
  const built = buildKawaraban(app, { nag: opts.nag, env: opts.env });
  if (opts.nag)
    return {
      app,
      ...built,
      statefulTemplate: undefined!,
      serviceTemplate: undefined!,
      edgeTemplate: undefined,
    };
  return {
    app,
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    serviceTemplate: Template.fromStack(built.service),
    edgeTemplate: built.edge ? Template.fromStack(built.edge) : undefined,
  };
}

export function logicalId(c: IConstruct): string {
  const child = c.node.defaultChild ?? c;
  return Stack.of(c).getLogicalId(child as never);
}

export type Statement = {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: Record<string, Record<string, unknown>>;
};

/** Every Allow statement of the IAM policies attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => s.Effect === 'Allow');
}

export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** (action, resource) pairs of a role; resources kept as JSON so tests can look for a logical id. */
export function grantsOfRole(
  template: Template,
  roleLogicalId: string,
): { action: string; resource: string }[] {
  return statementsOfRole(template, roleLogicalId).flatMap((s) =>
    asArray(s.Action).flatMap((action) =>
      asArray(s.Resource).map((r) => ({ action, resource: typeof r === 'string' ? r : JSON.stringify(r) })),
    ),
  );
}
