/**
 * Lambda's Invoke over the lean transport (REST-JSON): `POST /2015-03-31/functions/<name>/invocations`
 * with the invocation type in `X-Amz-Invocation-Type`, with the SDK's standard retries (a throttled
 * asynchronous invocation is retried as the SDK retries it). Replaces @aws-sdk/client-lambda
 * (~33 KiB minified, plus the event-stream code it imports at load).
 */
import type { LambdaPort } from '../lambda-port.ts';
import { callAws } from './call.ts';
import { type RetryPolicy, standardRetry } from './retry.ts';
import { type AwsClientConfig, AwsEndpoint, type AwsService } from './signed-request.ts';

const LAMBDA: AwsService = { signingName: 'lambda', endpointEnv: 'LAMBDA', hostPrefix: 'lambda' };

export function leanLambda(config: AwsClientConfig = {}, retry: RetryPolicy = standardRetry): LambdaPort {
  const endpoint = new AwsEndpoint(LAMBDA, config);
  return {
    async invoke(input) {
      if (!input.FunctionName) throw new Error('Lambda Invoke: no function name');
      // A name, a partial or a full ARN: its colons are encoded, as the SDK encodes them.
      const path = `/2015-03-31/functions/${encodeURIComponent(input.FunctionName)}/invocations`;
      const headers = {
        'content-type': 'application/octet-stream',
        'x-amz-invocation-type': input.InvocationType ?? 'RequestResponse',
      };
      const body = Buffer.from(input.Payload ?? '');
      const request = { method: 'POST', path, headers, body, operation: 'Invoke' } as const;
      const res = await callAws(endpoint, request, retry);
      const functionError = res.headers['x-amz-function-error'];
      const version = res.headers['x-amz-executed-version'];
      return {
        StatusCode: res.status,
        FunctionError: typeof functionError === 'string' ? functionError : undefined,
        ExecutedVersion: typeof version === 'string' ? version : undefined,
        Payload: res.body,
      };
    },
  };
}
