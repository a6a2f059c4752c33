/**
 * The local runtime runs every function in one process, with one Powertools logger, and
 * invocations overlap: each must log its own function's Lambda context, not the one invoked
 * before it or alongside it (an API request once logged as kawaraban-dispatch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../functions/adapters/logger.ts';
import { withTelemetry } from '../../functions/adapters/telemetry.ts';
import { asFunction, separateInvocations } from '../../local/lambda-context.ts';
import { captureLogs } from '../helpers/log-capture.ts';

const logs = captureLogs();
const before = process.env.AWS_LAMBDA_MAX_CONCURRENCY;
beforeAll(async () => {
  await separateInvocations();
  logs.start();
});
afterAll(() => {
  logs.stop();
  if (before === undefined) delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  else process.env.AWS_LAMBDA_MAX_CONCURRENCY = before;
});

/** Logs `start`, waits for `gate`, then logs `end`: a handler that is still running while another starts. */
const handler = (message: string, gate: Promise<void>) =>
  withTelemetry(async (_event: unknown) => {
    logger.info(`${message} start`);
    await gate;
    logger.info(`${message} end`);
    return message;
  });

const lines = (message: string) =>
  logs
    .text()
    .split('\n')
    .filter((l) => l.includes(`"message":"${message}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('local invocations', () => {
  it("log each function's own context, while another runs and after it", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The dispatcher starts and waits; a request starts, ends; then the dispatcher ends.
    const tick = asFunction('kawaraban-dispatch', handler('tick', gate))({});
    const request = asFunction('kawaraban-api', handler('request', Promise.resolve()));
    await request({});
    open();
    await tick;
    await request({});

    expect(lines('tick start').map((l) => l.function_name)).toEqual(['kawaraban-dispatch']);
    expect(lines('tick end').map((l) => l.function_name)).toEqual(['kawaraban-dispatch']);
    const requests = [...lines('request start'), ...lines('request end')];
    expect(requests.map((l) => l.function_name)).toEqual(Array(4).fill('kawaraban-api'));
    // A request id of its own per invocation, as Lambda gives.
    expect(new Set(lines('request end').map((l) => l.function_request_id)).size).toBe(2);
  });
});
