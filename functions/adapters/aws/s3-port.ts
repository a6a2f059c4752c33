/**
 * The S3 operations kawaraban uses, named and typed as the SDK names them (types only: they cost
 * nothing in a bundle). One implementation: lean/s3.ts. Errors carry S3's code as `name`
 * (`NoSuchKey`; a HEAD's 404 has no body and is `NotFound`, as with the SDK).
 */
import type {
  GetObjectCommandOutput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';

/** Bucket and key, both required (the SDK types them `string | undefined`). */
export interface ObjectAddress {
  Bucket: string;
  Key: string;
}

/** What an object's headers say, as the SDK's GetObject/HeadObject outputs give it. */
export type ObjectHead = Pick<
  GetObjectCommandOutput,
  'ContentType' | 'ContentLength' | 'ContentEncoding' | 'CacheControl' | 'ETag' | 'LastModified' | 'Metadata'
>;

/** The whole body read into memory (the SDK's is a stream): reports and pages are small. */
export type GetObjectOutput = ObjectHead & { Body: Buffer };

export type PutObjectInput = ObjectAddress &
  Pick<PutObjectCommandInput, 'ContentType' | 'CacheControl' | 'Metadata'> & { Body: string | Uint8Array };

export type PutObjectOutput = Pick<PutObjectCommandOutput, 'ETag' | 'VersionId'>;

export interface ListObjectsInput {
  Bucket: string;
  Prefix: string;
  ContinuationToken?: string;
  /** At most this many keys per page (S3's default and ceiling: 1,000). */
  MaxKeys?: number;
}

/** One page of a listing: the keys and ETags (as S3 quotes them), and where the next page starts. */
export interface ListObjectsOutput {
  Contents: { Key: string; ETag: string }[];
  IsTruncated: boolean;
  NextContinuationToken?: string;
}

export interface S3Port {
  getObject(input: ObjectAddress): Promise<GetObjectOutput>;
  /** ListObjectsV2: up to 1,000 keys under a prefix. */
  listObjects(input: ListObjectsInput): Promise<ListObjectsOutput>;
  putObject(input: PutObjectInput): Promise<PutObjectOutput>;
  headObject(input: ObjectAddress): Promise<ObjectHead>;
}
