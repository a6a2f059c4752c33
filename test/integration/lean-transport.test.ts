/**
 * The lean clients' transport (functions/adapters/aws/lean): signed requests that DynamoDB Local
 * accepts, errors shaped like the SDK's, the SDK's retry rules, and the hook that runs just before
 * a request is written.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AwsError,
  errorFromResponse,
  isThrottling,
  isTransient,
} from '../../functions/adapters/aws/lean/errors.ts';
import { jsonRpc } from '../../functions/adapters/aws/lean/json-rpc.ts';
import { withRetries } from '../../functions/adapters/aws/lean/retry.ts';
import { AwsEndpoint, type AwsService } from '../../functions/adapters/aws/lean/signed-request.ts';

const dynamodb: AwsService = { signingName: 'dynamodb', endpointEnv: 'DYNAMODB', hostPrefix: 'dynamodb' };
const protocol = { targetPrefix: 'DynamoDB_20120810', version: '1.0' } as const;

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A loopback server that answers each request with `answer(n)`, recording what arrived and when the hook ran. */
async function stubServer(
  answer: (
    n: number,
    req: http.IncomingMessage,
  ) => { status: number; body: string; headers?: Record<string, string> },
) {
  const arrivals: { n: number; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = arrivals.length + 1;
      arrivals.push({ n, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(n, req);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

const noWait = { sleep: async () => {}, random: () => 0.5 };

describe('lean transport against DynamoDB Local', () => {
  it('signs requests DynamoDB Local accepts, with the endpoint from AWS_ENDPOINT_URL_DYNAMODB', async () => {
    const call = jsonRpc(new AwsEndpoint(dynamodb), protocol);
    const out = await call<{ TableNames: string[] }>('ListTables', {});
    expect(Array.isArray(out.TableNames)).toBe(true);
  });

  it('throws an error named like the SDK names it, with the status and no retry for a refusal', async () => {
    const call = jsonRpc(new AwsEndpoint(dynamodb), protocol);
    const err = await call('DescribeTable', { TableName: 'no-such-table-here' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400, attempts: 1 },
      $fault: 'client',
    });
  });

  it('names a missing region or missing credentials in one line instead of sending', async () => {
    const ep = new AwsEndpoint(dynamodb, {
      region: 'ap-northeast-1',
      credentials: () => {
        throw new Error('no credentials here');
      },
    });
    await expect(jsonRpc(ep, protocol)('ListTables', {})).rejects.toThrow('no credentials here');
    const saved = process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      await expect(jsonRpc(new AwsEndpoint(dynamodb), protocol)('ListTables', {})).rejects.toThrow(
        /AWS_ACCESS_KEY_ID/,
      );
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved;
    }
  });
});

describe('lean transport on a loopback stub', () => {
  it('retries throttling and 5xx up to three attempts, then throws the last error with its attempt count', async () => {
    const stub = await stubServer(() => ({
      status: 400,
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'slow down',
      }),
    }));
    const call = jsonRpc(new AwsEndpoint(dynamodb, { endpoint: stub.url }), protocol, {
      maxAttempts: 3,
      ...noWait,
    });
    const err = await call('GetItem', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      message: 'slow down',
      $metadata: { attempts: 3 },
    });
    expect(stub.arrivals).toHaveLength(3);
  });

  it('stops retrying when an attempt succeeds, and keeps the error members (CancellationReasons) of a refusal', async () => {
    const stub = await stubServer((n) =>
      n === 1
        ? { status: 503, body: '' }
        : {
            status: 400,
            body: JSON.stringify({
              __type: 'TransactionCanceledException',
              message: 'no',
              CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
            }),
          },
    );
    const call = jsonRpc(new AwsEndpoint(dynamodb, { endpoint: stub.url }), protocol, {
      maxAttempts: 3,
      ...noWait,
    });
    const err = (await call('TransactWriteItems', {}).catch((e: unknown) => e)) as AwsError;
    expect(stub.arrivals).toHaveLength(2);
    expect(err.name).toBe('TransactionCanceledException');
    expect(err.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }]);
  });

  it('sends one attempt only under maxAttempts 1, even for throttling', async () => {
    const stub = await stubServer(() => ({
      status: 429,
      body: '{}',
      headers: { 'x-amzn-errortype': 'TooManyRequestsException:http://internal' },
    }));
    const call = jsonRpc(new AwsEndpoint(dynamodb, { endpoint: stub.url }), protocol, {
      maxAttempts: 1,
      ...noWait,
    });
    await expect(call('GetItem', {})).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(stub.arrivals).toHaveLength(1);
  });

  it('signs with the target, content type, session token and a base path from the endpoint', async () => {
    const stub = await stubServer(() => ({ status: 200, body: '{"ok":true}' }));
    const ep = new AwsEndpoint(dynamodb, {
      endpoint: `${stub.url}/prefix/`,
      region: 'ap-northeast-1',
      credentials: async () => ({
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'session-token',
      }),
    });
    const seen: string[] = [];
    const server = servers.at(-1)!;
    server.prependListener('request', (req) => seen.push(req.url ?? ''));
    await expect(jsonRpc(ep, protocol)('GetItem', { TableName: 't' })).resolves.toEqual({ ok: true });
    const { headers, body } = stub.arrivals[0]!;
    expect(seen).toEqual(['/prefix/']);
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/dynamodb\/aws4_request, SignedHeaders=.*x-amz-target/,
    );
    expect(JSON.parse(body)).toEqual({ TableName: 't' });
  });

  it('runs beforeWrite once per attempt before the server sees the request, and a throwing hook sends nothing', async () => {
    const stub = await stubServer(() => ({ status: 200, body: '{}' }));
    const ep = new AwsEndpoint(dynamodb, { endpoint: stub.url });
    const order: string[] = [];
    servers.at(-1)!.prependListener('request', () => order.push('arrived'));
    await ep.send({ method: 'POST', path: '/', body: '{}', beforeWrite: () => order.push('hook') });
    expect(order).toEqual(['hook', 'arrived']);
    await expect(
      ep.send({
        method: 'POST',
        path: '/',
        body: '{}',
        beforeWrite: () => {
          throw new Error('window full');
        },
      }),
    ).rejects.toThrow('window full');
    expect(stub.arrivals).toHaveLength(1);
  });
});

