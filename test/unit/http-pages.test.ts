/**
 * The pages themselves: both languages, lang attribute, one h1, labelled controls, no script
 * (CSP forbids it, pages work without it), the stylesheet allowed by its hash, visible focus,
 * WCAG AA contrast, escaping of everything reflected.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../functions/core/subscriber.ts';
import {
  CONTENT_SECURITY_POLICY,
  PALETTE,
  PAGE_HEADERS,
  pageDocument as pageWithPhraseBreaks,
  type PageShell,
} from '../../functions/http/html.ts';
import { en } from '../../functions/http/i18n/en.ts';
import { ja } from '../../functions/http/i18n/ja.ts';
import * as pages from '../../functions/http/pages.ts';

const ctx = {
  newsletterName: '脅威<レポート>',
  senderName: '株式会社 "テスト"',
  contact: 'contact@example.jp',
  confirmTtlHours: 48,
};
const token = 'A'.repeat(65);
/** Read as text: the <wbr> between Japanese phrases is dropped here (see test/unit/phrases.test.ts). */
const pageDocument = (shell: PageShell) => pageWithPhraseBreaks(shell).replaceAll('<wbr>', '');

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
    retiredUnsubscribe: pages.retiredUnsubscribePage(v),
    notFound: pages.errorPage(v, 'notFound'),
    unavailable: pages.errorPage(v, 'unavailable'),
  };
}

