/**
 * The lean DynamoDB client writes the same requests and gives back the same answers as
 * lib-dynamodb, operation by operation: both clients send the same input to a loopback stub that
 * records each request body and answers with every field lib-dynamodb converts, in DynamoDB's
 * wire form. Checked field by field where the two could differ: which fields are marshalled (keys,
 * items, expression values, start keys, batch and transaction members) and which are unmarshalled.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanDynamo } from '../../functions/adapters/aws/lean/dynamo.ts';
import type { Dynamo } from '../../functions/adapters/aws/lean/dynamo-port.ts';

/** One item of every attribute type, as DynamoDB sends it. */
const wireItem = {
  email: { S: '読者@example.jp' },
  n: { N: '1.5' },
  big: { N: '9223372036854775808' },
  b: { B: 'AQI=' },
  bs: { BS: ['AQ==', 'Ag=='] },
  ss: { SS: ['a', '配信'] },
  ns: { NS: ['1', '2'] },
  yes: { BOOL: true },
  nothing: { NULL: true },
  l: { L: [{ S: 'x' }, { M: { k: { N: '2' } } }] },
  m: { M: {} },
};
const wireKey = { email: { S: 'k@example.jp' } };
const metrics = { ItemCollectionKey: wireKey, SizeEstimateRangeGB: [0, 1] };

/** What the stub answers for each operation: every field lib-dynamodb unmarshalls, and some it does not. */
const answers: Record<string, unknown> = {
  GetItem: { Item: wireItem, ConsumedCapacity: { TableName: 'T', CapacityUnits: 1 } },
  PutItem: { Attributes: wireItem, ItemCollectionMetrics: metrics },
  UpdateItem: { Attributes: wireItem, ItemCollectionMetrics: metrics },
  DeleteItem: { Attributes: wireItem },
  Query: { Items: [wireItem, wireKey], Count: 2, ScannedCount: 3, LastEvaluatedKey: wireKey },
  Scan: { Items: [wireItem], Count: 1, ScannedCount: 1, LastEvaluatedKey: wireKey },
  BatchGetItem: {
    Responses: { T: [wireItem, wireKey], U: [] },
    UnprocessedKeys: { T: { Keys: [wireKey], ProjectionExpression: 'email', ConsistentRead: true } },
  },
  BatchWriteItem: {
    UnprocessedItems: { T: [{ PutRequest: { Item: wireItem } }, { DeleteRequest: { Key: wireKey } }] },
    ItemCollectionMetrics: { T: [metrics] },
  },
  TransactGetItems: { Responses: [{ Item: wireItem }, {}] },
  TransactWriteItems: { ItemCollectionMetrics: { T: [metrics] } },
};

let url = '';
const bodies: unknown[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    const op = String(req.headers['x-amz-target']).split('.')[1]!;
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(answers[op] ?? {}));
  });
});
let sdk: DynamoDBDocumentClient;
let lean: Dynamo;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { region: 'ap-northeast-1', endpoint: url };
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  sdk = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, credentials, maxAttempts: 1 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  lean = leanDynamo({ ...config, credentials: () => credentials });
});
afterAll(() => {
  sdk.destroy();
  server.close();
});

/** Native values of every kind, with undefined to drop at each level. */
const native = () => ({
  s: '瓦版 📰',
  n: 2.5,
  big: 2n ** 63n,
  b: new Uint8Array([1, 2]),
  bs: new Set([new Uint8Array([1])]),
  ss: new Set(['a']),
  ns: new Set([1, 2]),
  yes: false,
  nothing: null,
  l: ['x', undefined, { k: 2, gone: undefined }],
  m: {},
  gone: undefined,
});
const key = { email: 'k@example.jp' };
const values = () => ({ ':v': native(), ':s': 'x', ':gone': undefined });

/** Both clients' request body and answer for the same input. */
async function both(sdkCall: () => Promise<object>, leanCall: () => Promise<object>) {
  bodies.length = 0;
  const { $metadata: _m, ...fromSdk } = (await sdkCall()) as { $metadata?: unknown };
  const fromLean = await leanCall();
  expect(bodies).toHaveLength(2);
  return { sdkBody: bodies[0], leanBody: bodies[1], fromSdk, fromLean };
}

