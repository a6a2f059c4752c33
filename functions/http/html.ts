/**
 * The page shell: escaping, one stylesheet, and the security headers. No script anywhere:
 * every page works with JavaScript off, and the CSP forbids scripts outright. The only
 * inline content is the stylesheet, allowed by its hash.
 */
import { createHash } from 'node:crypto';
import { keepWords, phrases } from '../../emails/phrases.ts';
import type { Locale } from '../core/subscriber.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A fragment already escaped; `html` below escapes everything else it interpolates. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return esc(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < parts.length ? render(parts[i]!) : ''), ''));
}

/** Colours, each checked against the background in test/unit/http-pages.test.ts (WCAG AA), in both schemes. */
export const PALETTE = {
  background: '#ffffff',
  text: '#1f2328',
  muted: '#424a53',
  link: '#0b5cad',
  linkHover: '#094b8d',
  error: '#b3261e',
  focus: '#b35c00',
  border: '#57606a',
  rule: '#d0d7de',
} as const;

/** The same roles for `prefers-color-scheme: dark`. */
export const DARK_PALETTE: { [K in keyof typeof PALETTE]: string } = {
  background: '#0d1117',
  text: '#e6edf3',
  muted: '#9da7b3',
  link: '#6cb6ff',
  linkHover: '#9ccfff',
  error: '#ff8a80',
  focus: '#f0a35e',
  border: '#8b949e',
  rule: '#30363d',
};

const vars = (p: { [K in keyof typeof PALETTE]: string }) =>
  Object.entries(p)
    .map(([k, v]) => `--${k}:${v}`)
    .join(';');
/** Every colour below is one of these variables, so the dark scheme is one block. */
const c = Object.fromEntries(Object.keys(PALETTE).map((k) => [k, `var(--${k})`])) as Record<
  keyof typeof PALETTE,
  string
>;

/**
 * Japanese fonts come first: with `system-ui` first, Windows set to English or Chinese draws kanji
 * with Chinese glyphs (and Linux or Android may pick the SC cut of Noto CJK). English pages put
 * the Latin system font first, but anything marked `lang="ja"` in them (the newsletter's and the
 * sender's names) goes back to the Japanese list.
 */
const JA_FONTS =
  '"Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans JP","Noto Sans CJK JP","Yu Gothic UI",Meiryo';
const LATIN_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial';

const CSS = `
:root{color-scheme:light dark;${vars(PALETTE)}}
@media (prefers-color-scheme:dark){:root{${vars(DARK_PALETTE)}}}
*{box-sizing:border-box}
html{font-family:${JA_FONTS},system-ui,sans-serif;line-height:1.7;line-break:strict;word-break:keep-all;overflow-wrap:anywhere;color:${c.text};background:${c.background}}
html:lang(en){font-family:${LATIN_FONTS},${JA_FONTS},sans-serif;line-height:1.55}
html:lang(en) :lang(ja){font-family:${JA_FONTS},system-ui,sans-serif;word-break:auto-phrase}
body{margin:0;padding:1.5rem 1rem}
main,footer{max-width:36rem;margin:0 auto}
.brand{font-weight:700;color:${c.muted};margin:0 0 .5rem;word-break:auto-phrase}
h1{font-size:1.5rem;line-height:1.4;margin:.25rem 0 1rem;word-break:auto-phrase}
p{margin:0 0 1rem}
.about{margin:0 0 1.25rem;font-size:.95rem}
.about dt{font-weight:700}
.about dd{margin:0 0 .5rem}
a{color:${c.link}}
label,legend{display:block;font-weight:700;margin-bottom:.25rem;padding:0}
.hint{color:${c.muted};font-size:.95rem;margin:0 0 .5rem}
input[type=email]{width:100%;font:inherit;padding:.6rem .7rem;min-height:2.75rem;border:2px solid ${c.border};border-radius:6px;color:${c.text};background:${c.background}}
input[aria-invalid=true]{border-color:${c.error}}
fieldset{border:0;padding:0;margin:1rem 0}
.choice{display:inline-flex;align-items:center;gap:.4rem;margin-right:1.25rem;font-weight:400}
input[type=radio]{width:1.2rem;height:1.2rem}
button{font:inherit;font-weight:700;color:${c.background};background:${c.link};border:0;border-radius:6px;padding:.7rem 1.4rem;min-height:2.75rem;cursor:pointer;margin:.5rem 0 1rem}
button:hover{background:${c.linkHover}}
:focus-visible{outline:3px solid ${c.focus};outline-offset:2px}
.error{color:${c.error};font-weight:700}
.note{color:${c.muted};font-size:.95rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
footer{margin-top:2.5rem;padding-top:1rem;border-top:1px solid ${c.rule};color:${c.muted};font-size:.875rem}
footer p{margin:0 0 .25rem}
.lang{margin:0 0 1rem;text-align:right}
`.trim();