/** WCAG 2 relative luminance and contrast ratio. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, b2] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b2!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe.each(['ja', 'en'] as const)('pages in %s', (locale) => {
  const rendered = Object.entries(allPages(locale)).map(
    ([name, shell]) => [name, pageDocument(shell)] as const,
  );

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
    for (const button of doc.match(/<button[^>]*>([^<]*)<\/button>/g) ?? [])
      expect(button).toMatch(/>[^<\s][^<]*</);
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
      Object.entries(o).flatMap(([k, v]) =>
        v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
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
  const rule = (selector: string) =>
    new RegExp(`(?:^|\\n)${selector.replace(/[()[\]:.]/g, '\\$&')}\\{([^}]*)\\}`).exec(css)?.[1];

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

describe('Japanese names on English pages', () => {
  it('are marked lang="ja" wherever they appear, the brand line included', () => {
    const doc = pageDocument(allPages('en').home);
    expect(doc).toContain('<p class="brand" lang="ja">脅威&lt;レポート&gt;</p>');
    expect(doc).toContain(
      '<span lang="ja">脅威&lt;レポート&gt;</span>, published by <span lang="ja">株式会社 &quot;テスト&quot;</span>,',
    );
    expect(doc).toContain('Published by <span lang="ja">株式会社 &quot;テスト&quot;</span>');
    expect(doc.match(/<span lang="ja">脅威&lt;レポート&gt;<\/span>/g)).toHaveLength(2); // lead and consent
  });

  it('are not wrapped on Japanese pages, nor when they are not Japanese', () => {
    const ja = pageDocument(allPages('ja').home);
    expect(ja).not.toMatch(/<span lang="ja">(脅威|株式会社)|class="brand" lang=/);
    expect(ja).toContain('<p>株式会社 &quot;テスト&quot;が発行する「脅威&lt;レポート&gt;」を');
    const latin = { ...ctx, newsletterName: 'Kawaraban Weekly', senderName: 'Kawaraban Ltd.' };
    const en = pageDocument(pages.homePage(pages.view('en', latin)));
    expect(en).toContain('<p class="brand">Kawaraban Weekly</p>');
    expect(en).toContain('<p>Kawaraban Weekly, published by Kawaraban Ltd., delivered free by email.</p>');
    expect(en).not.toContain('lang="ja">Kawaraban');
  });
});

describe('home page', () => {
  it.each([
    ['ja', '購読のお申し込み'],
    ['en', 'Subscribe'],
  ] as const)(
    '%s: names the newsletter once in the heading area, and says what the page is for',
    (locale, heading) => {
      const doc = pageDocument(allPages(locale).home);
      expect(doc).toContain(`<title>${heading} | 脅威&lt;レポート&gt;</title>`);
      expect(doc).toContain(`<h1>${heading}</h1>`);
    },
  );
});

describe('footer', () => {
  const footerOf = (doc: string) => /<footer>([\s\S]*)<\/footer>/.exec(doc)![1]!;

  it.each([
    [
      'ja',
      '<p>発行: 株式会社 &quot;テスト&quot;</p>\n<p>お問い合わせ: <a href="mailto:contact@example.jp">contact@example.jp</a></p>',
    ],
    [
      'en',
      '<p>Published by <span lang="ja">株式会社 &quot;テスト&quot;</span></p>\n<p>Contact: <a href="mailto:contact@example.jp">contact@example.jp</a></p>',
    ],
  ] as const)(
    '%s: publisher and contact on two lines, an email contact as a mailto link',
    (locale, footer) => {
      for (const shell of Object.values(allPages(locale))) expect(footerOf(pageDocument(shell))).toBe(footer);
    },
  );

  it.each([
    [
      'https://www.example.jp/contact?x=1&y=2',
      '<a href="https://www.example.jp/contact?x=1&amp;y=2">https://www.example.jp/contact?x=1&amp;y=2</a>',
    ],
    ['03-1234-5678', '03-1234-5678'],
    ['広報部 03-1234-5678', '<span lang="ja">広報部 03-1234-5678</span>'],
    ['http://www.example.jp/contact', 'http://www.example.jp/contact'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['"><b>x</b>@example.jp', '&quot;&gt;&lt;b&gt;x&lt;/b&gt;@example.jp'],
    ['mail?x@example.jp', 'mail?x@example.jp'],
    ['https://a.example/ onmouseover=x', 'https://a.example/ onmouseover=x'],
  ])('a contact of %j is shown as %s (links only for https URLs and plain addresses)', (contact, shown) => {
    const doc = pageDocument(pages.acceptedPage(pages.view('en', { ...ctx, contact })));
    expect(footerOf(doc)).toContain(`<p>Contact: ${shown}</p>`);
  });
});

describe('an unsubscribe link that does not check out', () => {
  const configured = { ...ctx, unsubscribeMailto: 'unsubscribe@example.jp' };

  it.each([
    [
      'ja',
      'ニュースレターを受け取っているアドレスから <a href="mailto:unsubscribe@example.jp?subject=unsubscribe">unsubscribe@example.jp</a> 宛てに',
      'ご不明な点は <a href="mailto:contact@example.jp">contact@example.jp</a> までお問い合わせください。',
    ],
    [
      'en',
      'by writing to <a href="mailto:unsubscribe@example.jp?subject=unsubscribe">unsubscribe@example.jp</a> from the address that receives them',
      'If you need help, contact <a href="mailto:contact@example.jp">contact@example.jp</a>.',
    ],
  ] as const)(
    '%s: offers the unsubscribe mailbox as a mailto link, and the contact',
    (locale, byMail, help) => {
      for (const query of [new URLSearchParams({ token }), undefined]) {
        const doc = pageDocument(pages.invalidUnsubscribePage(pages.view(locale, configured, query)));
        expect(doc).toContain(byMail);
        expect(doc).toContain(help);
      }
    },
  );

  it("a retired key's link offers the contact, never the mailbox (its token no longer works there either)", () => {
    for (const [locale, help] of [
      ['ja', 'までお申し付けください'],
      ['en', 'To stop the emails, contact <a href="mailto:contact@example.jp">'],
    ] as const) {
      const doc = pageDocument(
        pages.retiredUnsubscribePage(
          pages.view(locale, { ...ctx, unsubscribeMailto: 'unsubscribe@example.jp' }),
        ),
      );
      expect(doc).toContain(help);
      expect(doc).toContain('contact@example.jp');
      expect(doc).not.toContain('unsubscribe@example.jp');
    }
  });

  it('leaves the mailbox out when none is configured', () => {
    const doc = pageDocument(allPages('en').invalidUnsubscribe);
    expect(doc).not.toContain('unsubscribe@');
    expect(doc).toContain('If you need help, contact <a href="mailto:contact@example.jp">');
  });
});

describe('language switch', () => {
  const switchOf = (doc: string) => [
    ...doc.matchAll(/<p class="lang"><a href="([^"]*)" hreflang="(ja|en)" lang="\2">([^<]+)<\/a><\/p>/g),
  ];

  it.each(['ja', 'en'] as const)('%s: every page has exactly one, to the other language', (locale) => {
    for (const [name, shell] of Object.entries(allPages(locale))) {
      const found = switchOf(pageDocument(shell));
      expect(found, name).toHaveLength(1);
      expect(found[0]![2]).toBe(locale === 'ja' ? 'en' : 'ja');
    }
  });

  it.each([
    ['ja', 'en', 'English', 'Subscription page in English'],
    ['en', 'ja', '日本語', '購読のお申し込み（日本語）'],
  ] as const)(
    '%s: an answer to a POST links to the subscribe page; 404, 405 and a missing token to their own path',
    (locale, other, same, home) => {
      const post = pages.view(locale, ctx);
      const toHome = [
        pages.acceptedPage(post),
        pages.homePage(post, { email: 'x@example.jp"', problem: 'domain' }),
        pages.rateLimitedPage(post, 60),
        pages.confirmedPage(post),
        pages.unsubscribedPage(post),
        pages.invalidUnsubscribePage(post),
        pages.errorPage(post, 'malformed'),
        pages.errorPage(post, 'unavailable'),
      ];
      for (const shell of toHome) {
        expect(switchOf(pageDocument(shell)).map((m) => [m[1], m[3]])).toEqual([[`./?lang=${other}`, home]]);
      }
      for (const kind of ['notFound', 'methodNotAllowed', 'missingToken'] as const) {
        expect(switchOf(pageDocument(pages.errorPage(post, kind))).map((m) => [m[1], m[3]])).toEqual([
          [`?lang=${other}`, same],
        ]);
      }
    },
  );
});
