/**
 * The lean DynamoDB document client (functions/adapters/aws/lean/dynamo.ts) against DynamoDB
 * Local: every value type we store survives a round trip exactly as lib-dynamodb gives it back
 * (checked against lib-dynamodb itself and against the low-level attribute values stored), every
 * operation, pagination, conditional and transactional refusals with their reasons. A loopback
 * stub answers what the emulator never does (unprocessed keys and items of a batch).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { leanDynamo } from '../../functions/adapters/aws/lean/dynamo.ts';
import { reportsTable } from '../../infra/tables.ts';
import { ensureTable } from '../../local/tables.ts';
import { losingFirstAnswer } from '../helpers/faulty-dynamo.ts';

const raw = new DynamoDBClient({});
// lib-dynamodb as the functions used it before: the reference the lean client must match.
const sdk = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
const db = leanDynamo();
const TableName = `t-${randomBytes(5).toString('hex')}-lean`;
await ensureTable(raw, reportsTable, TableName);
afterAll(() => raw.destroy());

let n = 0;
/** A fresh partition for one test. */
const partition = () => `p-${++n}-${randomBytes(3).toString('hex')}`;

/** Every kind of value the tables hold, and the edge cases of each. */
const everyType = () => ({
  ja: '瓦版「かわら版」第１号：カード情報の流出について（2020年9月17日）',
  emoji: '📰🙇‍♀️👨‍👩‍👧 and 𠮷野家',
  empty: '',
  zero: 0,
  negative: -42,
  float: 1234.5678,
  tiny: 1e-7,
  maxSafe: Number.MAX_SAFE_INTEGER,
  minSafe: Number.MIN_SAFE_INTEGER,
  bigint: 2n ** 63n,
  yes: true,
  no: false,
  nothing: null,
  list: ['a', 1, true, null, ['nested'], { deep: 'ja 日本語' }],
  emptyList: [],
  map: { a: 1, b: { c: ['x', 'y'], d: '' }, e: null },
  emptyMap: {},
  strings: new Set(['unsubscribed', 'bounced', '配信停止']),
  numbers: new Set([1, 2.5, -3]),
  bytes: new Uint8Array([0, 1, 2, 254, 255]),
  byteSet: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
  gone: undefined,
  mapWithGaps: { kept: 'k', dropped: undefined },
  listWithGaps: ['a', undefined, 'b'],
});

/** What lib-dynamodb gives back for `everyType()`: undefined removed, a big integer as a BigInt. */
const everyTypeRead = () => {
  const { gone: _gone, ...rest } = everyType();
  return { ...rest, mapWithGaps: { kept: 'k' }, listWithGaps: ['a', 'b'] };
};

describe('values', () => {
  it('stores every value type as DynamoDB types it, and reads it back as lib-dynamodb does', async () => {
    const key = { reportId: partition(), item: 'all' };
    await db.put({ TableName, Item: { ...key, ...everyType() } });

    const lean = await db.get({ TableName, Key: key, ConsistentRead: true });
    const viaSdk = await sdk.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
    expect(lean.Item).toEqual({ ...key, ...everyTypeRead() });
    expect(lean.Item).toEqual(viaSdk.Item);
    expect(lean.Item?.bytes).toBeInstanceOf(Uint8Array);
    expect(typeof lean.Item?.bigint).toBe('bigint');

    const stored = (
      await raw.send(
        new GetItemCommand({ TableName, Key: { reportId: { S: key.reportId }, item: { S: 'all' } } }),
      )
    ).Item!;
    expect(stored.ja).toEqual({ S: everyType().ja });
    expect(stored.emoji).toEqual({ S: everyType().emoji });
    expect(stored.empty).toEqual({ S: '' });
    expect(stored.maxSafe).toEqual({ N: '9007199254740991' });
    expect(stored.bigint).toEqual({ N: '9223372036854775808' });
    expect(stored.float).toEqual({ N: '1234.5678' });
    expect(stored.nothing).toEqual({ NULL: true });
    expect(stored.no).toEqual({ BOOL: false });
    expect(stored.emptyList).toEqual({ L: [] });
    expect(stored.emptyMap).toEqual({ M: {} });
    expect(stored.strings?.SS?.sort()).toEqual(['bounced', 'unsubscribed', '配信停止'].sort());
    expect(stored.numbers?.NS?.sort()).toEqual(['-3', '1', '2.5']);
    expect(Buffer.from(stored.bytes!.B!)).toEqual(Buffer.from([0, 1, 2, 254, 255]));
    expect(stored.byteSet?.BS?.map((b) => [...b]).sort()).toEqual([[1], [2, 3]]);
    expect(stored.gone).toBeUndefined();
    expect(stored.listWithGaps).toEqual({ L: [{ S: 'a' }, { S: 'b' }] });
  });

  it('reads what lib-dynamodb wrote exactly as lib-dynamodb reads it', async () => {
    const key = { reportId: partition(), item: 'sdk' };
    await sdk.send(new PutCommand({ TableName, Item: { ...key, ...everyType() } }));
    const lean = await db.get({ TableName, Key: key, ConsistentRead: true });
    const viaSdk = await sdk.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
    expect(lean.Item).toEqual(viaSdk.Item);
  });

  it('refuses what lib-dynamodb refuses, before sending', async () => {
    const key = { reportId: partition(), item: 'bad' };
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, new Set(), new Date()]) {
      const lean = await db.put({ TableName, Item: { ...key, bad } }).catch((e: Error) => e.message);
      const viaSdk = await sdk
        .send(new PutCommand({ TableName, Item: { ...key, bad } }))
        .catch((e: Error) => e.message);
      expect(typeof lean).toBe('string');
      expect(lean).toBe(viaSdk);
    }
    expect((await db.get({ TableName, Key: key })).Item).toBeUndefined();
  });
});

