/**
 * The archive's Lambda entry (API Gateway HTTP API, payload 2.0): GET /archive/, /archive/<id> and
 * /feed.xml in Japanese, /archive/en/, /archive/en/<id> and /archive/en/feed.xml in English, served
 * from the pages the dispatcher wrote under archive/ when each report was sent.
 * Public and the same for everyone (no reader's token anywhere), so shared caches may keep them a while.
 * Its own function, not the api's: read-only on archive/*, and the api function stays free of the S3 client.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { s3 } from './adapters/aws/s3.ts';
import { s3BlobStore } from './adapters/s3-blob-store.ts';
import { serveArchive } from './archive/serve.ts';
import { loadConfig } from './core/config.ts';

const config = loadConfig();
const serve = serveArchive(s3BlobStore(s3, config.bucket));

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return serve(event.rawPath, event.requestContext?.http?.method ?? 'GET');
}
