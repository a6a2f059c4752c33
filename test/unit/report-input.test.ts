/**
 * Bad input to a report file, class by class: keys written twice, characters that hide or
 * disguise text, and where each problem is (path, line, column).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatReportIssue, parseReport, type ReportIssue } from '../../functions/core/report-parse.ts';
import { checkText } from '../../functions/core/text-rules.ts';

const sampleText = readFileSync(new URL('../../examples/sample-report.json', import.meta.url), 'utf8');
const sample = (): Record<string, any> => JSON.parse(sampleText);
const small = () => ({
  id: 'x',
  title: '脆弱性の報告',
  issuedOn: '2026-11-26',
  body: [{ type: 'paragraph', text: '本文' }],
  references: [{ source: 'IPA', date: '2026-11-20', title: '注意喚起', url: 'https://www.ipa.go.jp/' }],
  topics: [{ date: '2026-11-20', title: 'トピック', detail: '詳細' }],
});

function issues(text: string, lang: 'ja' | 'en' = 'en'): ReportIssue[] {
  const r = parseReport(text, lang);
  if (r.ok) throw new Error('expected the report to be refused');
  return r.issues;
}

describe('a key written twice', () => {
  it.each([
    ['at the root', '{"id":"x","title":"a","title":"b"}', '$.title'],
    ['in a body block', '{"body":[{"type":"paragraph","text":"a","text":"b"}]}', '$.body[0].text'],
    [
      'in a reference, the url',
      '{"references":[{"url":"https://a.jp/","url":"https://evil.example/"}]}',
      '$.references[0].url',
    ],
    [
      'a block type (the last would win)',
      '{"body":[{"type":"paragraph","type":"heading","text":"a"}]}',
      '$.body[0].type',
    ],
    ['spelled with an escape', '{"title":"a","\\u0074itle":"b"}', '$.title'],
    ['__proto__ twice', '{"__proto__":{},"__proto__":{}}', '$.__proto__'],
    ['in a nested unknown object', '{"x":{"y":[{"z":1,"z":2}]}}', '$.x.y[0].z'],
  ])('is refused %s, with its path', (_, text, path) => {
    expect(issues(text).map((i) => i.path)).toContain(path);
  });

  it('is refused even when the rest of the report is valid, naming the line of the first one', () => {
    const text = JSON.stringify(sample(), null, 2).replace(
      '"issuedOn"',
      '"title": "差し替え後",\n  "issuedOn"',
    );
    const found = issues(text, 'ja');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: '$.title', line: 5, column: 3 });
    expect(found[0]!.message).toBe(
      "項目 'title' が同じ場所に2回書かれています（最初は4行目）。どちらの値を使うか決められないので、1つにしてください",
    );
  });

  it('is refused three times over: each repeat is listed', () => {
    const twice = issues('{"a":1,"a":2,"a":3}').filter((i) => i.message.includes('twice'));
    expect(twice.map((i) => [i.path, i.column])).toEqual([
      ['$.a', 8],
      ['$.a', 14],
    ]);
  });
});

describe('__proto__ and other inherited names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    '%s is an unknown field, and pollutes nothing',
    (key) => {
      const found = issues(`{"${key}": {"polluted": true}, ${JSON.stringify(small()).slice(1)}`);
      expect(found.map((i) => i.path)).toEqual([`$.${key}`]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('a __proto__ inside a block is an unknown field there', () => {
    const r = small();
    const text = JSON.stringify(r).replace(
      '{"type":"paragraph",',
      '{"__proto__":{"type":"heading"},"type":"paragraph",',
    );
    expect(issues(text).map((i) => i.path)).toEqual(['$.body[0].__proto__']);
  });
});

describe('every problem names its line and column', () => {
  const text = `{
  "id": "x",
  "titel": "typo",
  "issuedOn": "2026-02-30",
  "body": [
    { "type": "paragraph", "text": "ok" },
    { "type": "headline", "text": "?" },
    { "type": "list", "items": [] }
  ],
  "references": [{ "source": "IPA", "date": "2026-11-20", "title": "t", "url": "ftp://x" }]
}`;
  const at = (path: string) => issues(text).find((i) => i.path === path);

  it('an unknown key at the key', () => expect(at('$.titel')).toMatchObject({ line: 3, column: 3 }));
  it('a missing field at the object that lacks it', () =>
    expect(at('$.title')).toMatchObject({ line: 1, column: 1 }));
  it('a wrong value at the value', () => expect(at('$.issuedOn')).toMatchObject({ line: 4, column: 15 }));
  it('a wrong block type at the type', () =>
    expect(at('$.body[1].type')).toMatchObject({ line: 7, column: 15 }));
  it('an empty list at the list', () => expect(at('$.body[2].items')).toMatchObject({ line: 8, column: 32 }));
  it('a nested value deep in an array', () =>
    expect(at('$.references[0].url')).toMatchObject({ line: 10, column: 80 }));

  it('prints as file:line:column: path: reason', () => {
    expect(formatReportIssue(at('$.titel')!, 'r.json')).toBe(
      "r.json:3:3: $.titel: unknown field 'titel' — did you mean 'title'?",
    );
    expect(formatReportIssue({ path: '$', message: 'm' })).toBe('$: m');
  });

  it('counts lines the way editors do, CRLF and a BOM included', () => {
    const crlf = `\uFEFF${text.replaceAll('\n', '\r\n')}`;
    expect(issues(crlf).find((i) => i.path === '$.issuedOn')).toMatchObject({ line: 4, column: 15 });
  });
});

describe('characters that hide or disguise text', () => {
  /** Refusals of `value` in `field` (a setter on a fresh report), as [path, message]. */
  function refused(set: (r: Record<string, any>, v: string) => void, value: string): ReportIssue[] {
    const r = small();
    set(r, value);
    return issues(JSON.stringify(r, null, 2));
  }
  const fields: [string, string, (r: Record<string, any>, v: string) => void][] = [
    ['title', '$.title', (r, v) => (r.title = v)],
    ['summary', '$.summary', (r, v) => (r.summary = v)],
    ['heading', '$.body[0].text', (r, v) => (r.body = [{ type: 'heading', text: v }])],
    ['reference title', '$.references[0].title', (r, v) => (r.references[0].title = v)],
    ['reference source', '$.references[0].source', (r, v) => (r.references[0].source = v)],
    ['topic title', '$.topics[0].title', (r, v) => (r.topics[0].title = v)],
  ];
  const singleLineRefusals: [string, string][] = [
    ['RLO (U+202E) making "exe.fdp" read "pdf.exe"', '請求書\u202Eexe.fdp'],
    ['LRE (U+202A)', 'a\u202Ab'],
    ['an isolate (U+2066 LRI)', 'a\u2066b\u2069'],
    ['NEL (U+0085)', '前半\u0085後半'],
    ['LINE SEPARATOR (U+2028)', 'a\u2028b'],
    ['PARAGRAPH SEPARATOR (U+2029)', 'a\u2029b'],
    ['a tab', 'a\tb'],
    ['BEL (U+0007)', 'a\u0007b'],
    ['DEL (U+007F)', 'a\u007Fb'],
    ['a C1 control (U+009B CSI)', 'a\u009B31mb'],
    ['ESC (terminal colours)', '\u001b[31mred'],
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate at the end', 'ab\uDC00'],
    ['U+FEFF in the middle', '脆弱性\uFEFFの報告'],
    ['Unicode tag characters (hidden ASCII)', 'hello\u{E0069}\u{E0067}\u{E006E}'],
    ['interlinear annotation (U+FFF9)', 'a\uFFF9hidden\uFFFBb'],
    ['a noncharacter (U+FFFF)', 'a\uFFFFb'],
    ['only zero-width spaces', '\u200B\u200B'],
    ['only a word joiner and a ZWNJ', '\u2060\u200C'],
    ['only a Hangul filler', '\u3164'],
    ['only a soft hyphen', '\u00AD'],
    ['only a braille blank', '\u2800'],
    ['only variation selectors', '\uFE0F\uFE0F'],
  ];

  for (const [name, path, set] of fields) {
    it.each(singleLineRefusals)(`${name}: refuses %s, at its path`, (_, value) => {
      const found = refused(set, value);
      expect(found.map((i) => i.path)).toEqual([path]);
    });
  }

  it.each([
    ['an emoji ZWJ sequence', '家族 👨‍👩‍👧 の報告'],
    ['an emoji with a variation selector', '注意 ⚠️'],
    ['a subdivision flag (tag characters in their place)', 'スコットランド 🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['a right-to-left word with marks', 'عربي\u200F text'],
    ['a zero-width space between visible words', 'long\u200Bword'],
    ['a combining accent', 'e\u0301'],
    ['a private-use character (gaiji)', '外字\uE000'],
    ['a non-breaking space', 'a\u00A0b'],
    ['an ideographic space between words', '脆弱性\u3000報告'],
  ])('accepts %s in a single-line field', (_, value) => {
    const r = { ...small(), title: value, summary: value };
    expect(parseReport(JSON.stringify(r)).ok).toBe(true);
  });

  it.each([
    ['RLO', 'x\u202Ey'],
    ['a C1 control', 'x\u0085y'],
    ['BEL', 'x\u0007y'],
    ['a lone surrogate (a \\ud800 escape in the file)', 'x\uD800y'],
    ['U+FEFF in the middle', 'x\uFEFFy'],
    ['only zero-width spaces', '\u200B\n\u200B'],
  ])('body text refuses %s with its path and the character', (_, value) => {
    const r = {
      ...small(),
      body: [
        { type: 'paragraph', text: 'ok' },
        { type: 'list', items: ['ok', value] },
      ],
      notes: [value],
    };
    const found = issues(JSON.stringify(r));
    expect(found.map((i) => i.path)).toEqual(['$.body[1].items[1]', '$.notes[0]']);
  });

  it('body text keeps line breaks, tabs and isolates', () => {
    const r = { ...small(), body: [{ type: 'paragraph', text: '1行目\n\t2行目 \u2068عربي\u2069' }] };
    expect(parseReport(JSON.stringify(r)).ok).toBe(true);
  });

  it('a lone surrogate written as a \\ud800 escape in the file is refused', () => {
    const text = JSON.stringify(small()).replace('"脆弱性の報告"', '"a\\ud800b"');
    expect(issues(text, 'ja')).toEqual([
      expect.objectContaining({
        path: '$.title',
        message:
          '壊れた文字です（対になっていないサロゲート、2文字目の U+D800）。その文字を打ち直してください',
      }),
    ]);
  });

  it('names the character and where it is, in both languages', () => {
    const text = JSON.stringify({
      ...small(),
      references: [{ ...small().references[0], title: '請求書\u202Eexe.fdp' }],
    });
    expect(issues(text, 'en')[0]!.message).toBe(
      'text-direction overrides are not allowed: they make text read differently from what it is (U+202E at character 4)',
    );
    expect(issues(text, 'ja')[0]!.message).toBe(
      '文字の向きを変える制御文字は使えません。表示と中身が食い違うためです（4文字目の U+202E）',
    );
  });

  it('also applies to URLs and $schema', () => {
    const r = { ...small(), $schema: './a\u202E.json' };
    r.references[0]!.url = 'https://example.jp/\u200Bpath';
    expect(issues(JSON.stringify(r)).map((i) => i.path)).toEqual(['$.references[0].url', '$.$schema']);
  });

  it('checkText counts characters by code point', () => {
    expect(checkText('😀\u202E', 'line')).toEqual({ kind: 'bidi', char: '\u202E', index: 2 });
    expect(checkText('🏴󠁧󠁢󠁳󠁣󠁴󠁿\u{E0041}', 'line')).toMatchObject({ kind: 'invisible', index: 8 });
  });
});
