/**
 * Checks a received request's Signature V4 with the SDK's own signer (@smithy/signature-v4), an
 * implementation independent of aws4: what AWS would compute from the same bytes. Needed because
 * s3rver does not check V4 signatures and no Lambda emulator exists.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

export interface ReceivedRequest {
  method: string;
  /** Path and query as they arrived (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

/** What the request claims (scope, signed headers) and whether the SDK's signer agrees with its signature. */
export async function checkSignature(
  req: ReceivedRequest,
  secretAccessKey: string,
): Promise<{ service: string; region: string; signedHeaders: string[]; valid: boolean }> {
  const m = AUTH.exec(String(req.headers.authorization ?? ''));
  if (!m) throw new Error(`not a SigV4 Authorization header: ${req.headers.authorization}`);
  const [, accessKeyId, , region, service, signedList, signature] = m as unknown as string[];
  const signedHeaders = signedList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(req.headers[name] ?? '');
  const amzDate = String(req.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [path, query = ''] = req.url.split('?');
  const signer = new SignatureV4({
    service: service!,
    region: region!,
    credentials: {
      accessKeyId: accessKeyId!,
      secretAccessKey,
      sessionToken: req.headers['x-amz-security-token'] as string | undefined,
    },
    sha256: Sha256,
    // S3 signs the path as sent; every other service signs it encoded once more.
    uriEscapePath: service !== 's3',
    applyChecksum: service === 's3',
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: String(req.headers.host).split(':')[0]!,
      path: path!,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers,
      body: req.body,
    },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const theirs = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
  return { service: service!, region: region!, signedHeaders, valid: theirs === signature };
}
