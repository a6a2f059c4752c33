/**
 * The pages themselves: both languages, lang attribute, one h1, labelled controls, no script
 * (CSP forbids it, pages work without it), the stylesheet allowed by its hash, visible focus,
 * WCAG AA contrast, escaping of everything reflected.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/core/subscriber.ts';
import { CONTENT_SECURITY_POLICY, PALETTE, PAGE_HEADERS, pageDocument } from '../../functions/http/html.ts';
import { en } from '../../functions/http/i18n/en.ts';
import { ja } from '../../functions/http/i18n/ja.ts';
import * as pages from '../../functions/http/pages.ts';

const ctx = { newsletterName: '脅威<レポート>', senderName: '株式会社 "テスト"', contact: 'contact@example.jp', confirmTtlHours: 48 };
const token = 'A'.repeat(65);

function allPages(locale: Locale) {
  const v = pages.view(locale, ctx, new URLSearchParams({ token }));
  return {
    home: pages.homePage(v),
    homeWithError: pages.homePage(v, { email: '"><script>alert(1)</script>', problem: 'local-part' }),
    accepted: pages.acceptedPage(v),
    rateLimited: pages.rateLimitedPage(v, 90),
    confirm: pages.confirmPage(v, token),
    confirmed: pages.confirmedPage(v),
    alreadyConfirmed: pages.alreadyConfirmedPage(v),
    expired: pages.expiredPage(v, token),
    invalidConfirm: pages.invalidConfirmPage(v),
    newLinkSent: pages.newLinkSentPage(v),
    unsubscribe: pages.unsubscribePage(v, token),
    unsubscribed: pages.unsubscribedPage(v),
    invalidUnsubscribe: pages.invalidUnsubscribePage(v),
    notFound: pages.errorPage(v, 'notFound'),
    unavailable: pages.errorPage(v, 'unavailable'),
  };
}

/** WCAG 2 relative luminance and contrast ratio. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, b2] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b2!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe.each(['ja', 'en'] as const)('pages in %s', (locale) => {
  const rendered = Object.entries(allPages(locale)).map(([name, shell]) => [name, pageDocument(shell)] as const);

  it.each(rendered)('%s: lang attribute, one h1, no script, labelled controls', (_name, doc) => {
    expect(doc.startsWith('<!doctype html>')).toBe(true);
    expect(doc).toContain(`<html lang="${locale}">`);
    expect(doc.match(/<h1>/g)).toHaveLength(1);
    expect(doc).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
    for (const [, id] of doc.matchAll(/<input id="([^"]+)"/g)) expect(doc).toContain(`<label for="${id}">`);
    for (const input of doc.match(/<input [^>]*>/g) ?? []) {
      // Every control is either labelled by id, wrapped in a label, or hidden.
      expect(/type="hidden"|id="|type="radio"/.test(input)).toBe(true);
    }
    for (const button of doc.match(/<button[^>]*>([^<]*)<\/button>/g) ?? []) expect(button).toMatch(/>[^<\s][^<]*</);
  });

  it('escapes everything it reflects or is configured with', () => {
    const doc = pageDocument(allPages(locale).homeWithError);
    expect(doc).not.toContain('<script>');
    expect(doc).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(doc).toContain('脅威&lt;レポート&gt;');
    expect(doc).toContain('aria-invalid="true"');
    expect(doc).toMatch(/aria-describedby="email-error email-hint"/);
    expect(doc).toMatch(/<p class="error" id="email-error" role="alert">/);
  });

  it('offers the other language, keeping the token', () => {
    const doc = pageDocument(allPages(locale).confirm);
    const other = locale === 'ja' ? 'en' : 'ja';
    expect(doc).toContain(`href="?token=${token}&amp;lang=${other}" hreflang="${other}"`);
  });

  it('keeps token pages out of search engines, but not the subscribe page', () => {
    const all = allPages(locale);
    expect(pageDocument(all.confirm)).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(pageDocument(all.home)).not.toContain('noindex');
  });
});

describe('text', () => {
  it('English has every message Japanese has', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keys(en).sort()).toEqual(keys(ja).sort());
  });
});

describe('style and headers', () => {
  it('allows exactly the inline stylesheet by hash and nothing else inline', () => {
    const doc = pageDocument(allPages('ja').home);
    const css = /<style>([\s\S]*?)<\/style>/.exec(doc)![1]!;
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src 'sha256-${hash}'`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|script-src/);
    expect(doc).not.toMatch(/ style="/);
    expect(css).toMatch(/:focus-visible\{outline:3px solid/);
  });

  it('sends the security headers with every page', () => {
    expect(PAGE_HEADERS).toMatchObject({
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
    });
  });

  it('meets WCAG AA contrast: 4.5:1 for text, 3:1 for the focus ring and field borders', () => {
    const bg = PALETTE.background;
    for (const c of [PALETTE.text, PALETTE.muted, PALETTE.link, PALETTE.linkHover, PALETTE.error]) {
      expect(contrast(c, bg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast(PALETTE.background, PALETTE.link)).toBeGreaterThanOrEqual(4.5); // button text
    expect(contrast(PALETTE.focus, bg)).toBeGreaterThanOrEqual(3);
    expect(contrast(PALETTE.border, bg)).toBeGreaterThanOrEqual(3);
  });
});

describe('fonts and line breaking', () => {
  const css = /<style>([\s\S]*?)<\/style>/.exec(pageDocument(allPages('ja').home))![1]!;
  const rule = (selector: string) => new RegExp(`(?:^|\\n)${selector.replace(/[()[\]:.]/g, '\\$&')}\\{([^}]*)\\}`).exec(css)?.[1];

  it('puts Japanese fonts before system-ui, so kanji never get Chinese glyphs on a non-Japanese system', () => {
    const families = /font-family:([^;]+)/.exec(rule('html')!)![1]!.split(',');
    expect(families[0]).toBe('"Hiragino Sans"');
    expect(families.indexOf('system-ui')).toBeGreaterThan(families.indexOf('Meiryo'));
    expect(families.indexOf('Meiryo')).toBeGreaterThan(0);
    expect(families.at(-1)).toBe('sans-serif');
  });

  it('English pages lead with the Latin system font, but anything marked Japanese goes back to the Japanese fonts', () => {
    const enFamilies = /font-family:([^;]+)/.exec(rule('html:lang(en)')!)![1]!.split(',');
    expect(enFamilies[0]).toBe('system-ui');
    expect(enFamilies).toContain('"Hiragino Sans"');
    const jaInside = /font-family:([^;]+)/.exec(rule('html:lang(en) :lang(ja)')!)![1]!.split(',');
    expect(jaInside[0]).toBe('"Hiragino Sans"');
    expect(jaInside.indexOf('system-ui')).toBeGreaterThan(jaInside.indexOf('Meiryo'));
    // A name in running English text breaks between its phrases, not inside a word (セキ|ュリティ).
    expect(rule('html:lang(en) :lang(ja)')).toContain('word-break:auto-phrase');
  });

  it('breaks lines by the strict Japanese rules, headings by phrase, and spaces English lines 1.5–1.6', () => {
    expect(rule('html')).toContain('line-break:strict');
    expect(rule('h1')).toContain('word-break:auto-phrase');
    const lineHeight = Number(/line-height:([\d.]+)/.exec(rule('html:lang(en)')!)![1]);
    expect(lineHeight).toBeGreaterThanOrEqual(1.5);
    expect(lineHeight).toBeLessThanOrEqual(1.6);
  });
});