describe('operations', () => {
  it('get of a missing item gives no Item; update, put and delete return the attributes asked for', async () => {
    const key = { reportId: partition(), item: 'ops' };
    expect(await db.get({ TableName, Key: key })).not.toHaveProperty('Item');

    const created = await db.update({
      TableName,
      Key: key,
      UpdateExpression: 'SET title = :t, tags = :tags ADD sent :one',
      ExpressionAttributeValues: { ':t': '第２号', ':tags': new Set(['a']), ':one': 1 },
      ReturnValues: 'ALL_NEW',
    });
    expect(created.Attributes).toEqual({ ...key, title: '第２号', tags: new Set(['a']), sent: 1 });

    const replaced = await db.put({ TableName, Item: { ...key, title: '第３号' }, ReturnValues: 'ALL_OLD' });
    expect(replaced.Attributes).toEqual({ ...key, title: '第２号', tags: new Set(['a']), sent: 1 });

    const deleted = await db.delete({
      TableName,
      Key: key,
      ConditionExpression: 'title = :t',
      ExpressionAttributeValues: { ':t': '第３号' },
      ReturnValues: 'ALL_OLD',
    });
    expect(deleted.Attributes).toEqual({ ...key, title: '第３号' });
    expect((await db.get({ TableName, Key: key, ConsistentRead: true })).Item).toBeUndefined();
  });

  it('a failed condition throws ConditionalCheckFailedException with the old item as DynamoDB wrote it', async () => {
    const key = { reportId: partition(), item: 'cond' };
    await db.put({ TableName, Item: { ...key, n: 5, s: 'x' } });
    const err = await db
      .update({
        TableName,
        Key: key,
        UpdateExpression: 'SET n = :n',
        ConditionExpression: 'n < :n',
        ExpressionAttributeValues: { ':n': 3 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400 },
      // Errors are not unmarshalled, in lib-dynamodb either: the adapters read `{N: "5"}`.
      Item: { ...{ reportId: { S: key.reportId }, item: { S: 'cond' } }, n: { N: '5' }, s: { S: 'x' } },
    });
  });

  it('query and scan page through with LastEvaluatedKey and ExclusiveStartKey as plain values', async () => {
    const reportId = partition();
    const items = Array.from({ length: 7 }, (_, i) => ({
      reportId,
      item: `to#${i}`,
      n: i,
      label: `読者${i}`,
    }));
    for (const Item of items) await db.put({ TableName, Item });

    const pages: unknown[][] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.query({
        TableName,
        KeyConditionExpression: 'reportId = :r AND begins_with(#i, :p)',
        FilterExpression: 'n <> :skip',
        ExpressionAttributeNames: { '#i': 'item' },
        ExpressionAttributeValues: { ':r': reportId, ':p': 'to#', ':skip': 3 },
        ExclusiveStartKey: start,
        Limit: 2,
        ConsistentRead: true,
      });
      pages.push(out.Items ?? []);
      start = out.LastEvaluatedKey;
      if (start) expect(start).toEqual({ reportId, item: expect.stringMatching(/^to#\d$/) });
    } while (start);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.flat()).toEqual(items.filter((i) => i.n !== 3));

    const scanned: unknown[] = [];
    start = undefined;
    do {
      const out = await db.scan({
        TableName,
        FilterExpression: 'reportId = :r',
        ExpressionAttributeValues: { ':r': reportId },
        ExclusiveStartKey: start,
        Limit: 3,
        ConsistentRead: true,
      });
      scanned.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    expect(scanned).toHaveLength(7);
    expect(new Set(scanned.map((i) => (i as { item: string }).item))).toEqual(
      new Set(items.map((i) => i.item)),
    );
  });

  it('batchWrite puts and deletes, batchGet reads by table, missing keys simply absent', async () => {
    const reportId = partition();
    await db.put({ TableName, Item: { reportId, item: 'old', v: 'x' } });
    const written = await db.batchWrite({
      RequestItems: {
        [TableName]: [
          { PutRequest: { Item: { reportId, item: 'a', tags: new Set(['t']), gone: undefined } } },
          { PutRequest: { Item: { reportId, item: 'b', v: 2 } } },
          { DeleteRequest: { Key: { reportId, item: 'old' } } },
        ],
      },
    });
    expect(written.UnprocessedItems ?? {}).toEqual({});
    const read = await db.batchGet({
      RequestItems: {
        [TableName]: {
          Keys: ['a', 'b', 'old', 'never'].map((item) => ({ reportId, item })),
          ConsistentRead: true,
        },
      },
    });
    const got = read.Responses?.[TableName] ?? [];
    expect(got.sort((x, y) => String(x.item).localeCompare(String(y.item)))).toEqual([
      { reportId, item: 'a', tags: new Set(['t']) },
      { reportId, item: 'b', v: 2 },
    ]);
  });

  it('transactGet reads a snapshot, with an empty response for a missing item', async () => {
    const reportId = partition();
    await db.put({ TableName, Item: { reportId, item: 'gate', open: true } });
    const out = await db.transactGet({
      TransactItems: [
        { Get: { TableName, Key: { reportId, item: 'gate' } } },
        { Get: { TableName, Key: { reportId, item: 'missing' } } },
      ],
    });
    expect(out.Responses?.[0]?.Item).toEqual({ reportId, item: 'gate', open: true });
    expect(out.Responses?.[1]?.Item).toBeUndefined();
  });

  it('transactWrite applies every kind of item, and a cancellation carries each item’s reason', async () => {
    const reportId = partition();
    await db.put({ TableName, Item: { reportId, item: 'gate', open: true } });
    await db.put({ TableName, Item: { reportId, item: 'to#taken', state: 'claimed' } });
    await db.transactWrite({
      TransactItems: [
        {
          ConditionCheck: {
            TableName,
            Key: { reportId, item: 'gate' },
            ConditionExpression: '#o = :t',
            ExpressionAttributeNames: { '#o': 'open' },
            ExpressionAttributeValues: { ':t': true },
          },
        },
        {
          Put: {
            TableName,
            Item: { reportId, item: 'to#new', state: 'claimed', skip: undefined },
            ConditionExpression: 'attribute_not_exists(reportId)',
          },
        },
        {
          Update: {
            TableName,
            Key: { reportId, item: 'to#taken' },
            UpdateExpression: 'SET #s = :s',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':s': 'sent' },
          },
        },
      ],
    });
    expect(
      (await db.get({ TableName, Key: { reportId, item: 'to#new' }, ConsistentRead: true })).Item,
    ).toEqual({ reportId, item: 'to#new', state: 'claimed' });

    const err = await db
      .transactWrite({
        TransactItems: [
          {
            ConditionCheck: {
              TableName,
              Key: { reportId, item: 'gate' },
              ConditionExpression: '#o = :t',
              ExpressionAttributeNames: { '#o': 'open' },
              ExpressionAttributeValues: { ':t': true },
            },
          },
          {
            Put: {
              TableName,
              Item: { reportId, item: 'to#taken', state: 'claimed' },
              ConditionExpression: 'attribute_not_exists(reportId)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Delete: { TableName, Key: { reportId, item: 'to#new' } } },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'TransactionCanceledException',
      $metadata: { httpStatusCode: 400 },
      CancellationReasons: [
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Item: { reportId: { S: reportId }, item: { S: 'to#taken' }, state: { S: 'sent' } },
        },
        { Code: 'None' },
      ],
    });
    // Nothing of the cancelled transaction was applied.
    expect(
      (await db.get({ TableName, Key: { reportId, item: 'to#new' }, ConsistentRead: true })).Item,
    ).toBeDefined();
  });

  it('a transaction whose answer was lost is retried with its token and applied once', async () => {
    const reportId = partition();
    const lossy = await losingFirstAnswer((op) => op === 'TransactWriteItems');
    await lossy.db.transactWrite({
      TransactItems: [
        {
          Put: {
            TableName,
            Item: { reportId, item: 'to#once', state: 'claimed' },
            ConditionExpression: 'attribute_not_exists(reportId)',
          },
        },
        {
          Update: {
            TableName,
            Key: { reportId, item: 'report' },
            UpdateExpression: 'ADD claimed :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    });
    expect(lossy.lost()).toBe(1);
    expect(
      (await db.get({ TableName, Key: { reportId, item: 'report' }, ConsistentRead: true })).Item?.claimed,
    ).toBe(1);
  });

  it('names a missing table as DynamoDB does, without retrying a refusal', async () => {
    const err = await db
      .get({ TableName: 'no-such-table', Key: { reportId: 'x', item: 'y' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
  });
});

describe('what the emulator never answers (loopback stub)', () => {
  /** A server that answers every request with `body`, recording the requests. */
  async function answering(body: unknown) {
    const seen: { target: string; body: Record<string, unknown> }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          target: String(req.headers['x-amz-target']),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    server.unref();
    return {
      db: leanDynamo({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
      seen,
    };
  }

  it('unprocessed keys of a batch get come back as plain keys, ready to ask again', async () => {
    const stub = await answering({
      Responses: { T: [{ email: { S: 'a@example.jp' }, n: { N: '1' } }] },
      UnprocessedKeys: { T: { Keys: [{ email: { S: 'b@example.jp' } }], ConsistentRead: true } },
    });
    const out = await stub.db.batchGet({
      RequestItems: {
        T: { Keys: [{ email: 'a@example.jp' }, { email: 'b@example.jp' }], ConsistentRead: true },
      },
    });
    expect(stub.seen[0]).toEqual({
      target: 'DynamoDB_20120810.BatchGetItem',
      body: {
        RequestItems: {
          T: {
            Keys: [{ email: { S: 'a@example.jp' } }, { email: { S: 'b@example.jp' } }],
            ConsistentRead: true,
          },
        },
      },
    });
    expect(out.Responses).toEqual({ T: [{ email: 'a@example.jp', n: 1 }] });
    expect(out.UnprocessedKeys).toEqual({ T: { Keys: [{ email: 'b@example.jp' }], ConsistentRead: true } });
  });

  it('unprocessed items of a batch write come back as plain items and keys, binary as bytes', async () => {
    const stub = await answering({
      UnprocessedItems: {
        T: [
          {
            PutRequest: {
              Item: { email: { S: 'a@example.jp' }, b: { B: Buffer.from([1, 2]).toString('base64') } },
            },
          },
          { DeleteRequest: { Key: { email: { S: 'b@example.jp' } } } },
        ],
      },
    });
    const out = await stub.db.batchWrite({
      RequestItems: {
        T: [
          { PutRequest: { Item: { email: 'a@example.jp', b: new Uint8Array([1, 2]) } } },
          { DeleteRequest: { Key: { email: 'b@example.jp' } } },
        ],
      },
    });
    // Bytes travel as base64, as the SDK sends them.
    expect(stub.seen[0]?.body).toEqual({
      RequestItems: {
        T: [
          { PutRequest: { Item: { email: { S: 'a@example.jp' }, b: { B: 'AQI=' } } } },
          { DeleteRequest: { Key: { email: { S: 'b@example.jp' } } } },
        ],
      },
    });
    expect(out.UnprocessedItems).toEqual({
      T: [
        { PutRequest: { Item: { email: 'a@example.jp', b: new Uint8Array([1, 2]) } } },
        { DeleteRequest: { Key: { email: 'b@example.jp' } } },
      ],
    });
  });
});
