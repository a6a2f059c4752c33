/**
 * Decorators over the DynamoDB port (functions/adapters/aws/lean/dynamo-port.ts) for faults and
 * observations DynamoDB Local cannot give: every call goes to the real lean client against the
 * emulator unless a test's override answers it first. Errors are made as the lean client makes
 * them (an `AwsError` named with AWS's code), so adapters see what they would see from AWS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { leanDynamo } from '../../functions/adapters/aws/lean/dynamo.ts';
import { DYNAMO_OPERATIONS, type Dynamo } from '../../functions/adapters/aws/lean/dynamo-port.ts';
import { AwsError } from '../../functions/adapters/aws/lean/errors.ts';
import { doc } from './audience.ts';

type Op = keyof Dynamo;
export type DynamoInput<K extends Op> = Parameters<Dynamo[K]>[0];

/** An override of one operation: answer or throw, or call `real` (the emulator) to pass through. */
export type Around<K extends Op> = (input: DynamoInput<K>, real: Dynamo[K]) => ReturnType<Dynamo[K]>;
export type DynamoOverrides = { [K in Op]?: Around<K> };

/** `real` (by default the tests' lean client) with some operations answered by `overrides`. */
export function aroundDynamo(overrides: DynamoOverrides, real: Dynamo = doc): Dynamo {
  const out: Record<string, unknown> = {};
  for (const op of DYNAMO_OPERATIONS) {
    const pass = (real[op] as (input: unknown) => Promise<unknown>).bind(real);
    const around = overrides[op] as ((input: unknown, r: typeof pass) => Promise<unknown>) | undefined;
    out[op] = around ? (input: unknown) => around(input, pass) : pass;
  }
  return out as unknown as Dynamo;
}

/** A call as a recording decorator saw it. */
export interface DynamoCall {
  op: Op;
  input: Record<string, unknown>;
}

/** `real` with every call recorded (operation and input), and shown to `onCall`, before it is sent. */
export function recordingDynamo(
  real: Dynamo = doc,
  onCall?: (input: Record<string, unknown>, op: Op) => void,
): { db: Dynamo; calls: DynamoCall[] } {
  const calls: DynamoCall[] = [];
  const overrides: Record<string, unknown> = {};
  for (const op of DYNAMO_OPERATIONS) {
    overrides[op] = (input: Record<string, unknown>, pass: (i: unknown) => Promise<unknown>) => {
      calls.push({ op, input });
      onCall?.(input, op);
      return pass(input);
    };
  }
  return { db: aroundDynamo(overrides as DynamoOverrides, real), calls };
}

/** An error as DynamoDB answers it (status 400 for a refusal, 500 for its own fault), with its members. */
export function dynamoError(name: string, members: Record<string, unknown> = {}, status = 400): AwsError {
  const message = String(members.message ?? name);
  return new AwsError(name, message, { httpStatusCode: status, attempts: 1 }, members);
}

/**
 * A lean client whose first request that `pick` chooses reaches DynamoDB Local and is applied,
 * but whose answer is lost on the way back (the connection is reset): the client retries it, as
 * it would on AWS. The fault sits below the client's retries, in a loopback proxy; every other
 * request and answer passes through unchanged.
 */
export async function losingFirstAnswer(
  pick: (operation: string, input: Record<string, unknown>) => boolean,
): Promise<{ db: Dynamo; lost: () => number }> {
  const target = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  let lost = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const forward = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            if (
              lost === 0 &&
              answer.statusCode === 200 &&
              pick(operation, JSON.parse(body.toString('utf8')))
            ) {
              lost++;
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(body);
    });
  });
  server.unref();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { db: leanDynamo({ endpoint: `http://127.0.0.1:${port}` }), lost: () => lost };
}
