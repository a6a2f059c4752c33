import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobListing, BlobStore } from '../core/ports.ts';
import { decodeUtf8OrThrow } from '../core/text-decoding.ts';

export function s3BlobStore(client: S3Client, bucket: string): BlobStore {
  const getBytes = async (key: string): Promise<Uint8Array> => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return out.Body.transformToByteArray();
  };
  return {
    getBytes,
    // Strict: bytes that are not UTF-8 throw instead of turning into U+FFFD.
    getText: async (key) => decodeUtf8OrThrow(await getBytes(key)),
    async putText(key, body, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: `${contentType}; charset=utf-8`,
        }),
      );
    },
    async list(prefix) {
      const listed: BlobListing[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of out.Contents ?? []) if (o.Key) listed.push({ key: o.Key, etag: o.ETag ?? '' });
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return listed;
    },
  };
}