const STYLE_HASH = createHash('sha256').update(CSS, 'utf8').digest('base64');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every response: pages and confirmation links carry tokens, so nothing is cached or referred. */
export const COMMON_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000',
};

export const PAGE_HEADERS: Record<string, string> = {
  ...COMMON_HEADERS,
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
};

const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** The language a configured name is written in, when the page is in another: kana or kanji mean Japanese. */
export function langOf(locale: Locale, text: string): Locale | undefined {
  return locale !== 'ja' && JAPANESE.test(text) ? 'ja' : undefined;
}

export interface PageShell {
  locale: Locale;
  title: string;
  /** The newsletter's name: in the <title> and above the heading. */
  brand: string;
  /** Language of the name, when it differs from the page's (a Japanese name on an English page). */
  brandLang?: Locale;
  footer: Html;
  /** Only the hosted subscribe page may be indexed. */
  indexable?: boolean;
  /** Link to this page, or the subscribe page, in the other language. */
  switchLink?: { href: string; label: string; hreflang: Locale };
  /** The same page in each language, for search engines and readers (`<link rel="alternate" hreflang>`). */
  alternates?: readonly { hreflang: Locale; href: string }[];
  /** An Atom feed to announce in <head>, for feed readers given the page's address. */
  feed?: { href: string; title: string };
  body: Html;
}

/**
 * A <wbr> between the Japanese phrases of every text run (BudouX, emails/phrases.ts): with
 * `word-break: keep-all` lines then break between phrases, never inside a word or a date; the page's
 * own names stay whole. Tags and attribute values are left as they are.
 */
export function withPhraseBreaks(markup: string, keep: readonly string[]): string {
  return markup
    .split(/(<[^>]*>)/)
    .map((part) => (part === '' || part.startsWith('<') ? part : phrases(part, keep).join('<wbr>')))
    .join('');
}

export function pageDocument(p: PageShell): string {
  const keep = keepWords(p.brand);
  return html`<!doctype html>
<html lang="${p.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
${p.indexable ? '' : new Html('<meta name="robots" content="noindex, nofollow">\n')}${(p.alternates ?? []).map((a) => html`<link rel="alternate" hreflang="${a.hreflang}" href="${a.href}">\n`)}${p.feed ? html`<link rel="alternate" type="application/atom+xml" title="${p.feed.title}" href="${p.feed.href}">\n` : ''}<title>${p.title} | ${p.brand}</title>
<style>${new Html(CSS)}</style>
</head>
<body>
${new Html(
  withPhraseBreaks(
    html`<main>
${p.switchLink ? html`<p class="lang"><a href="${p.switchLink.href}" hreflang="${p.switchLink.hreflang}" lang="${p.switchLink.hreflang}">${p.switchLink.label}</a></p>\n` : ''}<p class="brand"${p.brandLang ? html` lang="${p.brandLang}"` : ''}>${p.brand}</p>
<h1>${p.title}</h1>
${p.body}
</main>
<footer>${p.footer}</footer>`.value,
    keep,
  ),
)}
</body>
</html>
`.value;
}
