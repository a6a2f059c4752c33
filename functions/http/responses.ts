/** Builders for the three kinds of response: an HTML page, JSON, and RFC 8058's short text. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { COMMON_HEADERS, PAGE_HEADERS, pageDocument, type PageShell } from './html.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

export function pageResponse(
  status: number,
  shell: PageShell,
  extra: Record<string, string> = {},
): HttpResult {
  return { statusCode: status, headers: { ...PAGE_HEADERS, ...extra }, body: pageDocument(shell) };
}

export function jsonResponse(
  status: number,
  body: Record<string, unknown>,
  extra: Record<string, string> = {},
): HttpResult {
  return {
    statusCode: status,
    headers: { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...extra },
    body: JSON.stringify(body),
  };
}

export function textResponse(status: number, text: string, extra: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
    body: `${text}\n`,
  };
}
