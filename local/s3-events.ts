/**
 * s3rver emits S3-shaped records for every put/copy/delete but knows nothing of bucket
 * notifications, so the filters the stack sets on the bucket (prefixes) are applied
 * here, and keys are URL-encoded as real S3 events encode them.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { s3 } from '../functions/adapters/aws/s3.ts';
import type { S3Port } from '../functions/adapters/aws/s3-port.ts';
import { EDITOR_METADATA } from '../functions/core/report.ts';
import { uploadPrefixes, uploadSuffix } from '../infra/tables.ts';

export type RenderHandler = (event: S3Event) => Promise<unknown>;

/** The notification filters the service stack puts on the upload bucket. */
export function matchesRenderFilter(key: string): boolean {
  return (
    key.startsWith(uploadPrefixes.reports) ||
    key.startsWith(uploadPrefixes.drafts) ||
    (process.env.APPROVAL_REQUIRED === 'true' &&
      key.startsWith(uploadPrefixes.approvals) &&
      key.endsWith(uploadSuffix))
  );
}

/**
 * Who put an object, as the S3 event's principal: on AWS, AWS says so; locally nobody signs in,
 * so the editor name the CLI records as object metadata (`KAWARABAN_EDITOR`) plays that part.
 */
export type Identify = (key: string) => Promise<string | undefined>;

/** Identify by the object's `x-amz-meta-kawaraban-editor` (URI-encoded, so any name fits a header). */
export function editorFromMetadata(bucket: string, client: S3Port = s3): Identify {
  return async (key) => {
    try {
      const out = await client.headObject({ Bucket: bucket, Key: key });
      const raw = out.Metadata?.[EDITOR_METADATA]?.trim();
      return raw ? decodeURIComponent(raw) : undefined;
    } catch {
      return undefined; // deleted meanwhile or undecodable: nobody vouches for it
    }
  };
}

/** S3 notification keys are form-encoded: spaces become '+', other specials %XX. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function s3EventsToRender(
  bucket: string,
  handler: RenderHandler,
  onResult: (r: unknown) => void,
  identify?: Identify,
) {
  let queue = Promise.resolve();
  return (event: { Records: unknown[] }) => {
    const records = (event.Records as S3EventRecord[]).filter(
      (r) =>
        r.eventName.startsWith('ObjectCreated:') &&
        r.s3.bucket.name === bucket &&
        matchesRenderFilter(r.s3.object.key),
    );
    if (records.length === 0) return;
    const encoded = records.map((r) => ({
      ...r,
      s3: { ...r.s3, object: { ...r.s3.object, key: encodeS3Key(r.s3.object.key) } },
    }));
    // One at a time, like a Lambda with a single concurrent execution per object.
    queue = queue
      .then(async () => {
        if (!identify) return handler({ Records: encoded });
        const named = await Promise.all(
          encoded.map(async (r, i) => {
            const name = await identify(records[i]!.s3.object.key);
            // s3rver invents a random principal per event: never let it pass for a person.
            return { ...r, userIdentity: { principalId: name ? `local:${name}` : '' } };
          }),
        );
        return handler({ Records: named });
      })
      .then(onResult, (err) => console.error('[render] failed:', err instanceof Error ? err.message : err));
  };
}
