/**
 * AWS's JSON RPC protocols (DynamoDB's awsJson1_0, Secrets Manager's awsJson1_1): every operation
 * is a POST of a JSON body to `/`, named in `X-Amz-Target`. With the SDK's standard retries.
 */
import { callAws, jsonBody } from './call.ts';
import { type RetryPolicy, standardRetry } from './retry.ts';
import type { AwsEndpoint } from './signed-request.ts';

export interface JsonRpcProtocol {
  /** `DynamoDB_20120810`, `secretsmanager`. */
  targetPrefix: string;
  /** `1.0` or `1.1`. */
  version: '1.0' | '1.1';
}

export type JsonRpcCall = <Out = Record<string, unknown>>(operation: string, input: unknown) => Promise<Out>;

export function jsonRpc(
  endpoint: AwsEndpoint,
  protocol: JsonRpcProtocol,
  retry: RetryPolicy = standardRetry,
): JsonRpcCall {
  const contentType = `application/x-amz-json-${protocol.version}`;
  return (operation, input) => {
    const body = Buffer.from(JSON.stringify(input ?? {}), 'utf8');
    const headers = { 'content-type': contentType, 'x-amz-target': `${protocol.targetPrefix}.${operation}` };
    const request = { method: 'POST', path: '/', headers, body, operation } as const;
    return callAws(endpoint, request, retry).then((res) => jsonBody(res));
  };
}
