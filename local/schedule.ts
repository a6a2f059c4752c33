/**
 * Ticks the dispatcher like the EventBridge rule does on AWS (there: rate(1 minute); here a
 * few seconds, so the demo is quick). Ticks never overlap, like reserved concurrency 1.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';

export type DispatchHandler = (event: ScheduledEvent, context?: Context) => Promise<unknown>;

export function scheduledEvent(now = new Date()): ScheduledEvent {
  return {
    version: '0',
    account: '000000000000',
    region: 'ap-northeast-1',
    detail: {},
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    id: randomUUID(),
    resources: ['arn:aws:events:ap-northeast-1:000000000000:rule/kawaraban-dispatch-local'],
  };
}

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

export interface Ticker {
  /** Runs one tick now (waits for a running one first). */
  tick(): Promise<unknown>;
  stop(): Promise<void>;
}

export function startTicker(
  handler: DispatchHandler,
  everyMs: number,
  onResult: (r: unknown) => void,
  timeoutMs = 60_000,
): Ticker {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const result = await handler(scheduledEvent(), lambdaContext('kawaraban-dispatch', timeoutMs));
        onResult(result);
        return result;
      } catch (err) {
        console.error('[dispatch] failed:', err instanceof Error ? err.message : err);
      }
    });
    return running;
  };
  const timer = setInterval(tick, everyMs);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
