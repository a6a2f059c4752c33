/**
 * Uploads as the render function meets them: the object put into s3rver, and the S3 event real
 * S3 sends for it (the real sample in test/fixtures/aws-events/ with this object's names).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { s3 } from './audience.ts';
import { fixture } from './ses-events.ts';
import type { TestStack } from './stack.ts';

/** examples/sample-report.json, parsed: the report most tests upload with their own id. */
export const sampleReport = JSON.parse(
  readFileSync(new URL('../../examples/sample-report.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

let sequence = 0;

/**
 * The event S3 sends for one object: this bucket, the key URL-encoded as S3 sends it, a fresh
 * ETag and a sequencer later than every one before it (the render function orders uploads by it).
 */
export function s3ObjectEvent(
  bucket: string,
  key: string,
  opts: { eventName?: string; size?: number } = {},
): S3Event {
  const event = fixture('s3-objectcreated-put__aws-lambda-go-urlencoded-key.json') as unknown as S3Event;
  const r = event.Records[0]!;
  r.eventName = opts.eventName ?? 'ObjectCreated:Put';
  r.s3.bucket.name = bucket;
  r.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
  r.s3.object.key = encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
  r.s3.object.sequencer = `00${(++sequence).toString(16).padStart(16, '0')}`;
  r.s3.object.eTag = randomBytes(16).toString('hex');
  if (opts.size !== undefined) r.s3.object.size = opts.size;
  return event;
}

/** Puts `body` at `key` in the stack's upload bucket. */
export async function putUpload(stack: TestStack, key: string, body: string | Uint8Array): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: stack.env.UPLOAD_BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/json',
    }),
  );
}

/**
 * The sample report with `id` (and `over`) uploaded as `reports/<id>.json` and handed to the
 * render function's handler, as the bucket's notification would.
 */
export async function uploadSample<R>(
  stack: TestStack,
  render: (event: S3Event) => Promise<R>,
  id: string,
  over: Record<string, unknown> = {},
): Promise<R> {
  const key = `reports/${id}.json`;
  await putUpload(stack, key, JSON.stringify({ ...sampleReport, id, ...over }));
  return render(s3ObjectEvent(stack.env.UPLOAD_BUCKET!, key));
}

/** Every key in the stack's upload bucket, sorted. */
export async function uploadedKeys(stack: TestStack): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: stack.env.UPLOAD_BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}
