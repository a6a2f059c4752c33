/**
 * Lambda contexts for the handlers the local runtime invokes. On AWS each function runs in its
 * own process with its own Powertools logger; here they share one process and so one logger, and
 * invocations overlap (a request arrives while the dispatcher runs). So every local invocation gets
 * a context of its own function, and runs inside the Lambda runtime's invocation store
 * (`@aws/lambda-invoke-store`, as on a Lambda that runs invocations concurrently), where Powertools
 * keeps the logger's Lambda context per invocation: a request then never logs as the dispatcher.
 */
import { randomUUID } from 'node:crypto';
import { InvokeStore } from '@aws/lambda-invoke-store';
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

/**
 * Makes overlapping invocations keep their own logger state (call once, before any handler runs
 * and before any AWS SDK call: the SDK's first request sets the store up for one invocation at a time):
 * Powertools scopes it per invocation when AWS_LAMBDA_MAX_CONCURRENCY is set and the runtime's
 * invocation store is there, as Lambda sets both up for a function that runs invocations concurrently.
 */
export async function separateInvocations(maxConcurrency = 10): Promise<void> {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= String(maxConcurrency);
  await InvokeStore.getInstanceAsync(true);
}

/** Invokes `handler` as function `name` once: a fresh context, inside its own invocation scope when there is one. */
export function invokeAs<E, R>(
  name: string,
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  timeoutMs = 30_000,
): Promise<R> {
  const context = lambdaContext(name, timeoutMs);
  const store = globalThis.awslambda?.InvokeStore;
  if (!store) return handler(event, context);
  return store.run({ [REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
}

/** The invocation store's key for the request id (InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID). */
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

/** The handler as Lambda invokes function `name`: each call as invokeAs. */
export function asFunction<E, R>(
  name: string,
  handler: (event: E, context: Context) => Promise<R>,
  timeoutMs = 30_000,
): (event: E) => Promise<R> {
  return (event) => invokeAs(name, handler, event, timeoutMs);
}
