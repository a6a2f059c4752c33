/**
 * Upload receipts (`upload#<hash>`, which make a repeated S3 event a no-op) expire through the
 * reports table's TTL attribute; the report item beside them never carries it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { doc, s3 } from '../helpers/audience.ts';
import { fixture } from '../helpers/ses-events.ts';
import { reportsTable } from '../../infra/tables.ts';

let stack: TestStack;
let handler: typeof import('../../functions/render.ts')['handler'];

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler } = await import('../../functions/render.ts'));
});

const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
);

/** Puts the report and returns the S3 event real S3 sends for it (the real sample, this upload's names). */
async function upload(id: string) {
  const key = `reports/${id}.json`;
  await s3.send(
    new PutObjectCommand({
      Bucket: stack.env.UPLOAD_BUCKET,
      Key: key,
      Body: JSON.stringify({ ...sample, id }),
      ContentType: 'application/json',
    }),
  );
  const event = fixture('s3-objectcreated-put__aws-lambda-go-urlencoded-key.json') as {
    Records: Record<string, any>[];
  };
  const r = event.Records[0]!;
  r.eventName = 'ObjectCreated:Put';
  r.s3.bucket.name = stack.env.UPLOAD_BUCKET;
  r.s3.bucket.arn = `arn:aws:s3:::${stack.env.UPLOAD_BUCKET}`;
  r.s3.object.key = key;
  r.s3.object.sequencer = randomBytes(8).toString('hex').toUpperCase();
  r.s3.object.eTag = randomBytes(16).toString('hex');
  return event as never;
}

describe('upload receipts', () => {
  it('expire 7 days after the upload; the report item has no TTL', async () => {
    expect(reportsTable.timeToLiveAttribute).toBe('expiresAt');
    // The table is built from that definition, TTL included.
    const ttl = await new DynamoDBClient({}).send(
      new DescribeTimeToLiveCommand({ TableName: stack.env.REPORTS_TABLE }),
    );
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
    const id = `t-${randomBytes(4).toString('hex')}`;
    const event = await upload(id);
    const { results } = await handler(event);
    expect(results).toEqual([expect.objectContaining({ kind: 'scheduled', reportId: id })]);
    // The same event again is still a no-op while the receipt lives.
    expect((await handler(event)).results).toEqual([expect.objectContaining({ kind: 'duplicate' })]);

    const items =
      (await doc.send(new ScanCommand({ TableName: stack.env.REPORTS_TABLE, ConsistentRead: true }))).Items ??
      [];
    const receipts = items.filter((i) => String(i.reportId).startsWith('upload#'));
    expect(receipts).toHaveLength(1);
    const receipt = receipts[0]!;
    expect(receipt.expiresAt).toBe(Math.floor(Date.parse(String(receipt.at)) / 1000) + 7 * 24 * 60 * 60);
    const report = items.find((i) => i.reportId === id && i.item === 'report');
    expect(report?.status).toBe('SCHEDULED');
    expect(report).not.toHaveProperty('expiresAt');
  });
});
