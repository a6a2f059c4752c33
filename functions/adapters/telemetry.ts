/**
 * What every handler does around its work, in one place: the logger learns the Lambda context
 * (function, request id, cold start) so every line carries it; the first invocation of an
 * instance counts a ColdStart metric; counted metrics are flushed when the invocation ends,
 * whatever its outcome.
 */
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

let coldStart = true;

export function withTelemetry<E, R>(
  handler: (event: E, context?: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    if (coldStart) {
      coldStart = false;
      if (context?.functionName) metrics.powertools.captureColdStartMetric(context.functionName);
    }
    try {
      return await handler(event, context);
    } finally {
      metrics.flush();
    }
  };
}
