/**
 * Powertools Tracer around the AWS clients: each DynamoDB, S3, SES and Secrets Manager call is an
 * X-Ray subsegment of the function's trace. Only where it is worth its cost: the bundle decides at
 * build time (infra/bundling.ts, `sdkSubsegments`), and a function built without it carries neither
 * the Tracer nor aws-xray-sdk-core (~110 KiB with semver and cls-hooked, 55–120 ms to import) —
 * Lambda's active tracing still records each invocation and its cold start. Unbundled (tests, the
 * local runtime) the Tracer is loaded, and is off outside Lambda as always.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';

// A dynamic import under a build-time constant: esbuild drops the dead branch and the module with
// it, which a static import (the Tracer package declares side effects) would keep.
const tracer: Tracer | undefined =
  process.env.KAWARABAN_SDK_SUBSEGMENTS === 'off'
    ? undefined
    : // The SDK calls are captured as AWS subsegments; capturing raw HTTPS too would count them twice.
      new (await import('@aws-lambda-powertools/tracer')).Tracer({ captureHTTPsRequests: false });

export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/**
 * One lean client call (lean/signed-request.ts) as an X-Ray subsegment named after the service,
 * with the operation as an annotation: what `captureAWSv3Client` records for an SDK client.
 * Timing only: the subsegment is not made current, so calls in flight together do not nest.
 */
export async function tracedCall<T>(service: string, operation: string, call: () => Promise<T>): Promise<T> {
  const parent = tracer?.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return call();
  const sub = parent.addNewSubsegment(service);
  sub.namespace = 'aws';
  sub.addAnnotation('operation', operation);
  try {
    return await call();
  } catch (err) {
    sub.addError(err as Error);
    throw err;
  } finally {
    sub.close();
  }
}
