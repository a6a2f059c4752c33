/** Which language and which format (HTML or JSON) a response should be in. */
import { LOCALES, type Locale } from '../core/subscriber.ts';
import type { HttpRequest } from './request.ts';

export function asLocale(value: string | null | undefined): Locale | null {
  const v = value?.trim().toLowerCase();
  return v && (LOCALES as readonly string[]).includes(v) ? (v as Locale) : null;
}

/** Explicit `lang` (form field, then query) wins; then Accept-Language by q-value; then the default. */
export function pickLocale(req: HttpRequest, fallback: Locale, fields?: Map<string, string>): Locale {
  return (
    asLocale(fields?.get('lang')) ??
    asLocale(req.query.get('lang')) ??
    fromAcceptLanguage(req.headers['accept-language']) ??
    fallback
  );
}

export function fromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranges = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranges) {
    const locale = asLocale(r.primary);
    if (locale) return locale;
  }
  return null;
}

/** JSON in → JSON out; otherwise JSON only when the client asks for it and not for HTML. */
export function wantsJson(req: HttpRequest): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (/^application\/([\w.+-]*\+)?json/.test(type)) return true;
  const accept = (req.headers.accept ?? '').toLowerCase();
  return accept.includes('application/json') && !accept.includes('text/html');
}
