/**
 * The lean Lambda Invoke (functions/adapters/aws/lean/lambda.ts) and the worker launcher over it,
 * against a loopback stub (no Lambda emulator exists): the path, headers and payload Lambda expects,
 * a signature the SDK's own signer agrees with, and throttles and refusals shaped like the SDK's.
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../functions/adapters/aws/lean/errors.ts';
import { leanLambda } from '../../functions/adapters/aws/lean/lambda.ts';
import { invokeSelf, lambdaLauncher } from '../../functions/adapters/worker-launcher.ts';
import type { PartTask } from '../../functions/core/use-cases/fan-out-ports.ts';
import { awsStub, type StubAnswer } from '../helpers/aws-stub.ts';
import { checkSignature } from '../helpers/sigv4-check.ts';

type Answer = StubAnswer;

const lambdaStub = (answers: Answer[]) => awsStub(answers, (n) => ({ 'x-amzn-requestid': `req-${n}` }));

const SECRET = 'lean-lambda-test-secret';
const noWait = { maxAttempts: 3, sleep: async () => {}, random: () => 0.5 };
const client = (url: string) =>
  leanLambda(
    {
      endpoint: url,
      region: 'ap-northeast-1',
      credentials: () => ({ accessKeyId: 'AKIDLEANLAMBDA', secretAccessKey: SECRET, sessionToken: 'tok' }),
    },
    noWait,
  );
const queued: Answer = { status: 202 };
/** Lambda's answer to an invocation over the function's reserved concurrency (as the service sends it). */
const throttled: Answer = {
  status: 429,
  headers: {
    'content-type': 'application/json',
    'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.coral.service/',
  },
  body: JSON.stringify({
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    Type: 'User',
    message: 'Rate Exceeded.',
  }),
};

describe('lean Lambda Invoke (loopback stub)', () => {
  it('launches a worker: an Event invocation of the worker function with the task as JSON, signed for lambda', async () => {
    const { url, seen } = await lambdaStub([queued]);
    const task: PartTask = {
      kind: 'kawaraban.send-part',
      reportId: '2020-09-18-cashless',
      part: 3,
    } as PartTask;
    await lambdaLauncher(client(url), 'kawaraban-dispatch-worker').launch(task);
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/2015-03-31/functions/kawaraban-dispatch-worker/invocations');
    expect(req.headers['x-amz-invocation-type']).toBe('Event');
    expect(req.headers['x-amz-security-token']).toBe('tok');
    expect(JSON.parse(req.body.toString('utf8'))).toEqual(task);
    const check = await checkSignature(req, SECRET);
    expect(check).toMatchObject({ service: 'lambda', region: 'ap-northeast-1', valid: true });
    expect(check.signedHeaders).toContain('x-amz-invocation-type');
    expect((await checkSignature(req, 'another-secret')).valid).toBe(false);
  });

  it('names a function by ARN with its colons encoded, and signs the path as Lambda checks it (encoded twice)', async () => {
    const { url, seen } = await lambdaStub([queued]);
    const arn = 'arn:aws:lambda:ap-northeast-1:123456789012:function:kawaraban-dispatch-worker';
    const out = await client(url).invoke({ FunctionName: arn, InvocationType: 'Event', Payload: '{}' });
    expect(out.StatusCode).toBe(202);
    expect(seen[0]!.url).toBe(`/2015-03-31/functions/${arn.replaceAll(':', '%3A')}/invocations`);
    expect((await checkSignature(seen[0]!, SECRET)).valid).toBe(true);
  });

  it('chains a run: invokeSelf invokes the function this process runs as, with the same event', async () => {
    const { url, seen } = await lambdaStub([queued]);
    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'kawaraban-dispatch';
    try {
      await invokeSelf(client(url), { 'detail-type': 'Scheduled Event', id: 'e-1' });
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
    }
    expect(seen[0]!.url).toBe('/2015-03-31/functions/kawaraban-dispatch/invocations');
    expect(seen[0]!.headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(seen[0]!.body.toString('utf8'))).toEqual({
      'detail-type': 'Scheduled Event',
      id: 'e-1',
    });
  });

  it('retries a throttle, as the SDK does, and succeeds when Lambda takes the invocation', async () => {
    const { url, seen } = await lambdaStub([throttled, queued]);
    const out = await client(url).invoke({ FunctionName: 'w', InvocationType: 'Event', Payload: '{"a":1}' });
    expect(out.StatusCode).toBe(202);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.body.toString('utf8')).toBe('{"a":1}');
  });

  it('throws a throttle that lasts as the SDK shapes it: name, message, Reason, status, attempts', async () => {
    const { url, seen } = await lambdaStub([throttled]);
    const err = await client(url)
      .invoke({ FunctionName: 'w', InvocationType: 'Event', Payload: '{}' })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      name: 'TooManyRequestsException',
      message: 'Rate Exceeded.',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      Type: 'User',
      $fault: 'client',
      $metadata: { httpStatusCode: 429, attempts: 3, requestId: 'req-3' },
    });
  });

  it('does not retry a refusal (a missing function)', async () => {
    const { url, seen } = await lambdaStub([
      {
        status: 404,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
        body: JSON.stringify({ Type: 'User', Message: 'Function not found: arn:aws:lambda:…:function:w' }),
      },
    ]);
    const err = await client(url)
      .invoke({ FunctionName: 'w', InvocationType: 'Event' })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:…:function:w',
      $metadata: { httpStatusCode: 404, attempts: 1 },
    });
  });

  it('returns a synchronous invocation’s function error in the output, as the SDK does (not thrown)', async () => {
    const { url } = await lambdaStub([
      {
        status: 200,
        headers: { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
        body: '{"errorType":"Error","errorMessage":"boom"}',
      },
    ]);
    const out = await client(url).invoke({ FunctionName: 'w', Payload: '{}' });
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    expect(JSON.parse(Buffer.from(out.Payload).toString('utf8'))).toEqual({
      errorType: 'Error',
      errorMessage: 'boom',
    });
  });

  it('refuses an empty function name before sending', async () => {
    await expect(client('http://127.0.0.1:9').invoke({ FunctionName: '' })).rejects.toThrow(
      /no function name/,
    );
  });
});
