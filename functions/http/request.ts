/**
 * The parts of an API Gateway HTTP API (payload 2.0) event the routes use, normalised:
 * upper-case method, path without the stage prefix, lower-case header names, the raw query
 * string parsed once (first value wins), the body as bytes.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
  userAgent: string;
  requestId: string;
}

/** Largest body any route accepts: a form with one address, or an RFC 8058 POST. */
export const MAX_BODY_BYTES = 8 * 1024;

export function toHttpRequest(event: APIGatewayProxyEventV2): HttpRequest {
  const ctx = event.requestContext;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const rawPath = event.rawPath || ctx?.http?.path || '/';
  const stage = ctx?.stage;
  let path =
    stage && stage !== '$default' && rawPath.startsWith(`/${stage}/`)
      ? rawPath.slice(stage.length + 1)
      : rawPath;
  if (path.length > 1) path = path.replace(/\/+$/, '') || '/';
  return {
    method: (ctx?.http?.method ?? 'GET').toUpperCase(),
    path,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    body: decodeBody(event),
    sourceIp: ctx?.http?.sourceIp ?? 'unknown',
    userAgent: (ctx?.http?.userAgent ?? headers['user-agent'] ?? '').slice(0, 512),
    requestId: ctx?.requestId ?? '',
  };
}

function decodeBody(event: APIGatewayProxyEventV2): Buffer {
  if (typeof event.body !== 'string' || event.body.length === 0) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}
