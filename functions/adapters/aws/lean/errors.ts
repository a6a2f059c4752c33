/**
 * An AWS service error as the SDK shapes it, so callers keep testing `err.name` and
 * `err.$metadata.httpStatusCode` whichever client threw: the code as `name`, the HTTP status,
 * the request id, and the error's own members (DynamoDB's `CancellationReasons`, for one).
 */
export interface AwsErrorMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts: number;
}

export class AwsError extends Error {
  readonly $metadata: AwsErrorMetadata;
  readonly $fault: 'client' | 'server';
  [member: string]: unknown;

  constructor(
    name: string,
    message: string,
    metadata: AwsErrorMetadata,
    members: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, members);
    this.name = name;
    this.$metadata = metadata;
    this.$fault = (metadata.httpStatusCode ?? 500) >= 500 ? 'server' : 'client';
  }
}

/** The code after a JSON protocol's namespace (`com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`) or type suffix. */
function sanitizeCode(raw: string): string {
  return raw.split(':')[0]!.split('#').pop()!.trim();
}

/**
 * The error an AWS answer carries: JSON protocols name it in the `x-amzn-errortype` header or the
 * body's `__type`/`code`; S3 in an XML `<Code>`; a HEAD or an empty body only by its status.
 */
export function errorFromResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  attempts: number,
): AwsError {
  const requestId = (headers['x-amzn-requestid'] ?? headers['x-amz-request-id']) as string | undefined;
  const metadata = { httpStatusCode: status, requestId, attempts };
  const text = body.toString('utf8');
  let members: Record<string, unknown> = {};
  let code = typeof headers['x-amzn-errortype'] === 'string' ? headers['x-amzn-errortype'] : '';
  if (text.startsWith('{')) {
    try {
      members = JSON.parse(text) as Record<string, unknown>;
    } catch {
      members = {};
    }
    code ||= String(members.__type ?? members.code ?? members.Code ?? '');
  } else if (text.includes('<Code>')) {
    code ||= /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '';
    members = { Message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] };
  }
  const name = code ? sanitizeCode(code) : status === 404 ? 'NotFound' : `Http${status}`;
  const message = String(members.message ?? members.Message ?? (name || `HTTP ${status}`));
  delete members.__type;
  delete members.message;
  return new AwsError(name, message, metadata, members);
}

/** Codes AWS answers when the caller goes too fast: retried with a longer backoff (the SDK's list). */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
/** Codes of a transient fault on AWS's side (the SDK's list); 5xx answers count too. */
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalError']);
/** Socket errors worth one more attempt (the SDK's list, plus a refused or reset connection). */
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

export function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: AwsErrorMetadata };
  return THROTTLING.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429;
}

export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: AwsErrorMetadata };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT.has(e.name ?? '') || NETWORK.has(e.code ?? '') || [500, 502, 503, 504].includes(status);
}
