/**
 * S3 over the lean transport (REST-XML): GetObject, PutObject and HeadObject, the operations
 * kawaraban uses, with the SDK's standard retries. Replaces @aws-sdk/client-s3 (~85 KiB minified
 * with its checksums, XML builder and S3 middleware) in every function bundle.
 *
 * Steps of a call: 1. address the object (path-style on a configured endpoint, virtual-hosted on
 * AWS); 2. sign with the payload's SHA-256 (`x-amz-content-sha256`, which aws4 adds for `s3`);
 * 3. send, retrying throttling and transient faults; 4. read the headers into the SDK's fields.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ObjectAddress, ObjectHead, S3Port } from '../s3-port.ts';
import { errorFromResponse } from './errors.ts';
import { type RetryPolicy, standardRetry, withRetries } from './retry.ts';
import { type AwsClientConfig, AwsEndpoint, type AwsResponse, type AwsService } from './signed-request.ts';

const S3: AwsService = { signingName: 's3', endpointEnv: 'S3', hostPrefix: 's3' };

/** A bucket name that can be a host's first label under TLS (no dots), as the SDK decides. */
const VIRTUAL_HOSTABLE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

const META = 'x-amz-meta-';

/**
 * A key as a path: each segment percent-encoded except S3's unreserved characters (A–Z a–z 0–9
 * `-_.~`), slashes kept. `+` becomes `%2B` (a bare `+` would read as a space), UTF-8 bytes as %XX.
 */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** The fields the SDK reads from an object's headers (metadata keys lower-case, without the prefix). */
function objectHead(headers: IncomingHttpHeaders): ObjectHead {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(META) && typeof value === 'string') metadata[name.slice(META.length)] = value;
  }
  const length = header(headers, 'content-length');
  const modified = header(headers, 'last-modified');
  return {
    ContentType: header(headers, 'content-type'),
    ContentLength: length === undefined ? undefined : Number(length),
    ContentEncoding: header(headers, 'content-encoding'),
    CacheControl: header(headers, 'cache-control'),
    ETag: header(headers, 'etag'),
    LastModified: modified === undefined ? undefined : new Date(modified),
    Metadata: metadata,
  };
}

/**
 * Where an object is: on a configured endpoint (an emulator: its host is an IP or localhost, where
 * no bucket label can go) the bucket is in the path; on AWS in the host (virtual-hosted style), but
 * for a name with dots, which breaks TLS there and stays in the path, as the SDK decides.
 */
export function objectLocation(
  { Bucket, Key }: ObjectAddress,
  at: { endpoint?: string; region: () => string },
): { host?: string; path: string } {
  if (!Bucket || !Key) throw new Error(`S3: an object needs a bucket and a key (got "${Bucket}", "${Key}")`);
  const key = encodeKey(Key);
  if (at.endpoint || !VIRTUAL_HOSTABLE.test(Bucket)) return { path: `/${Bucket}/${key}` };
  return { host: `https://${Bucket}.s3.${at.region()}.amazonaws.com`, path: `/${key}` };
}

export function leanS3(config: AwsClientConfig = {}, retry: RetryPolicy = standardRetry): S3Port {
  const base = new AwsEndpoint(S3, config);
  const virtualHosts = new Map<string, AwsEndpoint>();

  function address(object: ObjectAddress): { endpoint: AwsEndpoint; path: string } {
    // Read per call, as the transport reads it: the CLI sets it after choosing a target.
    const endpoint = config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    const { host, path } = objectLocation(object, { endpoint, region: () => base.region() });
    if (!host) return { endpoint: base, path };
    let hosted = virtualHosts.get(host);
    if (!hosted) {
      hosted = new AwsEndpoint(S3, { ...config, endpoint: host });
      virtualHosts.set(host, hosted);
    }
    return { endpoint: hosted, path };
  }

  function call(
    operation: string,
    method: 'GET' | 'PUT' | 'HEAD',
    object: ObjectAddress,
    headers?: Record<string, string>,
    body?: Buffer,
  ): Promise<AwsResponse> {
    const { endpoint, path } = address(object);
    return withRetries(retry, async (attempt) => {
      const res = await endpoint.send({ method, path, headers, body, operation });
      if (res.status >= 300) throw errorFromResponse(res.status, res.headers, res.body, attempt);
      return res;
    });
  }

  return {
    async getObject(input) {
      const res = await call('GetObject', 'GET', input);
      return { ...objectHead(res.headers), Body: res.body };
    },

    async putObject(input) {
      const headers: Record<string, string> = {
        // Without one aws4 would sign a form content type, and S3 would store it.
        'content-type': input.ContentType ?? 'application/octet-stream',
      };
      if (input.CacheControl) headers['cache-control'] = input.CacheControl;
      for (const [name, value] of Object.entries(input.Metadata ?? {})) {
        headers[`${META}${name.toLowerCase()}`] = value;
      }
      const body =
        typeof input.Body === 'string'
          ? Buffer.from(input.Body, 'utf8')
          : Buffer.from(input.Body.buffer, input.Body.byteOffset, input.Body.byteLength);
      const res = await call('PutObject', 'PUT', input, headers, body);
      return { ETag: header(res.headers, 'etag'), VersionId: header(res.headers, 'x-amz-version-id') };
    },

    async headObject(input) {
      return objectHead((await call('HeadObject', 'HEAD', input)).headers);
    },
  };
}
