/**
 * The local runtime runs every function in one process, with one Powertools logger: each
 * invocation must log its own function's Lambda context, not the one invoked before it (an API
 * request once logged as kawaraban-dispatch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../functions/adapters/logger.ts';
import { withTelemetry } from '../../functions/adapters/telemetry.ts';
import { asFunction, lambdaContext } from '../../local/lambda-context.ts';
import { captureLogs } from '../helpers/log-capture.ts';

const logs = captureLogs();
beforeAll(() => logs.start());
afterAll(() => logs.stop());

const handler = (message: string) =>
  withTelemetry(async (_event: unknown) => {
    logger.info(message);
    return message;
  });

const lineOf = (message: string) =>
  JSON.parse(
    logs
      .text()
      .split('\n')
      .find((l) => l.includes(`"message":"${message}"`))!,
  ) as Record<string, unknown>;

describe('local invocations', () => {
  it("log each function's own context, whatever ran before", async () => {
    await handler('tick')({}, lambdaContext('kawaraban-dispatch', 60_000));
    const api = asFunction('kawaraban-api', handler('request'));
    await api({});
    await api({});
    expect(lineOf('tick')).toMatchObject({ function_name: 'kawaraban-dispatch' });
    const requests = logs
      .text()
      .split('\n')
      .filter((l) => l.includes('"message":"request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(requests.map((r) => r.function_name)).toEqual(['kawaraban-api', 'kawaraban-api']);
    // A request id of its own per invocation, as Lambda gives.
    expect(new Set(requests.map((r) => r.function_request_id)).size).toBe(2);
  });
});
