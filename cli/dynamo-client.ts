/**
 * The functions' lean DynamoDB client (functions/adapters/aws/lean/dynamo.ts) for the CLI, made
 * after chooseTarget() has put the target's names, region and endpoints into process.env.
 * Lambda gives a function its keys in the environment; a person running the CLI against a
 * deployed stack may sign in with a profile, SSO or a role, so there the credentials come from
 * the SDK's own provider chain (the one its CloudFormation client uses). The local stack's
 * keys are in the environment (.local/env.json).
 */
import type { Dynamo } from '../functions/adapters/aws/lean/dynamo-port.ts';
import { currentTarget } from './target.ts';

export async function loadDynamo(): Promise<{ dynamo: Dynamo }> {
  const { leanDynamo } = await import('../functions/adapters/aws/lean/dynamo.ts');
  if (currentTarget()?.kind === 'local') return { dynamo: leanDynamo() };
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return { dynamo: leanDynamo({ credentials: defaultProvider() }) };
}
