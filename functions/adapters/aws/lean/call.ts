/**
 * One call to an AWS service, as every lean client makes it: the signed request sent under the
 * retry policy, and an answer of 300 or more thrown as the error it names (errors.ts), counted
 * with the attempts it took.
 */
import { errorFromResponse } from './errors.ts';
import { type RetryPolicy, withRetries } from './retry.ts';
import type { AwsEndpoint, AwsResponse, SignedRequest } from './signed-request.ts';

export function callAws(
  endpoint: AwsEndpoint,
  request: SignedRequest,
  retry: RetryPolicy,
): Promise<AwsResponse> {
  return withRetries(retry, async (attempt) => {
    const res = await endpoint.send(request);
    if (res.status >= 300) throw errorFromResponse(res.status, res.headers, res.body, attempt);
    return res;
  });
}

/** A JSON answer's body (an empty one is an empty object). */
export function jsonBody<T>(res: AwsResponse): T {
  return (res.body.length ? JSON.parse(res.body.toString('utf8')) : {}) as T;
}
