/**
 * The S3 client, created once per module load: the lean one (lean/s3.ts). Endpoint from
 * AWS_ENDPOINT_URL_S3 (path-style there, virtual-hosted on AWS), credentials from the environment.
 */
import { leanS3 } from './lean/s3.ts';
import type { S3Port } from './s3-port.ts';

export const s3: S3Port = leanS3();
