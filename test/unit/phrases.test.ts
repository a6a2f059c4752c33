/// <reference lib="dom" />
/**
 * Japanese line breaking (issue 10, item 2): BudouX phrases at render time, so that lines break
 * between phrases and never inside 「かわら版」 or a date such as 「（2020年9月16日）」 — the sample's
 * known breaking points — in the email's HTML (checked in chromium at phone widths), its plain
 * text (wrapped at a readable width, URLs whole) and the pages.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepWords, phrases } from '../../emails/phrases.ts';
import { renderReportEmail } from '../../emails/render.ts';
import { columns, TEXT_WIDTH, wrap } from '../../emails/_text/text-helpers.ts';
import type { NewsletterContext } from '../../emails/types.ts';
import { splitLinks } from '../../emails/linkify.ts';
import { parseReport } from '../../functions/core/report-parse.ts';
import { pageDocument, withPhraseBreaks } from '../../functions/http/html.ts';
import * as pages from '../../functions/http/pages.ts';
import { launchBrowser } from '../helpers/browser.ts';

const ctx: NewsletterContext = {
  newsletterName: 'かわら版 セキュリティレポート',
  shortName: 'かわら版',
  sender: {
    name: '株式会社かわら版インテリジェンス',
    postalAddress: '東京都千代田区',
    contact: 'info@example.jp',
  },
  publicBaseUrl: 'https://news.example.jp',
};
const parsed = parseReport(
  readFileSync(new URL('../../examples/sample-report.json', import.meta.url), 'utf8'),
);
if (!parsed.ok) throw new Error('sample report is invalid');
const report = parsed.report;
const keep = keepWords(ctx.newsletterName, ctx.shortName, ctx.sender.name);
/** The sample's known breaking points: a coined name BudouX splits (かわら｜版) and the dates after each source. */
const WHOLE = [/かわら版/g, /（\d{4}年\d{1,2}月\d{1,2}日）/g];

describe('phrases', () => {
  it('break between phrases, never inside the names or dates', () => {
    expect(phrases('情報処理推進機構（IPA）は（2020年9月17日）に注意喚起を公開しました。', keep)).toEqual([
      '情報処理推進機構',
      '（IPA）は',
      '（2020年9月17日）に',
      '注意喚起を',
      '公開しました。',
    ]);
    // Without being told, the model cuts the coined name: that is why the names are kept whole.
    expect(phrases('かわら版 セキュリティレポートをお届けします。')[0]).toBe('かわら');
    expect(phrases('かわら版 セキュリティレポートをお届けします。', keep)[0]).toBe(
      'かわら版 セキュリティレポートを',
    );
  });

  it('give the text back unchanged, and leave text without Japanese alone', () => {
    for (const block of report.body) {
      const texts = block.type === 'list' ? block.items : [block.text];
      for (const t of texts) expect(phrases(t, keep).join('')).toBe(t);
    }
    expect(phrases('Visa and Mastercard, https://example.jp/a?b=c')).toEqual([
      'Visa and Mastercard, https://example.jp/a?b=c',
    ]);
  });
});

/** Where Intl.Segmenter says a user-perceived character ends (0 and the length included). */
function clusterEnds(text: string): Set<number> {
  const ends = new Set([text.length]);
  for (const g of new Intl.Segmenter('ja', { granularity: 'grapheme' }).segment(text)) ends.add(g.index);
  return ends;
}

function cutsOf(parts: string[]): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const p of parts.slice(0, -1)) {
    at += p.length;
    cuts.push(at);
  }
  return cuts;
}

/** Characters that are more than one code unit or code point: each must stay whole. */
const CLUSTERS = [
  '𐀀', // astral, first code point of plane 1 (CI found BudouX cutting it in two)
  '𠮷', // astral kanji (the 𠮷 of 𠮷野家)
  '葛󠄀', // kanji + ideographic variation selector (IVS), as in family names
  '神︀', // kanji + standardised variation selector
  'か゚', // kana + combining semi-voiced mark (鼻濁音)
  'ﾊﾟ', // half-width katakana + half-width voicing mark (Shift_JIS-era text)
  'é', // e + combining acute
  '👨‍👩‍👧', // emoji joined by ZWJ
  '🇯🇵', // regional-indicator flag
  '👍🏽', // emoji + skin-tone modifier
  '1️⃣', // keycap sequence
  '각', // Hangul jamo L + V + T
  '\r\n',
  '\u0600١', // Arabic prepended mark + digit
];

