/**
 * Upload receipts (`upload#<hash>`, which make a repeated S3 event a no-op) expire through the
 * reports table's TTL attribute; the report item beside them never carries it.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { doc } from '../helpers/audience.ts';
import { putUpload, s3ObjectEvent, sampleReport } from '../helpers/uploads.ts';
import { reportsTable } from '../../infra/tables.ts';

let stack: TestStack;
let handler: typeof import('../../functions/render.ts')['handler'];

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler } = await import('../../functions/render.ts'));
});

/** Puts the report and returns the S3 event real S3 sends for it (the real sample, this upload's names). */
async function upload(id: string) {
  const key = `reports/${id}.json`;
  await putUpload(stack, key, JSON.stringify({ ...sampleReport, id }));
  return s3ObjectEvent(stack.env.UPLOAD_BUCKET!, key);
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

    const items = (await doc.scan({ TableName: stack.env.REPORTS_TABLE, ConsistentRead: true })).Items ?? [];
    const receipts = items.filter((i) => String(i.reportId).startsWith('upload#'));
    expect(receipts).toHaveLength(1);
    const receipt = receipts[0]!;
    expect(receipt.expiresAt).toBe(Math.floor(Date.parse(String(receipt.at)) / 1000) + 7 * 24 * 60 * 60);
    const report = items.find((i) => i.reportId === id && i.item === 'report');
    expect(report?.status).toBe('SCHEDULED');
    expect(report).not.toHaveProperty('expiresAt');
  });
});
