import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../core/ports.ts';

export function s3BlobStore(client: S3Client, bucket: string): BlobStore {
  return {
    async getText(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return out.Body.transformToString('utf-8');
    },
    async putText(key, body, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: `${contentType}; charset=utf-8` }),
      );
    },
  };
}
