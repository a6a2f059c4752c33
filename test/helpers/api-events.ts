/**
 * API Gateway HTTP API (payload 2.0) events for the api handler, built from the real sample
 * in test/fixtures/aws-events/ with only the request-specific parts replaced.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const sample = JSON.parse(
  readFileSync(
    new URL('../fixtures/aws-events/apigw-httpapi-v2__powertools-python.json', import.meta.url),
    'utf8',
  ),
) as APIGatewayProxyEventV2;

export interface EventInit {
  method?: string;
  path: string;
  query?: string | Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** API Gateway base64-encodes non-text bodies (forms included); default: only for Buffers. */
  base64?: boolean;
  sourceIp?: string;
  userAgent?: string;
}

export function apiEvent(init: EventInit): APIGatewayProxyEventV2 {
  const event = structuredClone(sample);
  const method = init.method ?? 'GET';
  const rawQueryString =
    typeof init.query === 'string' ? init.query : new URLSearchParams(init.query ?? {}).toString();
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;
  // HTTP APIs lower-case header names; the fixture's own headers are dropped.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  const userAgent = init.userAgent ?? 'Mozilla/5.0 (kawaraban test)';
  headers['user-agent'] ??= userAgent;
  const base64 = init.base64 ?? Buffer.isBuffer(init.body);
  const bodyBytes =
    init.body === undefined
      ? undefined
      : Buffer.isBuffer(init.body)
        ? init.body
        : Buffer.from(init.body, 'utf8');
  event.rawPath = init.path;
  event.rawQueryString = rawQueryString;
  event.queryStringParameters = Object.keys(query).length ? query : undefined;
  event.headers = headers;
  delete event.cookies;
  delete event.pathParameters;
  delete event.stageVariables;
  event.requestContext.http = {
    ...event.requestContext.http,
    method,
    path: init.path,
    sourceIp: init.sourceIp ?? '198.51.100.10',
    userAgent,
  };
  event.requestContext.requestId = `test-${Math.random().toString(36).slice(2)}`;
  event.body = bodyBytes ? bodyBytes.toString(base64 ? 'base64' : 'utf8') : undefined;
  event.isBase64Encoded = !!bodyBytes && base64;
  return event;
}

export function formBody(fields: Record<string, string>): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

export function jsonBody(value: unknown): { body: string; headers: Record<string, string> } {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

export function multipartBody(
  fields: Record<string, string>,
  boundary = '----kawarabanTestBoundary7MA4YWxk',
): {
  body: string;
  headers: Record<string, string>;
} {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
