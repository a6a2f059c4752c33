/**
 * Reads a request body as form fields, whatever way it came: urlencoded (HTML forms, RFC 8058),
 * multipart/form-data (RFC 8058's preferred form) or a JSON object (API clients).
 * Only string values are kept; the first value of a repeated field wins. Text is strict UTF-8,
 * percent-escapes included: bytes that are not are a malformed body, never U+FFFD.
 */
import { decodeUtf8 } from '../core/text-decoding.ts';
import { boundaryOf, parseMultipart } from './multipart.ts';
import { MAX_BODY_BYTES, type HttpRequest } from './request.ts';

export type BodyFormat = 'empty' | 'form' | 'multipart' | 'json';

export type BodyProblem = 'too-large' | 'unsupported-type' | 'malformed';

export type FormBody =
  | { ok: true; format: BodyFormat; fields: Map<string, string> }
  | { ok: false; problem: BodyProblem };

export function mediaType(req: HttpRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function readBody(req: HttpRequest): FormBody {
  if (req.body.length > MAX_BODY_BYTES) return { ok: false, problem: 'too-large' };
  const type = mediaType(req);
  if (req.body.length === 0) return { ok: true, format: 'empty', fields: new Map() };
  // No type at all, or text/plain (an HTML form with enctype="text/plain" is close enough): read as urlencoded.
  if (type === '' || type === 'application/x-www-form-urlencoded' || type === 'text/plain') {
    const text = utf8(req.body);
    const fields = text === null ? null : urlencoded(text);
    return fields ? { ok: true, format: 'form', fields } : { ok: false, problem: 'malformed' };
  }
  if (type === 'multipart/form-data') {
    const boundary = boundaryOf(req.headers['content-type'] ?? '');
    const fields = boundary ? parseMultipart(req.body, boundary) : null;
    return fields ? { ok: true, format: 'multipart', fields } : { ok: false, problem: 'malformed' };
  }
  if (type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type)) {
    const text = utf8(req.body);
    const fields = text === null ? null : jsonObject(text);
    return fields ? { ok: true, format: 'json', fields } : { ok: false, problem: 'malformed' };
  }
  return { ok: false, problem: 'unsupported-type' };
}

function utf8(bytes: Buffer): string | null {
  const r = decodeUtf8(bytes);
  return r.ok ? r.text.replace(/^\uFEFF/, '') : null;
}

/** Like URLSearchParams, but a percent-escape that is not UTF-8 (`%FF`, `%C0%AF`) makes the body malformed. */
function urlencoded(text: string): Map<string, string> | null {
  const fields = new Map<string, string>();
  for (const pair of text.replace(/\r?\n$/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = percentDecode(eq < 0 ? pair : pair.slice(0, eq));
    const v = percentDecode(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === null || v === null) return null;
    if (!fields.has(k)) fields.set(k, v);
  }
  return fields;
}

function percentDecode(s: string): string | null {
  try {
    // A '%' that starts no escape stays literal (as URLSearchParams keeps it); decodeURIComponent refuses bad UTF-8.
    return decodeURIComponent(s.replace(/\+/g, ' ').replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
  } catch {
    return null;
  }
}

function jsonObject(text: string): Map<string, string> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const fields = new Map<string, string>();
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') fields.set(k, v);
  return fields;
}
