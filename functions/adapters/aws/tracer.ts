/**
 * Powertools Tracer around the AWS clients: each DynamoDB, S3, SES and Secrets Manager call is an
 * X-Ray subsegment of the function's trace (tracing is Active on every function). Off outside
 * Lambda, and in the dispatcher (POWERTOOLS_TRACE_ENABLED=false there): one subsegment per
 * SendEmail costs CPU on every recipient and makes a ten-minute run a trace of tens of thousands
 * of subsegments nobody reads; its dashboard metrics say more (README, Telemetry).
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

// The SDK calls are captured as AWS subsegments; capturing raw HTTPS too would count them twice.
export const tracer = new Tracer({ captureHTTPsRequests: false });

export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
