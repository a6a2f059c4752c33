/**
 * The lean DynamoDB document client: the `Dynamo` port over the awsJson1_0 protocol
 * (`DynamoDB_20120810`), with the SDK's standard retries.
 *
 * Values are converted exactly where `@aws-sdk/lib-dynamodb` converts them (its commands'
 * `inputKeyNodes`/`outputKeyNodes`), with the SDK's own `@aws-sdk/util-dynamodb` (`marshall` with
 * `removeUndefinedValues`, `unmarshall`; it depends on nothing of the SDK's client stack). Not
 * converted, as in lib-dynamodb: errors (`CancellationReasons[].Item` and a failed condition's
 * `Item` stay in DynamoDB's `{S: …}` form). The legacy parameters (`Expected`, `AttributeUpdates`,
 * `KeyConditions`, `QueryFilter`, `ScanFilter`) are not in the port's types and are not used.
 * Binary values travel as base64 in JSON, as the SDK sends them, and come back as Uint8Array.
 * A transaction carries a ClientRequestToken, filled in as the SDK fills it in.
 */
import { randomUUID } from 'node:crypto';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Dynamo } from './dynamo-port.ts';
import { jsonRpc } from './json-rpc.ts';
import { type RetryPolicy, standardRetry } from './retry.ts';
import { type AwsClientConfig, AwsEndpoint, type AwsService } from './signed-request.ts';

export const DYNAMODB: AwsService = {
  signingName: 'dynamodb',
  endpointEnv: 'DYNAMODB',
  hostPrefix: 'dynamodb',
};

type Native = Record<string, unknown>;
type Wire = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the wire shapes are DynamoDB's JSON, typed by the port.
type Loose = any;

const MARSHALL_OPTIONS = { removeUndefinedValues: true };

/** An attribute value's binary parts as base64, in place (JSON has no bytes). */
function encodeBinary(value: Record<string, unknown>): void {
  if ('B' in value) value.B = base64(value.B);
  else if ('BS' in value) value.BS = (value.BS as unknown[]).map(base64);
  else if ('L' in value) for (const v of value.L as Record<string, unknown>[]) encodeBinary(v);
  else if ('M' in value) for (const v of Object.values(value.M as Wire)) encodeBinary(v as Wire);
}

function base64(bytes: unknown): string {
  if (bytes instanceof ArrayBuffer) return Buffer.from(bytes).toString('base64');
  const view = bytes as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}

/** Base64 binary parts back to bytes, in place, as the SDK gives them (Uint8Array). */
function decodeBinary(value: Record<string, unknown>): void {
  if ('B' in value) value.B = bytes(value.B as string);
  else if ('BS' in value) value.BS = (value.BS as string[]).map(bytes);
  else if ('L' in value) for (const v of value.L as Record<string, unknown>[]) decodeBinary(v);
  else if ('M' in value) for (const v of Object.values(value.M as Wire)) decodeBinary(v as Wire);
}

