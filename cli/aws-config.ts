/**
 * How the CLI configures the lean AWS clients of functions/adapters/aws/lean (the same clients the
 * functions use): credentials from the SDK's provider chain, so a profile, SSO or a role works as
 * it did with the SDK clients (the chain reads the environment first, where the local stack's
 * keys are). Endpoints and region stay in process.env, where chooseTarget() puts them.
 */
import type { AwsClientConfig } from '../functions/adapters/aws/lean/signed-request.ts';

let config: AwsClientConfig | undefined;

export async function cliAwsConfig(): Promise<AwsClientConfig> {
  if (!config) {
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
    // Memoized by the provider: one resolution per run, refreshed before it expires.
    config = { credentials: defaultProvider() };
  }
  return config;
}

/** The lean S3 client for this run (after chooseTarget()). */
export async function cliS3() {
  const { leanS3 } = await import('../functions/adapters/aws/lean/s3.ts');
  return leanS3(await cliAwsConfig());
}

/** The lean DynamoDB client for this run (after chooseTarget()). */
export async function cliDynamo() {
  const { leanDynamo } = await import('../functions/adapters/aws/lean/dynamo.ts');
  return leanDynamo(await cliAwsConfig());
}
