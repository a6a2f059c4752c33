/**
 * Who the client is when CloudFront (with its WAF) stands in front of the API (deploy context
 * edgeWaf=true). API Gateway then sees CloudFront's edge address as the TCP peer, so the
 * per-client counters would count edge locations; CloudFront passes the viewer's own address in
 * `CloudFront-Viewer-Address`. Anyone can send that header, so it is believed only on a request
 * that also carries the origin secret CloudFront adds as a custom origin header (CloudFront
 * overwrites a viewer's header of that name, so only CloudFront can set it).
 *
 * A request without the secret — straight to the API's own endpoint, old links included — is
 * counted by its TCP peer exactly as without the edge: that peer is then the client itself.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { HttpRequest } from './request.ts';

/** The custom origin header CloudFront adds (its value is the secret); lower case as HTTP APIs deliver it. */
export const ORIGIN_SECRET_HEADER = 'x-kawaraban-origin';
/** CloudFront's header with the viewer's address and port ("198.51.100.10:46532", "2001:db8::1:46532"). */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/**
 * How the client address was decided, for the request's log line: `edge` (through CloudFront,
 * the viewer's address), `direct` (no edge headers: the TCP peer), `forged` (an edge header
 * without the right secret, ignored), `edge-unreadable` (right secret, unusable viewer address:
 * the TCP peer, which is an edge location), `secret-unavailable` (the secret could not be read:
 * the TCP peer, so edge clients share their edge's counters until it can — stricter, never looser).
 */
export type ClientVia = 'edge' | 'direct' | 'forged' | 'edge-unreadable' | 'secret-unavailable';

export interface ClientAddress {
  sourceIp: string;
  via: ClientVia;
}

/**
 * The client's address: the viewer's, only when the request proves it came through our
 * CloudFront. The secret is loaded only for a request that presents one, so direct requests
 * never depend on Secrets Manager.
 */
export async function clientAddress(
  req: HttpRequest,
  originSecret: () => Promise<Buffer>,
): Promise<ClientAddress> {
  const presented = req.headers[ORIGIN_SECRET_HEADER];
  const viewer = req.headers[VIEWER_ADDRESS_HEADER];
  if (presented === undefined) {
    return { sourceIp: req.sourceIp, via: viewer === undefined ? 'direct' : 'forged' };
  }
  let secret: Buffer;
  try {
    secret = await originSecret();
  } catch {
    return { sourceIp: req.sourceIp, via: 'secret-unavailable' };
  }
  if (!sameSecret(presented, secret)) return { sourceIp: req.sourceIp, via: 'forged' };
  const ip = viewer === undefined ? null : viewerIp(viewer);
  return ip ? { sourceIp: ip, via: 'edge' } : { sourceIp: req.sourceIp, via: 'edge-unreadable' };
}

/**
 * The address in a `CloudFront-Viewer-Address` value: everything before the last colon (the
 * port), which must be one IPv4 or IPv6 address. Anything else (two values joined by a comma,
 * brackets, no port) is null.
 */
export function viewerIp(value: string): string | null {
  const m = /^(.+):(\d{1,5})$/.exec(value.trim());
  if (!m || Number(m[2]) > 65_535) return null;
  const ip = m[1]!;
  return isIP(ip) === 0 ? null : ip;
}

/** Constant-time comparison; a different length is a mismatch without comparing bytes. */
function sameSecret(presented: string, secret: Buffer): boolean {
  const given = Buffer.from(presented, 'utf8');
  return given.length === secret.length && timingSafeEqual(given, secret);
}
