/**
 * s3rver emits S3-shaped records for every put/copy/delete but knows nothing of bucket
 * notifications, so the filters the stack sets on the bucket (prefix + suffix) are applied
 * here, and keys are URL-encoded as real S3 events encode them.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { uploadPrefixes, uploadSuffix } from '../infra/tables.ts';

export type RenderHandler = (event: S3Event) => Promise<unknown>;

/** The notification filters the service stack puts on the upload bucket. */
export function matchesRenderFilter(key: string): boolean {
  return (
    (key.startsWith(uploadPrefixes.reports) || key.startsWith(uploadPrefixes.drafts)) && key.endsWith(uploadSuffix)
  );
}

/** S3 notification keys are form-encoded: spaces become '+', other specials %XX. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function s3EventsToRender(bucket: string, handler: RenderHandler, onResult: (r: unknown) => void) {
  let queue = Promise.resolve();
  return (event: { Records: unknown[] }) => {
    const records = (event.Records as S3EventRecord[]).filter(
      (r) =>
        r.eventName.startsWith('ObjectCreated:') && r.s3.bucket.name === bucket && matchesRenderFilter(r.s3.object.key),
    );
    if (records.length === 0) return;
    const encoded = records.map((r) => ({
      ...r,
      s3: { ...r.s3, object: { ...r.s3.object, key: encodeS3Key(r.s3.object.key) } },
    }));
    // One at a time, like a Lambda with a single concurrent execution per object.
    queue = queue
      .then(() => handler({ Records: encoded }))
      .then(onResult, (err) => console.error('[render] failed:', err instanceof Error ? err.message : err));
  };
}
