/**
 * What one DynamoDB call costs the calling process: lib-dynamodb over the SDK client (as the
 * functions called DynamoDB before) against the lean client (functions/adapters/aws/lean/dynamo.ts),
 * making the same calls to DynamoDB Local back to back: the dispatcher's kinds of call — a
 * consistent read of the report item, a page of 14 subscribers, a claim transaction of 7 rows.
 * The table's times include the emulator; the notes give each side's own CPU per call.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { leanDynamo } from '../functions/adapters/aws/lean/dynamo.ts';
import type { BenchCase, Variant } from './runner.ts';

export async function dynamoCallsCase(opts: { table: string; calls: number }): Promise<BenchCase> {
  const TableName = opts.table;
  const tag = randomBytes(4).toString('hex');
  const raw = new DynamoDBClient({});
  const sdk = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const lean = leanDynamo();
  const reportKey = { reportId: `calls-${tag}`, item: 'report' };
  await lean.put({
    TableName,
    Item: { ...reportKey, title: 'かわら版 第12号', counts: { sent: 10, delivered: 9 } },
  });
  for (let i = 0; i < 14; i++) {
    const row = {
      reportId: `calls-${tag}-page`,
      item: `to#${i}`,
      email: `reader${i}@example.jp`,
      locale: 'ja',
    };
    await lean.put({ TableName, Item: { ...row, id: randomBytes(13).toString('hex'), status: 'confirmed' } });
  }
  let claims = 0;
  const claim = (): TransactWriteCommandInput => {
    const reportId = `calls-${tag}-claim-${++claims}`;
    const at = new Date().toISOString();
    return {
      TransactItems: Array.from({ length: 7 }, (_, i) => ({
        Put: {
          TableName,
          Item: {
            reportId,
            item: `to#r${i}@example.jp`,
            state: 'claimed',
            claimToken: tag,
            claimedAt: at,
            attempts: 1,
          },
          ConditionExpression: 'attribute_not_exists(reportId)',
        },
      })),
    };
  };
  const page = {
    TableName,
    KeyConditionExpression: 'reportId = :r',
    ExpressionAttributeValues: { ':r': `calls-${tag}-page` },
  };
  const read = { TableName, Key: reportKey, ConsistentRead: true };

  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const perCall: Record<'sdk' | 'lean', number[]> = { sdk: [], lean: [] };
  let measuring = false;
  const variant = (side: 'sdk' | 'lean', label: string, calls: (() => Promise<unknown>)[]): Variant => ({
    label,
    async run() {
      const c0 = cpuMs();
      let n = 0;
      for (let i = 0; i < opts.calls; i += calls.length) {
        for (const call of calls) {
          await call();
          n++;
        }
      }
      if (measuring) perCall[side].push((cpuMs() - c0) / n);
      return n;
    },
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  return {
    title: 'DynamoDB calls (read, page of 14, 7-row claim), back to back',
    unit: 'call',
    baseline: variant('sdk', 'lib-dynamodb + SDK client', [
      () => sdk.send(new GetCommand(read)),
      () => sdk.send(new QueryCommand(page)),
      () => sdk.send(new TransactWriteCommand(claim())),
    ]),
    ours: variant('lean', 'lean client', [
      () => lean.get(read),
      () => lean.query(page),
      () => lean.transactWrite(claim()),
    ]),
    measuring() {
      measuring = true;
    },
    notes() {
      const [s, l] = [median(perCall.sdk), median(perCall.lean)];
      return [
        `client CPU per call (this process, medians over rounds): lib-dynamodb ${s.toFixed(2)} ms, lean ${l.toFixed(2)} ms (${(s / l).toFixed(1)}× less)`,
      ];
    },
    async close() {
      raw.destroy();
    },
  };
}