function bytes(b64: string): Uint8Array {
  const buf = Buffer.from(b64, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** A record of plain values (an item, a key, expression values) as DynamoDB's attribute values. */
function toWire(record: Native | undefined): Wire | undefined {
  if (record === undefined) return undefined;
  const wire = marshall(record, MARSHALL_OPTIONS) as Wire;
  for (const v of Object.values(wire)) encodeBinary(v as Wire);
  return wire;
}

function fromWire(record: Wire | undefined): Native | undefined {
  if (record === undefined) return undefined;
  for (const v of Object.values(record)) decodeBinary(v as Wire);
  return unmarshall(record as Loose);
}

/** `obj` with `fields` converted by `convert`; fields that are absent stay absent (as lib-dynamodb does). */
function convert<T extends object>(obj: T, fields: readonly string[], fn: (v: Loose) => unknown): T {
  const out = { ...obj } as Record<string, unknown>;
  for (const f of fields) {
    const v = out[f];
    if (v === undefined) continue;
    out[f] = fn(v);
  }
  return out as T;
}

const mapValues = <V, W>(rec: Record<string, V>, fn: (v: V) => W): Record<string, W> => {
  const out: Record<string, W> = {};
  for (const k in rec) out[k] = fn(rec[k]!);
  return out;
};

const EXPRESSION = ['ExpressionAttributeValues'] as const;
const KEYED = ['Key', 'ExpressionAttributeValues'] as const;

/** ItemCollectionMetrics of a single-item write: `{ItemCollectionKey}`. */
const collectionMetrics = (m: Loose) => convert(m, ['ItemCollectionKey'], fromWire);
/** ItemCollectionMetrics of a batch or transaction: per table, a list of them. */
const tableCollectionMetrics = (m: Loose) =>
  mapValues(m as Record<string, Loose[]>, (list) => list.map(collectionMetrics));
const singleWriteOutput = (out: Loose) =>
  convert(convert(out, ['Attributes'], fromWire), ['ItemCollectionMetrics'], collectionMetrics);

/** A batch write's requests per table: PutRequest.Item and DeleteRequest.Key. */
const writeRequests = (tables: Loose, fn: (v: Loose) => unknown) =>
  mapValues(tables as Record<string, Loose[]>, (list) =>
    list.map((r) => {
      const out = { ...r };
      if (r.PutRequest) out.PutRequest = convert(r.PutRequest, ['Item'], fn);
      if (r.DeleteRequest) out.DeleteRequest = convert(r.DeleteRequest, ['Key'], fn);
      return out;
    }),
  );

/** A batch get's keys per table. */
const keysAndAttributes = (tables: Loose, fn: (v: Loose) => unknown) =>
  mapValues(tables as Record<string, Loose>, (t) => convert(t, ['Keys'], (keys: Loose[]) => keys.map(fn)));

const TRANSACT_WRITE_PARTS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;

export function leanDynamo(config: AwsClientConfig = {}, retry: RetryPolicy = standardRetry): Dynamo {
  const call = jsonRpc(
    new AwsEndpoint(DYNAMODB, config),
    { targetPrefix: 'DynamoDB_20120810', version: '1.0' },
    retry,
  );
  return {
    async get(input) {
      const out = await call('GetItem', convert(input, ['Key'], toWire));
      return convert(out, ['Item'], fromWire);
    },
    async put(input) {
      return singleWriteOutput(await call('PutItem', convert(input, ['Item', ...EXPRESSION], toWire)));
    },
    async update(input) {
      return singleWriteOutput(await call('UpdateItem', convert(input, KEYED, toWire)));
    },
    async delete(input) {
      return singleWriteOutput(await call('DeleteItem', convert(input, KEYED, toWire)));
    },
    async query(input) {
      const out = await call('Query', convert(input, ['ExclusiveStartKey', ...EXPRESSION], toWire));
      return convert(
        convert(out, ['Items'], (items: Wire[]) => items.map(fromWire)),
        ['LastEvaluatedKey'],
        fromWire,
      );
    },
    async scan(input) {
      const out = await call('Scan', convert(input, ['ExclusiveStartKey', ...EXPRESSION], toWire));
      return convert(
        convert(out, ['Items'], (items: Wire[]) => items.map(fromWire)),
        ['LastEvaluatedKey'],
        fromWire,
      );
    },
    async batchGet(input) {
      const out = await call(
        'BatchGetItem',
        convert(input, ['RequestItems'], (t) => keysAndAttributes(t, toWire)),
      );
      return convert(
        convert(out, ['Responses'], (r) =>
          mapValues(r as Record<string, Wire[]>, (items) => items.map(fromWire)),
        ),
        ['UnprocessedKeys'],
        (t) => keysAndAttributes(t, fromWire),
      );
    },
    async batchWrite(input) {
      const out = await call(
        'BatchWriteItem',
        convert(input, ['RequestItems'], (t) => writeRequests(t, toWire)),
      );
      return convert(
        convert(out, ['UnprocessedItems'], (t) => writeRequests(t, fromWire)),
        ['ItemCollectionMetrics'],
        tableCollectionMetrics,
      );
    },
    async transactGet(input) {
      const items = input.TransactItems?.map((t) =>
        t.Get ? { ...t, Get: convert(t.Get, ['Key'], toWire) } : t,
      );
      const out = await call('TransactGetItems', { ...input, TransactItems: items });
      return convert(out, ['Responses'], (rs: Loose[]) => rs.map((r) => convert(r, ['Item'], fromWire)));
    },
    async transactWrite(input) {
      const items = input.TransactItems?.map((t) => {
        const out: Loose = { ...t };
        for (const part of TRANSACT_WRITE_PARTS) {
          if (out[part]) out[part] = convert(out[part], ['Key', 'Item', ...EXPRESSION], toWire);
        }
        return out;
      });
      // As the SDK does (an idempotency token): one token per call, the same body for each retry, so
      // a retry of a transaction that landed but whose answer was lost succeeds without applying it twice.
      const token = input.ClientRequestToken ?? randomUUID();
      const out = await call('TransactWriteItems', {
        ...input,
        TransactItems: items,
        ClientRequestToken: token,
      });
      return convert(out, ['ItemCollectionMetrics'], tableCollectionMetrics);
    },
  } as Dynamo;
}
