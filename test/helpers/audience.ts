/** Test data for the sending side. Writes subscribers straight into a test stack's table, in the shape the subscription side stores. */
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { s3 as leanS3 } from '../../functions/adapters/aws/s3.ts';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import { reportTemplate } from '../../functions/adapters/ses-template.ts';
import {
  renderedKey,
  zeroCounts,
  type RenderedReport,
  type ReportRecord,
  type ReportStatus,
} from '../../functions/core/report.ts';
import { newSubscriberId } from '../../functions/core/tokens.ts';
import {
  shardOf,
  statusShard,
  type Locale,
  type Subscriber,
  type SubscriberStatus,
} from '../../functions/core/subscriber.ts';
import type { TestStack } from './stack.ts';

/** The functions' own lean DynamoDB client (it reads the emulator's endpoint from the environment per call). */
export const doc = dynamo;

export function subscriber(
  email: string,
  status: SubscriberStatus = 'confirmed',
  locale: Locale = 'ja',
): Subscriber {
  const shard = shardOf(email);
  return {
    email,
    id: newSubscriberId(),
    status,
    locale,
    shard,
    statusShard: statusShard(status, shard),
    createdAt: '2030-01-01T00:00:00.000Z',
    ...(status === 'confirmed' ? { confirmedAt: '2030-01-01T00:00:01.000Z' } : {}),
  };
}

export async function putSubscribers(stack: TestStack, subs: Subscriber[]): Promise<void> {
  for (let i = 0; i < subs.length; i += 25) {
    let items: Record<string, unknown[]> | undefined = {
      [stack.env.SUBSCRIBERS_TABLE!]: subs.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (items && Object.keys(items).length) {
      const out = await doc.batchWrite({ RequestItems: items as never });
      items = out.UnprocessedItems as Record<string, unknown[]> | undefined;
    }
  }
}

/** `n` confirmed subscribers with unique addresses (a few in English), spread over the shards. */
export async function seedConfirmed(stack: TestStack, n: number, local = 'reader'): Promise<Subscriber[]> {
  const subs = Array.from({ length: n }, (_, i) =>
    subscriber(
      stack.address(`${local}${i}-${randomBytes(2).toString('hex')}`),
      'confirmed',
      i % 5 === 4 ? 'en' : 'ja',
    ),
  );
  await putSubscribers(stack, subs);
  return subs;
}

/** `n` confirmed subscribers all in one shard, so one page holds them all, in key order. */
export async function oneShard(stack: TestStack, n: number, shard = 5, local = 'grp'): Promise<Subscriber[]> {
  const subs: Subscriber[] = [];
  while (subs.length < n) {
    const s = subscriber(stack.address(local));
    if (s.shard === shard) subs.push(s);
  }
  await putSubscribers(stack, subs);
  return subs.sort((a, b) => (a.email < b.email ? -1 : 1));
}

export async function getSubscriber(
  stack: TestStack,
  email: string,
): Promise<Subscriber & Record<string, unknown>> {
  const out = await doc.get({ TableName: stack.env.SUBSCRIBERS_TABLE, Key: { email }, ConsistentRead: true });
  return out.Item as Subscriber & Record<string, unknown>;
}

/** What the subscription side does on unsubscribe: status and statusShard together. */
export async function setStatus(stack: TestStack, s: Subscriber, status: SubscriberStatus): Promise<void> {
  await doc.update({
    TableName: stack.env.SUBSCRIBERS_TABLE,
    Key: { email: s.email },
    UpdateExpression: 'SET #s = :s, statusShard = :ss',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': status, ':ss': statusShard(status, s.shard) },
  });
}

// ---- reports ready to dispatch, without going through the render function ---------------

export const PLACEHOLDER = 'KAWARABAN_UNSUBSCRIBE_TOKEN';

export function renderedFor(reportId: string): RenderedReport {
  const part = (lang: string) => ({
    subject: `【${lang}】${reportId}`,
    html: `<p>${lang} body</p><a href="https://news.example.jp/unsubscribe?token=${PLACEHOLDER}">unsubscribe</a>`,
    text: `${lang} body\nunsubscribe: https://news.example.jp/unsubscribe?token=${PLACEHOLDER}\n`,
  });
  return {
    reportId,
    contentHash: 'c0ffee',
    placeholder: PLACEHOLDER,
    locales: { ja: part('ja'), en: part('en') },
  };
}

/** The SES template name the dispatcher gives a `seedReport` report's part (ses-template.ts). */
export function templateNameFor(reportId: string, locale: Locale = 'ja'): string {
  const rendered = renderedFor(reportId);
  const part = rendered.locales[locale];
  return reportTemplate(part.subject, { part, placeholder: rendered.placeholder })!.name;
}

/** The SDK's client, to look into s3rver from outside the code under test (which uses the lean one). */
export const s3 = new S3Client({ forcePathStyle: true });

/** Stores rendered output and a SCHEDULED report item due at `sendAt`. */
export async function seedReport(
  stack: TestStack,
  opts: { reportId?: string; sendAt?: Date; status?: ReportStatus; extra?: Partial<ReportRecord> } = {},
): Promise<ReportRecord> {
  const reportId = opts.reportId ?? `r-${randomBytes(4).toString('hex')}`;
  const rendered = renderedFor(reportId);
  const key = renderedKey(reportId, rendered.contentHash);
  await s3BlobStore(leanS3, stack.env.UPLOAD_BUCKET!).putText(
    key,
    JSON.stringify(rendered),
    'application/json',
  );
  const now = new Date().toISOString();
  const record: ReportRecord = {
    reportId,
    status: opts.status ?? 'SCHEDULED',
    title: `Report ${reportId}`,
    issuedOn: '2030-04-01',
    sendAt: (opts.sendAt ?? new Date('2030-01-01T00:00:00Z')).toISOString(),
    contentHash: rendered.contentHash,
    sourceKey: `reports/${reportId}.json`,
    renderedKey: key,
    counts: zeroCounts(),
    createdAt: now,
    updatedAt: now,
    ...opts.extra,
  };
  await doc.put({ TableName: stack.env.REPORTS_TABLE, Item: { ...reportItem(record) } });
  return record;
}

function reportItem(r: ReportRecord): Record<string, unknown> {
  const { counts, ...rest } = r;
  return { ...rest, ...counts, item: 'report' };
}

export async function ledgerRows(stack: TestStack, reportId: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.query({
      TableName: stack.env.REPORTS_TABLE,
      KeyConditionExpression: 'reportId = :r AND begins_with(#i, :p)',
      ExpressionAttributeNames: { '#i': 'item' },
      ExpressionAttributeValues: { ':r': reportId, ':p': 'to#' },
      ConsistentRead: true,
      ExclusiveStartKey: start,
    });
    rows.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}
