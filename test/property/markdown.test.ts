/**
 * Property: any text at all, and any mix of Markdown constructs (valid or not, in any line-ending
 * style), converts without throwing into either a report the schema accepts or a list of problems,
 * each on a line that exists in the file, in line order. Paragraph text the format can carry comes
 * out exactly as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertMarkdown } from '../../cli/markdown/convert.ts';
import { validateReport } from '../../functions/core/report-parse.ts';

const FRONT = ['---', 'id: prop-test', 'title: 性質テスト', 'issuedOn: 2020-09-18'];

/** Lines an editor (or a cat on the keyboard) might write. */
const fragment = fc.oneof(
  fc.constantFrom(
    '',
    '---',
    '## 見出し',
    '## 参考URL',
    '## Topics',
    '# 一',
    '### 三',
    '- 項目',
    '  - 入れ子',
    '1. 番号',
    '> 引用',
    '> - 引用の中',
    '```',
    '    code',
    '| a | b |',
    '|---|---|',
    '***',
    '<div>',
    '※ 注記',
    '※',
    '- [t](https://e.jp/a) — 発信元, 2020-09-01',
    '- [t](ftp://e.jp) — s, 2020-02-30',
    '- 2020-09-01 トピック',
    '- 2020/09/01',
    '**太字** `code` ~~x~~ ![i](u) [t](https://e.jp) <https://e.jp/a>',
    'title: a: b',
    'id: [x',
    '\\*エスケープ\\* &amp; &#x203B;',
    '本文 https://example.jp/a_b?c=1&d=2 hxxps://x[.]example',
    '\t\tタブ',
    '　全角空白',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const eol = fc.constantFrom('\n', '\r\n', '\r');

describe('convertMarkdown on any input', () => {
  it('returns a valid report or problems on existing lines, in order, never throws', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.array(fragment, { maxLength: 30 }),
        eol,
        fc.boolean(),
        (withFront, closed, body, nl, bom) => {
          const lines = [...(withFront ? [...FRONT, ...(closed ? ['---'] : [])] : []), ...body];
          const text = `${bom ? '\uFEFF' : ''}${lines.join(nl)}`;
          const lineCount = text.split(/\r\n|\r|\n/).length;
          const r = convertMarkdown(text);
          if (r.ok) {
            expect(validateReport(r.report).ok).toBe(true);
            return;
          }
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) {
            expect(Number.isInteger(p.line)).toBe(true);
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.line).toBeLessThanOrEqual(lineCount);
            expect(p.message).not.toBe('');
          }
          const order = r.problems.map((p) => p.line);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a paragraph of plain text lines comes out exactly as written', () => {
    // Text without Markdown syntax: letters, kana, kanji, digits, spaces inside, Japanese punctuation.
    const word = fc.stringMatching(/^[A-Za-z0-9ぁ-んァ-ン一-龯、。「」（）・ー]{1,12}$/);
    const line = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (paragraph) => {
        fc.pre(!paragraph.some((l) => /^\d+[.)]?$|^\d+[.)] /.test(l))); // "1. x" is a list
        const r = convertMarkdown([...FRONT, '---', '', ...paragraph, ''].join('\n'));
        if (!r.ok) throw new Error(r.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
        expect(r.report.body).toEqual([{ type: 'paragraph', text: paragraph.join('\n') }]);
      }),
      { numRuns: 300 },
    );
  });
});
