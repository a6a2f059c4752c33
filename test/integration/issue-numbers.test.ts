/**
 * Issue numbers (issue 10, item 3): each report gets the next number when it is first scheduled,
 * shown in its email (第N号 / No. N); a re-upload before sending keeps it, a rejected re-upload in
 * between too; a canceled report keeps its number, which is never given to another report.
 * Through the render function's handler against DynamoDB Local and s3rver.
 */
import { randomBytes } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import type { RenderedReport } from '../../functions/core/report.ts';
import { doc, s3 } from '../helpers/audience.ts';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { sampleReport, uploadSample } from '../helpers/uploads.ts';

type Handler = typeof import('../../functions/render.ts')['handler'];
let stack: TestStack;
let handler: Handler;

beforeAll(async () => {
  stack = await createTestStack({ SUBJECT_PREFIX: '【テスト 第{number}号】' });
  useStackEnv(stack);
  ({ handler } = await import('../../functions/render.ts'));
});

const newId = () => `n-${randomBytes(4).toString('hex')}`;
const store = () => dynamoReportStore(doc, stack.env.REPORTS_TABLE!);
const upload = (id: string, over: Record<string, unknown> = {}) => uploadSample(stack, handler, id, over);

async function numberOf(id: string): Promise<number | undefined> {
  return (await store().get(id))?.issueNumber;
}

async function rendered(id: string): Promise<RenderedReport> {
  const key = (await store().get(id))!.renderedKey!;
  const out = await s3.send(new GetObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as RenderedReport;
}

describe('issue numbers', () => {
  it('go up by one per newly scheduled report and appear in the subject, the header and the text', async () => {
    const a = newId();
    const b = newId();
    await upload(a);
    await upload(b);
    const [na, nb] = [await numberOf(a), await numberOf(b)];
    expect(na).toBeGreaterThan(0);
    expect(nb).toBe(na! + 1);
    const out = await rendered(b);
    expect(out.locales.ja.subject).toBe(`【テスト 第${nb}号】${sampleReport.title}`);
    expect(out.locales.ja.html).toContain(`第${nb}号　配信日: `);
    expect(out.locales.ja.text).toContain(`第${nb}号　配信日: `);
    expect(out.locales.en.html).toContain(`No. ${nb}　Issued: `);
  });

  it('are kept by a re-upload before sending, also across a rejected one in between', async () => {
    const id = newId();
    await upload(id);
    const n = await numberOf(id);
    await upload(id, { title: '差し替え後のタイトル' });
    expect(await numberOf(id)).toBe(n);
    await upload(id, { title: '' }); // invalid: REJECTED, number kept for the correction
    expect((await store().get(id))?.status).toBe('REJECTED');
    expect(await numberOf(id)).toBe(n);
    await upload(id, { title: '訂正版' });
    expect(await numberOf(id)).toBe(n);
    expect((await rendered(id)).locales.ja.subject).toBe(`【テスト 第${n}号】訂正版`);
  });

  it('are never reused: a canceled report keeps its number, and the next report gets a new one', async () => {
    const canceled = newId();
    await upload(canceled);
    const n = await numberOf(canceled);
    await doc.update({
      TableName: stack.env.REPORTS_TABLE,
      Key: { reportId: canceled, item: 'report' },
      UpdateExpression: 'SET #s = :c',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':c': 'CANCELED' },
    });
    const next = newId();
    await upload(next);
    expect(await numberOf(next)).toBeGreaterThan(n!);
    // Canceled before sending began, it may be uploaded again: under its own number.
    await upload(canceled, { title: '中止後の再開' });
    expect(await numberOf(canceled)).toBe(n);
  });

  it('are unique when many reports are scheduled at once', async () => {
    const ids = Array.from({ length: 6 }, newId);
    await Promise.all(ids.map((id) => upload(id)));
    const numbers = await Promise.all(ids.map(numberOf));
    expect(new Set(numbers).size).toBe(ids.length);
    expect(numbers.every((n) => Number.isInteger(n) && n! > 0)).toBe(true);
  });
});
