/** The S3 client, created once per module load; endpoint from AWS_ENDPOINT_URL_S3. */
import { S3Client } from '@aws-sdk/client-s3';
import { traced } from './tracer.ts';

// Path-style keeps bucket names out of DNS: required by the S3 emulator, harmless on AWS.
export const s3 = traced(new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL_S3 }));
