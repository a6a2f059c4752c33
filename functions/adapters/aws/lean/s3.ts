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
import type { ListObjectsOutput, ObjectAddress, ObjectHead, S3Port } from '../s3-port.ts';
import { callAws } from './call.ts';
import { type RetryPolicy, standardRetry } from './retry.ts';
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
  return location(Bucket, `/${encodeKey(Key)}`, at);
}

/** Where a bucket's own operations go (a listing): as objectLocation, with no key. */
export function bucketLocation(
  Bucket: string,
  at: { endpoint?: string; region: () => string },
): { host?: string; path: string } {
  if (!Bucket) throw new Error('S3: a listing needs a bucket');
  return location(Bucket, '', at);
}

function location(
  bucket: string,
  keyPath: string,
  at: { endpoint?: string; region: () => string },
): { host?: string; path: string } {
  if (at.endpoint || !VIRTUAL_HOSTABLE.test(bucket)) return { path: `/${bucket}${keyPath}` };
  return { host: `https://${bucket}.s3.${at.region()}.amazonaws.com`, path: keyPath || '/' };
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of an XML element's content: S3 escapes the five entities and, in keys, characters by number. */
function xmlText(raw: string): string {
  return raw.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return XML_ENTITIES[name] ?? whole;
    return String.fromCodePoint(
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)),
    );
  });
}

const element = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];

/**
 * A ListObjectsV2 answer, read with regular expressions: its shape is flat and fixed (no XML
 * parser in the bundle for one list); only Key and ETag of each object are kept.
 */
export function parseListing(xml: string): ListObjectsOutput {
  const contents = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => ({
    Key: xmlText(element(m[1]!, 'Key') ?? ''),
    ETag: xmlText(element(m[1]!, 'ETag') ?? ''),
  }));
  const token = element(xml, 'NextContinuationToken');
  return {
    Contents: contents,
    IsTruncated: element(xml, 'IsTruncated') === 'true',
    ...(token ? { NextContinuationToken: xmlText(token) } : {}),
  };
}

export function leanS3(config: AwsClientConfig = {}, retry: RetryPolicy = standardRetry): S3Port {
  const base = new AwsEndpoint(S3, config);
  const virtualHosts = new Map<string, AwsEndpoint>();

  /** The endpoint and path of an object, or of its bucket for a listing (`query` set). */
  function address(object: ObjectAddress, ofBucket: boolean): { endpoint: AwsEndpoint; path: string } {
    // Read per call, as the transport reads it: the CLI sets it after choosing a target.
    const endpoint = config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    const at = { endpoint, region: () => base.region() };
    const { host, path } = ofBucket ? bucketLocation(object.Bucket, at) : objectLocation(object, at);
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
    query?: string,
  ): Promise<AwsResponse> {
    const located = address(object, query !== undefined);
    const path = query === undefined ? located.path : `${located.path}?${query}`;
    return callAws(located.endpoint, { method, path, headers, body, operation }, retry);
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

    async listObjects(input) {
      const query = new URLSearchParams({ 'list-type': '2', prefix: input.Prefix });
      if (input.ContinuationToken) query.set('continuation-token', input.ContinuationToken);
      if (input.MaxKeys) query.set('max-keys', String(input.MaxKeys));
      // URLSearchParams writes a space as +; S3 (and the signature) want %20.
      const encoded = query.toString().replaceAll('+', '%20');
      const res = await call(
        'ListObjectsV2',
        'GET',
        { Bucket: input.Bucket, Key: '' },
        undefined,
        undefined,
        encoded,
      );
      return parseListing(res.body.toString('utf8'));
    },

    async headObject(input) {
      return objectHead((await call('HeadObject', 'HEAD', input)).headers);
    },
  };
}