describe('a beforeWrite that says "not yet"', () => {
  it('is awaited and asked again until it lets the request go; then exactly one request is written', async () => {
    const stub = await stubServer(() => ({ status: 200, body: '{}' }));
    const ep = new AwsEndpoint(dynamodb, { endpoint: stub.url });
    const order: string[] = [];
    servers.at(-1)!.prependListener('request', () => order.push('arrived'));
    let asks = 0;
    await ep.send({
      method: 'POST',
      path: '/',
      body: '{}',
      beforeWrite: () => {
        order.push(`ask ${++asks}`);
        return asks < 3 ? new Promise((r) => setTimeout(r, 10)) : 0;
      },
    });
    expect(order).toEqual(['ask 1', 'ask 2', 'ask 3', 'arrived']);
    expect(stub.arrivals).toHaveLength(1);
  });
});

describe('error classes', () => {
  it('reads the code from the header, a namespaced __type, an S3 XML body, or the status alone', () => {
    const h = (x: Record<string, string>) => x;
    expect(
      errorFromResponse(
        400,
        h({ 'x-amzn-errortype': 'NotFoundException:http://x' }),
        Buffer.from('{"message":"m"}'),
        1,
      ),
    ).toMatchObject({ name: 'NotFoundException', message: 'm' });
    expect(
      errorFromResponse(400, {}, Buffer.from('{"__type":"a.b#ValidationException","Message":"bad"}'), 1),
    ).toMatchObject({ name: 'ValidationException', message: 'bad' });
    expect(
      errorFromResponse(
        404,
        {},
        Buffer.from('<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>'),
        1,
      ),
    ).toMatchObject({ name: 'NoSuchKey', message: 'gone' });
    expect(errorFromResponse(404, {}, Buffer.alloc(0), 1)).toMatchObject({
      name: 'NotFound',
      $fault: 'client',
    });
    expect(errorFromResponse(502, {}, Buffer.from('<html>bad gateway'), 1)).toMatchObject({
      name: 'Http502',
      $fault: 'server',
    });
    expect(errorFromResponse(400, {}, Buffer.from('{not json'), 1)).toMatchObject({ name: 'Http400' });
  });

  it('classes throttling and transient faults as the SDK does, and refusals as neither', () => {
    const e = (name: string, status: number) =>
      new AwsError(name, '', { httpStatusCode: status, attempts: 1 });
    expect(isThrottling(e('ThrottlingException', 400))).toBe(true);
    expect(isThrottling(e('Whatever', 429))).toBe(true);
    expect(isTransient(e('InternalServerError', 500))).toBe(true);
    expect(isTransient(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    for (const refusal of [
      e('ConditionalCheckFailedException', 400),
      e('ValidationException', 400),
      e('AccessDeniedException', 403),
    ]) {
      expect(isThrottling(refusal) || isTransient(refusal)).toBe(false);
    }
  });

  it('waits a full-jitter backoff between attempts: longer when throttled', async () => {
    const waits: number[] = [];
    const policy = { maxAttempts: 3, sleep: async (ms: number) => waits.push(ms), random: () => 0.999 };
    await withRetries(policy, async () => {
      throw new AwsError('ThrottlingException', '', { httpStatusCode: 400, attempts: 1 });
    }).catch(() => {});
    await withRetries(policy, async () => {
      throw new AwsError('Http503', '', { httpStatusCode: 503, attempts: 1 });
    }).catch(() => {});
    expect(waits).toEqual([499, 999, 99, 199]);
  });
});
