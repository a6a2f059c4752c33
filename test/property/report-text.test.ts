/**
 * Property: random Unicode in any single-line field of a report (title, summary, a heading, a
 * topic title, a reference's title and source) is either refused with that field's path, or it
 * reaches the rendered email unchanged and visible: the title in the Subject as it was written,
 * every field in the HTML's text and in the plain text, with at least one character that shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderReportEmail } from '../../emails/render.ts';
import type { NewsletterContext } from '../../emails/types.ts';
import { parseReport } from '../../functions/core/report-parse.ts';

const ctx: NewsletterContext = {
  newsletterName: 'テスト通信',
  publicBaseUrl: 'https://news.example.jp',
  sender: {
    name: '株式会社テスト',
    postalAddress: '〒100-0001 東京都千代田区千代田1-1',
    contact: 'contact@example.jp',
  },
};

type Field = {
  name: string;
  path: string;
  set: (r: Record<string, any>, v: string) => void;
  inSubject?: boolean;
  inText?: boolean;
};
const FIELDS: Field[] = [
  { name: 'title', path: '$.title', set: (r, v) => (r.title = v), inSubject: true, inText: true },
  { name: 'summary', path: '$.summary', set: (r, v) => (r.summary = v) },
  {
    name: 'heading',
    path: '$.body[1].text',
    set: (r, v) => (r.body[1] = { type: 'heading', text: v }),
    inText: true,
  },
  { name: 'topic title', path: '$.topics[0].title', set: (r, v) => (r.topics[0].title = v), inText: true },
  {
    name: 'reference title',
    path: '$.references[0].title',
    set: (r, v) => (r.references[0].title = v),
    inText: true,
  },
  { name: 'reference source', path: '$.references[0].source', set: (r, v) => (r.references[0].source = v) },
];

const base = () => ({
  id: 'prop',
  title: '定例報告',
  issuedOn: '2026-11-26',
  body: [
    { type: 'paragraph', text: '本文' },
    { type: 'paragraph', text: '本文' },
  ],
  topics: [{ date: '2026-11-20', title: 'トピック' }],
  references: [{ source: 'IPA', date: '2026-11-20', title: '注意喚起', url: 'https://www.ipa.go.jp/' }],
});

/** The characters that hide or disguise text, mixed into random Unicode so that runs find them often. */
const nasty = fc.constantFrom(
  '\u202E',
  '\u202A',
  '\u2066',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u3164',
  '\u2800',
  '\uFE0F',
  '\u0085',
  '\u2028',
  '\u2029',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u009b',
  '\uD800',
  '\uDC00',
  '\u{E0041}',
  '\u{E007F}',
  '\uFFF9',
  '\uFFFF',
  '\u3000',
  '\u00A0',
  ' ',
  '<',
  '>',
  '&',
  '"',
  "'",
  '【',
  '】',
  'é',
  '\u0301',
  '👨‍👩‍👧',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '\uE000',
  'KAWARABAN_UNSUBSCRIBE_TOKEN',
);
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  nasty,
);
const value = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

/** The text a reader sees in the HTML: tags and React's `<!-- -->` separators removed, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, e: string) => {
      const named: Record<string, string> = {
        amp: '&',
        lt: '<',
        gt: '>',
        quot: '"',
        apos: "'",
        nbsp: '\u00A0',
      };
      if (e[0] !== '#') return named[e.toLowerCase()]!;
      return String.fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    });
}

/**
 * Shows: a letter, digit, mark, punctuation, symbol, private-use or not yet assigned character
 * (drawn as a box until fonts know it) that is not default-ignorable.
 */
const SHOWS = /(?![\p{Default_Ignorable_Code_Point}])[\p{L}\p{N}\p{M}\p{P}\p{S}\p{Co}\p{Cn}]/u;

describe('random Unicode in a single-line field (property)', () => {
  for (const field of FIELDS) {
    it(`${field.name}: refused at ${field.path}, or rendered unchanged and visible`, async () => {
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          const r = base();
          field.set(r, v);
          const parsed = parseReport(JSON.stringify(r), 'en');
          if (!parsed.ok) {
            // Refused: every issue names this field (nothing else in the report was touched).
            expect(parsed.issues.length).toBeGreaterThan(0);
            for (const issue of parsed.issues) expect(issue.path).toBe(field.path);
            return;
          }
          expect(SHOWS.test(v)).toBe(true);
          const mail = await renderReportEmail(parsed.report, ctx, 'ja');
          // A header line drops the whitespace around it (oneLine in emails/notices.ts); nothing else changes.
          if (field.inSubject) expect(mail.subject).toBe(`【${ctx.newsletterName}】${v}`.trim());
          expect(visibleText(mail.html)).toContain(v);
          if (field.inText) expect(mail.text).toContain(v);
          // Nothing that reaches the reader carries a control, a line break or a bidi override.
          expect(mail.subject).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
        }),
        { numRuns: 100 },
      );
    });
  }
});
