/**
 * Maps an archive request to the object that answers it: a page, the index or the feed, in Japanese
 * (/archive/…, /feed.xml) or English (/archive/en/…); 404 otherwise.
 */
import type { BlobStore } from '../core/ports.ts';
import { ARCHIVE_RESERVED_IDS, archiveKeys, REPORT_ID_PATTERN } from '../core/report.ts';
import type { Locale } from '../core/subscriber.ts';
import { COMMON_HEADERS, CONTENT_SECURITY_POLICY } from '../http/html.ts';

export interface ArchiveResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

// The archive pages are the email's HTML: inline styles and a <style> block, no script.
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; frame-ancestors 'none'";

const HTML = 'text/html; charset=utf-8';
const FEED = { type: 'application/atom+xml; charset=utf-8', csp: "default-src 'none'" };

function target(path: string): { key: string; type: string; csp: string } | null {
  if (path === '/feed.xml') return { key: archiveKeys.feed('ja'), ...FEED };
  // /archive… is Japanese, /archive/en… English; `rest` is what follows, slash included.
  const en = /^\/archive\/en(\/.*)?$/.exec(path);
  const ja = en ? null : /^\/archive(\/.*)?$/.exec(path);
  const locale: Locale | null = en ? 'en' : ja ? 'ja' : null;
  if (!locale) return null;
  const rest = (en ?? ja)![1] ?? '';
  if (rest === '' || rest === '/')
    return { key: archiveKeys.index(locale), type: HTML, csp: CONTENT_SECURITY_POLICY };
  if (locale === 'en' && rest === '/feed.xml') return { key: archiveKeys.feed('en'), ...FEED };
  const id = /^\/([^/]+?)(?:\.html)?$/.exec(rest)?.[1];
  if (id && REPORT_ID_PATTERN.test(id) && !ARCHIVE_RESERVED_IDS.includes(id))
    return { key: archiveKeys.page(id, locale), type: HTML, csp: PAGE_CSP };
  return null;
}

export function serveArchive(blobs: BlobStore): (path: string, method: string) => Promise<ArchiveResponse> {
  return async (path, method) => {
    const plain = (statusCode: number, body: string, extra: Record<string, string> = {}) => ({
      statusCode,
      headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
      body,
    });
    if (method !== 'GET' && method !== 'HEAD')
      return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
    const t = target(path);
    if (!t) return plain(404, 'not found');
    let body: string;
    try {
      body = await blobs.getText(t.key);
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return plain(404, 'not found');
      throw err;
    }
    return {
      statusCode: 200,
      // Public, identical for every reader: caches may keep it five minutes (a new issue shows up within that).
      headers: {
        ...COMMON_HEADERS,
        'Cache-Control': 'public, max-age=300',
        'Content-Type': t.type,
        'Content-Security-Policy': t.csp,
      },
      body: method === 'HEAD' ? '' : body,
    };
  };
}

/** The paths the archive function answers (the HTTP API routes them there; locally, local/stack.ts does). */
export function isArchivePath(path: string): boolean {
  return path === '/feed.xml' || path === '/archive' || path.startsWith('/archive/');
}