describe('phrases never cut a character in two', () => {
  it('named clusters between Japanese words stay whole', () => {
    for (const c of CLUSTERS) {
      for (const text of [`注意喚起を${c}公開しました。`, `${c}べ\u200f`, `情報${c}${c}処理推進機構は`]) {
        const parts = phrases(text);
        expect(parts.join('')).toBe(text);
        const ends = clusterEnds(text);
        for (const cut of cutsOf(parts))
          expect(ends.has(cut), `${JSON.stringify(text)} cut at ${cut}`).toBe(true);
        expect(withPhraseBreaks(text, []).split('<wbr>').join('')).toBe(text);
      }
    }
  });

  it('random Unicode among kana and kanji: every cut at a cluster end (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom(...CLUSTERS, 'の', 'を', '情報', '公開', 'しました。', '攻撃', '、'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
        const text = `攻撃${pieces.join('')}`;
        const parts = phrases(text);
        expect(parts.join('')).toBe(text);
        const ends = clusterEnds(text);
        for (const cut of cutsOf(parts)) expect(ends.has(cut)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the email', () => {
  it('puts <wbr> between phrases and none inside the known breaking points', async () => {
    const { html } = await renderReportEmail(report, ctx, 'ja');
    expect(html).toContain('<wbr/>');
    const visible = html.replace(/<(?!wbr)[^>]+>/g, '');
    for (const re of WHOLE) {
      const found = [...visible.replaceAll('<wbr/>', '').matchAll(re)].map((m) => m[0]);
      expect(found.length).toBeGreaterThan(0);
      for (const s of found) expect(visible).toContain(s);
    }
    expect(html).toMatch(/word-break:keep-all;overflow-wrap:anywhere/);
  });

  it('wraps its plain text at a readable width between phrases, URLs whole on their own lines', async () => {
    const { text } = await renderReportEmail(report, ctx, 'ja');
    const lines = text.split('\n');
    for (const line of lines) {
      if (columns(line) > TEXT_WIDTH) expect(line.trim()).toMatch(/^https?:\/\/\S+$/);
    }
    for (const block of report.body)
      for (const part of splitLinks(block.type === 'list' ? block.items.join('\n') : block.text))
        if (part.kind === 'url') expect(lines.map((l) => l.trim())).toContain(part.value);
    for (const ref of report.references ?? []) expect(lines.map((l) => l.trim())).toContain(ref.url);
    for (const re of WHOLE) {
      const inText = [...text.replace(/\n\s*/g, '').matchAll(re)].length;
      expect([...text.matchAll(re)].length).toBe(inText);
    }
    expect(lines.some((l) => columns(l) > 40)).toBe(true); // it is wrapped, not chopped short
  });

  it('never splits a URL, even one longer than the line', () => {
    const url = `https://example.jp/${'a'.repeat(120)}`;
    const out = wrap(
      `これは長い説明の文章で、次のURLを参照してください。${url} と書いてあります。`.repeat(2),
      40,
    );
    expect(out.split('\n')).toContain(url);
    for (const line of out.split('\n'))
      if (!line.includes(url)) expect(columns(line)).toBeLessThanOrEqual(40);
  });
});

describe('the pages', () => {
  it('get <wbr> between phrases in text only, never in tags or attributes', () => {
    const markup =
      '<p title="かわら版の説明">かわら版 セキュリティレポートを<a href="/x?a=1&amp;b=2">登録する</a>と注意喚起を公開しました。</p>';
    const out = withPhraseBreaks(markup, keepWords('かわら版 セキュリティレポート'));
    expect(out.replaceAll('<wbr>', '')).toBe(markup);
    expect(out).toContain('<p title="かわら版の説明">');
    expect(out).toContain('<wbr>');
    expect(out).not.toMatch(/かわら<wbr>版/);
  });
});

describe('in a real browser at phone widths', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Every occurrence of the patterns in the page's text, and whether it was drawn on one line. */
  async function occurrences(html: string, width: number) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    try {
      await page.setContent(html);
      return await page.evaluate(
        (sources) => {
          const out: { text: string; oneLine: boolean }[] = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          // Text nodes are split at <wbr>: join each element's text and map offsets back to nodes.
          const blocks = new Set<Element>();
          for (let n = walker.nextNode(); n; n = walker.nextNode())
            if (n.parentElement) blocks.add(n.parentElement.closest('p,h1,h2,h3,li,td,span,a,blockquote')!);
          for (const el of blocks) {
            if (!el) continue;
            const nodes: Text[] = [];
            const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let n = w.nextNode(); n; n = w.nextNode()) nodes.push(n as Text);
            const full = nodes.map((n) => n.data).join('');
            for (const src of sources) {
              for (const m of full.matchAll(new RegExp(src, 'g'))) {
                const tops = new Set<number>();
                for (let i = m.index!; i < m.index! + m[0].length; i++) {
                  let at = i;
                  const node = nodes.find((n) => {
                    if (at < n.data.length) return true;
                    at -= n.data.length;
                    return false;
                  })!;
                  const r = document.createRange();
                  r.setStart(node, at);
                  r.setEnd(node, at + 1);
                  const rect = r.getClientRects()[0];
                  if (rect) tops.add(Math.round(rect.top));
                }
                out.push({ text: m[0], oneLine: tops.size === 1 });
              }
            }
          }
          return out;
        },
        WHOLE.map((re) => re.source),
      );
    } finally {
      await page.close();
    }
  }

  it.each([320, 375, 414])(
    'the email at %ipx never breaks inside the known breaking points',
    async (width) => {
      const { html } = await renderReportEmail(report, ctx, 'ja');
      const found = await occurrences(html, width);
      expect(found.length).toBeGreaterThan(3);
      expect(found.filter((f) => !f.oneLine)).toEqual([]);
    },
  );

  it.each([320, 375])('the subscribe page at %ipx keeps the newsletter name whole', async (width) => {
    const v = pages.view('ja', {
      newsletterName: ctx.newsletterName,
      senderName: ctx.sender.name,
      contact: 'c@example.jp',
      confirmTtlHours: 48,
    });
    const found = await occurrences(pageDocument(pages.homePage(v)), width);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((f) => !f.oneLine)).toEqual([]);
  });
});
