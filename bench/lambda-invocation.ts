/** What a bench hands the dispatch handler: EventBridge's scheduled event (the real sample) and a Lambda context. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, ScheduledEvent } from 'aws-lambda';

export const scheduledEvent = JSON.parse(
  readFileSync(
    new URL('../test/fixtures/aws-events/eventbridge-scheduled-event__lambda-docs.json', import.meta.url),
    'utf8',
  ),
) as ScheduledEvent;

/** A Lambda context whose remaining time starts at `timeoutMs`. */
export function benchContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'kawaraban-dispatch-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:kawaraban-dispatch-bench',
    memoryLimitInMB: '512',
    awsRequestId: randomBytes(16).toString('hex'),
    logGroupName: '/aws/lambda/kawaraban-dispatch-bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
