/**
 * Ticks the dispatcher like the EventBridge rule does on AWS (there: rate(1 minute); here a
 * few seconds, so the demo is quick). Ticks never overlap, like reserved concurrency 1.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { invokeAs } from './lambda-context.ts';
import { singleFlight } from './single-flight.ts';

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

export interface Ticker {
  /** Runs one tick that starts after now (after the one under way, if any). */
  tick(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * A tick that finds the last one still running is skipped, not queued: EventBridge with
 * reserved concurrency 1 drops it too (throttled), and a queue would stack runs behind a slow one.
 */
export function startTicker(
  handler: DispatchHandler,
  everyMs: number,
  onResult: (r: unknown) => void,
  timeoutMs = 60_000,
): Ticker {
  let stopped = false;
  const run = singleFlight(async () => {
    if (stopped) return;
    try {
      const result = await invokeAs('kawaraban-dispatch', handler, scheduledEvent(), timeoutMs);
      onResult(result);
      return result;
    } catch (err) {
      console.error('[dispatch] failed:', err instanceof Error ? err.message : err);
    }
  });
  const timer = setInterval(() => run.whenIdle(), checkedTickMs(everyMs));
  return {
    tick: () => run.fresh(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await run.idle();
    },
  };
}

/** setInterval treats NaN, 0 and anything from 2^31 on as 1 ms: a typo would spin the dispatcher. */
export function checkedTickMs(ms: number, shown = String(ms), name = 'KAWARABAN_TICK_MS'): number {
  if (!Number.isInteger(ms) || ms < 100 || ms >= 2 ** 31) {
    throw new RangeError(
      `${name} は 100 以上 2147483647 以下のミリ秒（整数）にしてください（指定値: ${shown}） / ` +
        `${name} must be a whole number of milliseconds from 100 to 2147483647 (got "${shown}")`,
    );
  }
  return ms;
}

/** The tick from the environment (default 3 s), checked. */
export function tickMsFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.KAWARABAN_TICK_MS;
  if (raw === undefined || raw.trim() === '') return 3000;
  // Number('') is 0 and Number('1e3') 1000: only plain digits are a setting.
  return checkedTickMs(/^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN, raw);
}