describe('the lean client and lib-dynamodb, on the wire and back', () => {
  const cases: [string, () => Promise<object>, () => Promise<object>][] = [
    [
      'get',
      () => sdk.send(new GetCommand({ TableName: 'T', Key: key, ConsistentRead: true })),
      () => lean.get({ TableName: 'T', Key: key, ConsistentRead: true }),
    ],
    [
      'put',
      () =>
        sdk.send(
          new PutCommand({
            TableName: 'T',
            Item: { ...key, ...native() },
            ExpressionAttributeValues: values(),
            ConditionExpression: 'a <> :s',
            ReturnValues: 'ALL_OLD',
          }),
        ),
      () =>
        lean.put({
          TableName: 'T',
          Item: { ...key, ...native() },
          ExpressionAttributeValues: values(),
          ConditionExpression: 'a <> :s',
          ReturnValues: 'ALL_OLD',
        }),
    ],
    [
      'update',
      () =>
        sdk.send(
          new UpdateCommand({
            TableName: 'T',
            Key: key,
            UpdateExpression: 'SET v = :v',
            ExpressionAttributeValues: values(),
            ReturnValues: 'ALL_NEW',
          }),
        ),
      () =>
        lean.update({
          TableName: 'T',
          Key: key,
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: values(),
          ReturnValues: 'ALL_NEW',
        }),
    ],
    [
      'delete',
      () =>
        sdk.send(
          new DeleteCommand({
            TableName: 'T',
            Key: key,
            ConditionExpression: 'v = :s',
            ExpressionAttributeValues: { ':s': 'x' },
          }),
        ),
      () =>
        lean.delete({
          TableName: 'T',
          Key: key,
          ConditionExpression: 'v = :s',
          ExpressionAttributeValues: { ':s': 'x' },
        }),
    ],
    [
      'query',
      () =>
        sdk.send(
          new QueryCommand({
            TableName: 'T',
            KeyConditionExpression: 'email = :s',
            ExpressionAttributeValues: values(),
            ExclusiveStartKey: { ...key, n: 1 },
            Limit: 2,
          }),
        ),
      () =>
        lean.query({
          TableName: 'T',
          KeyConditionExpression: 'email = :s',
          ExpressionAttributeValues: values(),
          ExclusiveStartKey: { ...key, n: 1 },
          Limit: 2,
        }),
    ],
    [
      'scan',
      () =>
        sdk.send(
          new ScanCommand({
            TableName: 'T',
            FilterExpression: 'v = :s',
            ExpressionAttributeValues: { ':s': 'x' },
            ExclusiveStartKey: key,
          }),
        ),
      () =>
        lean.scan({
          TableName: 'T',
          FilterExpression: 'v = :s',
          ExpressionAttributeValues: { ':s': 'x' },
          ExclusiveStartKey: key,
        }),
    ],
    [
      'batchGet',
      () =>
        sdk.send(
          new BatchGetCommand({
            RequestItems: {
              T: { Keys: [key, { email: 'b', n: 2n }], ConsistentRead: true },
              U: { Keys: [key] },
            },
          }),
        ),
      () =>
        lean.batchGet({
          RequestItems: {
            T: { Keys: [key, { email: 'b', n: 2n }], ConsistentRead: true },
            U: { Keys: [key] },
          },
        }),
    ],
    [
      'batchWrite',
      () =>
        sdk.send(
          new BatchWriteCommand({
            RequestItems: {
              T: [{ PutRequest: { Item: { ...key, ...native() } } }, { DeleteRequest: { Key: key } }],
            },
          }),
        ),
      () =>
        lean.batchWrite({
          RequestItems: {
            T: [{ PutRequest: { Item: { ...key, ...native() } } }, { DeleteRequest: { Key: key } }],
          },
        }),
    ],
    [
      'transactGet',
      () =>
        sdk.send(
          new TransactGetCommand({
            TransactItems: [
              { Get: { TableName: 'T', Key: key, ProjectionExpression: 'email' } },
              { Get: { TableName: 'U', Key: key } },
            ],
          }),
        ),
      () =>
        lean.transactGet({
          TransactItems: [
            { Get: { TableName: 'T', Key: key, ProjectionExpression: 'email' } },
            { Get: { TableName: 'U', Key: key } },
          ],
        }),
    ],
    [
      'transactWrite',
      () => sdk.send(new TransactWriteCommand(transaction())),
      () => lean.transactWrite(transaction()),
    ],
  ];

  it.each(cases)('%s: the same request body and the same answer', async (_op, viaSdk, viaLean) => {
    const { sdkBody, leanBody, fromSdk, fromLean } = await both(viaSdk, viaLean);
    // A transaction's idempotency token is filled in by each client: a fresh UUID, not the same one.
    const { ClientRequestToken: sdkToken, ...sdkRest } = sdkBody as Record<string, unknown>;
    const { ClientRequestToken: leanToken, ...leanRest } = leanBody as Record<string, unknown>;
    expect(leanRest).toEqual(sdkRest);
    expect(typeof leanToken).toBe(typeof sdkToken);
    if (leanToken !== undefined)
      expect(leanToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fromLean).toEqual(fromSdk);
  });

  it('the answers are converted, not passed through: plain values, bytes, big integers', async () => {
    const out = await lean.get({ TableName: 'T', Key: key });
    expect(out.Item).toMatchObject({
      email: '読者@example.jp',
      n: 1.5,
      big: 2n ** 63n,
      yes: true,
      nothing: null,
    });
    expect(out.Item?.b).toEqual(new Uint8Array([1, 2]));
    expect(out.ConsumedCapacity).toEqual({ TableName: 'T', CapacityUnits: 1 });
  });
});

function transaction() {
  return {
    TransactItems: [
      {
        ConditionCheck: {
          TableName: 'T',
          Key: key,
          ConditionExpression: 'v = :s',
          ExpressionAttributeValues: { ':s': 'x' },
        },
      },
      {
        Put: {
          TableName: 'T',
          Item: { ...key, ...native() },
          ConditionExpression: 'attribute_not_exists(email)',
        },
      },
      {
        Update: {
          TableName: 'T',
          Key: { email: 'u' },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: values(),
        },
      },
      {
        Delete: {
          TableName: 'T',
          Key: { email: 'd' },
          ConditionExpression: 'v = :s',
          ExpressionAttributeValues: { ':s': 'x' },
        },
      },
    ],
  };
}
