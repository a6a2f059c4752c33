/**
 * Lambda contexts for the handlers the local runtime invokes. On AWS each function runs in its
 * own process with its own Powertools logger; here they share one process and so one logger,
 * which keeps the last context it was given (functions/adapters/telemetry.ts adds it): a handler
 * invoked without a context would log as the function invoked before it (an API request as
 * kawaraban-dispatch). So every local invocation gets a context of its own function.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContext(name: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The handler as Lambda invokes function `name`: each call with a fresh context (its own request id). */
export function asFunction<E, R>(
  name: string,
  handler: (event: E, context: Context) => Promise<R>,
  timeoutMs = 30_000,
): (event: E) => Promise<R> {
  return (event) => handler(event, lambdaContext(name, timeoutMs));
}
