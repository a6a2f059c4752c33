import type { BlobListing, BlobStore } from '../core/ports.ts';
import { decodeUtf8OrThrow } from '../core/text-decoding.ts';
import type { S3Port } from './aws/s3-port.ts';

export function s3BlobStore(client: S3Port, bucket: string): BlobStore {
  const getBytes = async (key: string): Promise<Uint8Array> =>
    (await client.getObject({ Bucket: bucket, Key: key })).Body;
  return {
    getBytes,
    // Strict: bytes that are not UTF-8 throw instead of turning into U+FFFD.
    getText: async (key) => decodeUtf8OrThrow(await getBytes(key)),
    async putText(key, body, contentType) {
      await client.putObject({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: `${contentType}; charset=utf-8`,
      });
    },
    async list(prefix) {
      const listed: BlobListing[] = [];
      let token: string | undefined;
      do {
        const out = await client.listObjects({ Bucket: bucket, Prefix: prefix, ContinuationToken: token });
        for (const o of out.Contents) listed.push({ key: o.Key, etag: o.ETag });
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return listed;
    },
  };
}
