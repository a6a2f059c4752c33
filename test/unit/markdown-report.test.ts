/**
 * Markdown → report conversion (cli/markdown/): every construct the format carries, every one it
 * refuses, and every problem with the Markdown line it is on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertMarkdown } from '../../cli/markdown/convert.ts';
import { en, ja } from '../../cli/markdown/messages.ts';
import { starterMarkdown } from '../../cli/markdown/starter.ts';
import { reportMessages } from '../../functions/core/report-messages.ts';
import type { Report } from '../../functions/core/report-schema.ts';

const examples = new URL('../../examples/', import.meta.url);
const sampleMd = readFileSync(new URL('sample-report.md', examples), 'utf8');
const sampleJson = JSON.parse(readFileSync(new URL('sample-report.json', examples), 'utf8'));
delete sampleJson.$schema;

const FRONT = ['---', 'id: md-test', 'title: テスト', 'issuedOn: 2020-09-18', '---', ''];

/** A report from body lines under a valid front matter (so body line N is file line N + 6). */
function doc(...body: string[]): string {
  return [...FRONT, ...body, ''].join('\n');
}
const BODY = FRONT.length; // file line of body line 1 is BODY + 1

function report(text: string): Report {
  const r = convertMarkdown(text);
  if (!r.ok)
    throw new Error(
      `expected a valid report:\n${r.problems.map((p) => `${p.line}: ${p.message}`).join('\n')}`,
    );
  return r.report;
}

function problems(text: string, lang: 'ja' | 'en' = 'ja'): string[] {
  const r = convertMarkdown(text, lang);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${p.line}: ${p.message}`);
}

describe('the sample', () => {
  it('examples/sample-report.md converts to exactly examples/sample-report.json (less $schema)', () => {
    expect(report(sampleMd)).toEqual(sampleJson);
    // Same key order too: `report convert` writes the JSON an editor would have written.
    expect(JSON.stringify(report(sampleMd))).toBe(JSON.stringify(sampleJson));
  });

  it('saved with CRLF, with CR only, or with a byte-order mark, it converts the same', () => {
    expect(report(sampleMd.replace(/\n/g, '\r\n'))).toEqual(sampleJson);
    expect(report(sampleMd.replace(/\n/g, '\r'))).toEqual(sampleJson);
    expect(report(`\uFEFF${sampleMd.replace(/\n/g, '\r\n')}`)).toEqual(sampleJson);
  });

  it('the starter of `report new` is a valid report in both languages, dated in Japan time', () => {
    // 2020-09-17 20:00 UTC is already the 18th in Tokyo.
    const now = new Date('2020-09-17T20:00:00Z');
    const jaReport = report(starterMarkdown('new-one', 'ja', now));
    expect(jaReport).toMatchObject({ id: 'new-one', issuedOn: '2020-09-18' });
    expect(jaReport.topics).toHaveLength(1);
    expect(jaReport.references).toHaveLength(1);
    expect(jaReport.notes).toHaveLength(1);
    expect(jaReport.body.map((b) => b.type)).toEqual(['paragraph', 'heading', 'paragraph', 'list', 'quote']);
    const enReport = report(starterMarkdown('new-one', 'en', now));
    expect(enReport.references?.[0]?.url).toBe('https://www.example.com/');
  });
});

describe('what the format carries', () => {
  it('front matter: id, title, issuedOn, sendAt, summary (folded YAML too)', () => {
    const r = report(
      [
        '---',
        'id: a-1',
        "title: '【速報】引用符つき: コロンも可'",
        'issuedOn: 2020-09-18',
        'sendAt: 2020-09-18T09:00:00+09:00',
        'summary: >',
        '  折り返した',
        '  要約',
        '---',
        '',
        '本文',
      ].join('\n'),
    );
    expect(r).toEqual({
      id: 'a-1',
      title: '【速報】引用符つき: コロンも可',
      issuedOn: '2020-09-18',
      sendAt: '2020-09-18T09:00:00+09:00',
      summary: '折り返した 要約',
      body: [{ type: 'paragraph', text: '本文' }],
    });
  });

  it('front matter: archive and canary as YAML booleans; anything else is refused at its line, without the quoting hint', () => {
    const front = (extra: string) =>
      ['---', 'id: a-1', 'title: t', 'issuedOn: 2020-09-18', extra, '---', '', '本文'].join('\n');
    expect(report(front('canary: false'))).toMatchObject({ canary: false });
    const both = report(front('canary: true\narchive: false'));
    expect(both).toMatchObject({ canary: true, archive: false });
    // After the body, as in the JSON schema (and a converted file).
    expect(Object.keys(both).slice(-2)).toEqual(['archive', 'canary']);
    const m = reportMessages.ja;
    expect(problems(front('canary: yes'))).toEqual([`5: canary: ${m.wrongType('boolean', 'string')}`]);
    expect(problems(front('canary: 1'))).toEqual([`5: canary: ${m.wrongType('boolean', 'number')}`]);
  });

  it('paragraphs keep their line breaks (soft and hard); blank lines separate paragraphs', () => {
    expect(report(doc('一行目', '二行目  ', '三行目\\', '四行目', '', '次の段落')).body).toEqual([
      { type: 'paragraph', text: '一行目\n二行目\n三行目\n四行目' },
      { type: 'paragraph', text: '次の段落' },
    ]);
  });

  it('## headings (ATX or underlined) are heading blocks', () => {
    expect(report(doc('## 1. 見出し ##', '', '見出し2', '---', '', '段落')).body).toEqual([
      { type: 'heading', text: '1. 見出し' },
      { type: 'heading', text: '見出し2' },
      { type: 'paragraph', text: '段落' },
    ]);
  });

  it('bullet lists (-, * or +; tight or loose; lazy lines; several paragraphs in an item)', () => {
    expect(report(doc('- 一つ目', '- 二つ目', '続き', '', '* 別のリスト', '', '  二段落目')).body).toEqual([
      { type: 'list', items: ['一つ目', '二つ目\n続き'] },
      { type: 'list', items: ['別のリスト\n\n二段落目'] },
    ]);
  });

  it('block quotes, one or several paragraphs', () => {
    expect(report(doc('> 引用の', '> 二行目', '>', '> 二段落目')).body).toEqual([
      { type: 'quote', text: '引用の\n二行目\n\n二段落目' },
    ]);
  });

  it('URLs stay as written (the renderer links them): bare, <autolink>, [url](url); escapes and entities become characters', () => {
    const text = report(
      doc(
        'https://example.jp/a_b_c?x=1&y=2 と <https://example.jp/auto> と [https://example.jp/s](https://example.jp/s)',
        'hxxps://bad[.]example \\*星\\* &amp; &lt;tag&gt;',
      ),
    ).body[0];
    expect(text).toEqual({
      type: 'paragraph',
      text: 'https://example.jp/a_b_c?x=1&y=2 と https://example.jp/auto と https://example.jp/s\nhxxps://bad[.]example *星* & <tag>',
    });
  });

  it('lines starting with ※ are notes, wherever they are; a line after a note continues it', () => {
    const r = report(
      doc(
        '本文です。',
        '※ 注記1',
        '',
        '※注記2',
        '二行目',
        '',
        '## 参考URL',
        '',
        '- [t](https://e.jp) — 発信元, 2020-09-01',
        '',
        '※　注記3',
      ),
    );
    expect(r.body).toEqual([{ type: 'paragraph', text: '本文です。' }]);
    expect(r.notes).toEqual(['注記1', '注記2\n二行目', '注記3']);
  });

  it('a line that must start with ※ but is no note writes it as &#x203B;', () => {
    const r = report(doc('&#x203B;印の項目は重要です。', '※ これは注記'));
    expect(r.body).toEqual([{ type: 'paragraph', text: '※印の項目は重要です。' }]);
    expect(r.notes).toEqual(['これは注記']);
  });

  it('references: [title](url) — source, date (source may hold commas; 、 or ， also end it; any dash)', () => {
    const r = report(
      doc(
        '本文',
        '',
        '## 【参考URL】',
        '',
        '- [お知らせ](https://example.com/a?b=1) — 架空ペイ株式会社, 2020-09-08',
        '- [Notice, with comma](http://example.org/n) - Example, Inc., 2020-09-09',
        '- [全角](https://example.jp/z) ― サンプル銀行、2020-09-10',
      ),
    );
    expect(r.references).toEqual([
      { source: '架空ペイ株式会社', date: '2020-09-08', title: 'お知らせ', url: 'https://example.com/a?b=1' },
      {
        source: 'Example, Inc.',
        date: '2020-09-09',
        title: 'Notice, with comma',
        url: 'http://example.org/n',
      },
      { source: 'サンプル銀行', date: '2020-09-10', title: '全角', url: 'https://example.jp/z' },
    ]);
  });

  it('topics: date and title on the first line, detail on the lines or paragraphs after', () => {
    const r = report(
      doc(
        '本文',
        '',
        '## Topics',
        '',
        '- 2020-09-08 タイトルのみ',
        '- 2020-09-09　全角空白の後のタイトル',
        '  詳細1行目',
        '  詳細2行目',
        '- 2020-09-10 段落で',
        '',
        '  詳細の段落',
      ),
    );
    expect(r.topics).toEqual([
      { date: '2020-09-08', title: 'タイトルのみ' },
      { date: '2020-09-09', title: '全角空白の後のタイトル', detail: '詳細1行目\n詳細2行目' },
      { date: '2020-09-10', title: '段落で', detail: '詳細の段落' },
    ]);
  });

  it('a ## heading after a section returns to the body; sections can come in any order', () => {
    const r = report(
      doc('## References', '', '- [t](https://e.jp) — s, 2020-09-01', '', '## あとがき', '', '本文に戻る'),
    );
    expect(r.body).toEqual([
      { type: 'heading', text: 'あとがき' },
      { type: 'paragraph', text: '本文に戻る' },
    ]);
  });

  it("HTML comments are the editor's notes to self: never sent, never a problem", () => {
    expect(
      report(
        doc('<!-- 下書きメモ:', '  数字を確認 -->', '', '本文<!-- 要確認 -->です。', '- 項目 <!-- x -->'),
      ).body,
    ).toEqual([
      { type: 'paragraph', text: '本文です。' },
      { type: 'list', items: ['項目'] },
    ]);
  });

  it('link reference definitions work for references', () => {
    const r = report(
      doc(
        '本文',
        '',
        '## 参考URL',
        '',
        '- [お知らせ][1] — 発信元, 2020-09-01',
        '',
        '[1]: https://example.jp/x',
      ),
    );
    expect(r.references?.[0]?.url).toBe('https://example.jp/x');
  });
});

describe('what the format cannot carry is refused, with its line', () => {
  const u = ja.unsupported;
  const cases: [string, string[], number, string][] = [
    ['a # heading', ['# タイトル'], 1, ja.title1],
    ['a ### heading', ['### 小見出し'], 1, ja.deepHeading(3)],
    ['a ###### heading', ['段落', '', '###### 深い'], 3, ja.deepHeading(6)],
    ['an ordered list', ['段落', '', '1. 一', '2. 二'], 3, u('orderedList')],
    ['a nested list', ['- 外', '- 外2', '  - 内'], 3, u('nestedList')],
    ['a nested ordered list', ['- 外', '  1. 内'], 2, u('nestedList')],
    ['a fenced code block', ['段落', '', '```', 'code', '```'], 3, u('codeBlock')],
    ['an indented code block', ['段落', '', '    code'], 3, u('indentedCode')],
    ['a table', ['| a | b |', '|---|---|', '| 1 | 2 |'], 1, u('table')],
    ['a horizontal rule', ['段落', '', '***'], 3, u('rule')],
    ['an HTML block', ['<div>', 'x', '</div>'], 1, u('html')],
    ['inline HTML', ['一行目', '<b>太字</b>'], 2, u('html')],
    ['an image', ['![図](https://example.jp/a.png)'], 1, u('image')],
    ['a link with its own text', ['詳しくは[こちら](https://example.jp)へ'], 1, u('link')],
    ['italics', ['一', '二', '*斜体*'], 3, u('emphasis')],
    ['bold', ['**太字**'], 1, u('strong')],
    ['strikethrough', ['~~取り消し~~'], 1, u('strikethrough')],
    ['inline code', ['`code`'], 1, u('codeInline')],
    ['a quote in a list item', ['- 項目', '', '  > 引用'], 3, ja.blockInList],
    ['a list in a quote', ['> 引用', '> - 項目'], 2, ja.blockInQuote],
    ['a nested quote', ['> 引用', '>', '> > 入れ子'], 3, ja.blockInQuote],
    ['a heading in a quote', ['> ## 見出し'], 1, ja.blockInQuote],
    ['bold in a list item', ['- 一', '- **二**'], 2, u('strong')],
    ['bold in a heading', ['## **見出し**'], 1, u('strong')],
    ['a paragraph in the references section', ['## 参考URL', '', '段落'], 3, ja.sectionContent('references')],
    [
      'a quote in the topics section',
      ['## 確認されたサイバー攻撃トピック', '', '> 引用'],
      3,
      ja.sectionContent('topics'),
    ],
    ['a reference without a link', ['## 参考URL', '', '- 発信元, 2020-09-01'], 3, ja.referenceNoLink],
    [
      'a reference with an autolink only',
      ['## 参考URL', '', '- <https://e.jp> — s, 2020-09-01'],
      3,
      ja.referenceNoLink,
    ],
    ['a reference without a source', ['## 参考URL', '', '- [t](https://e.jp)'], 3, ja.referenceNoSource],
    [
      'a reference with an empty source',
      ['## 参考URL', '', '- [t](https://e.jp) — , 2020-09-01'],
      3,
      ja.referenceNoSource,
    ],
    ['a reference without a date', ['## 参考URL', '', '- [t](https://e.jp) — 発信元'], 3, ja.referenceNoDate],
    [
      'a reference on two lines',
      ['## 参考URL', '', '- [t](https://e.jp) — s, 2020-09-01', '  続き'],
      3,
      ja.referenceShape,
    ],
    [
      'a nested list in references',
      ['## 参考URL', '', '- [t](https://e.jp) — s, 2020-09-01', '  - x'],
      4,
      u('nestedList'),
    ],
    ['a topic without a title', ['## Topics', '', '- 2020-09-01'], 3, ja.topicShape],
    ['a topic holding a quote', ['## Topics', '', '- 2020-09-01 t', '', '  > q'], 3, ja.topicShape],
  ];
  for (const [what, body, line, message] of cases) {
    it(`${what} (body line ${line})`, () => {
      expect(problems(doc(...body))).toContain(`${BODY + line}: ${message}`);
    });
  }

  it('a duplicate section names the first one, whichever name each uses', () => {
    const text = doc(
      '本文',
      '',
      '## 参考URL',
      '',
      '- [t](https://e.jp) — s, 2020-09-01',
      '',
      '## References',
      '',
      '- [u](https://e.jp) — s, 2020-09-01',
    );
    expect(problems(text)).toEqual([`${BODY + 7}: ${ja.duplicateSection('references', BODY + 3)}`]);
  });

  it('every problem is listed, in line order, and nothing converts', () => {
    const r = convertMarkdown(doc('# 一', '', '**二**', '', '| a |', '|---|', '', '1. x'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.line)).toEqual([BODY + 1, BODY + 3, BODY + 5, BODY + 8]);
  });

  it('the same problem twice on one line is listed once', () => {
    expect(problems(doc('<b>a</b> <i>b</i>'))).toEqual([`${BODY + 1}: ${ja.unsupported('html')}`]);
  });

  it('speaks English with lang en', () => {
    expect(problems(doc('**x**'), 'en')).toEqual([`${BODY + 1}: ${en.unsupported('strong')}`]);
  });
});

describe('front matter problems, with their lines', () => {
  it('missing: the file starts with Markdown', () => {
    expect(problems('本文だけ\n')).toEqual([`1: ${ja.frontMatterMissing}`]);
  });

  it('not closed', () => {
    expect(problems('---\nid: x\ntitle: y\n\n本文\n')).toEqual([`1: ${ja.frontMatterUnclosed}`]);
  });

  it('bad YAML names its line (and refused blocks below are still listed)', () => {
    expect(problems('---\nid: x\ntitle: a: b\n---\n\n**太字**\n')).toEqual([
      `3: ${ja.yaml('BLOCK_AS_IMPLICIT_KEY', '')}`,
      `6: ${ja.unsupported('strong')}`,
    ]);
  });

  it('a value starting with a YAML indicator is named with the fix (quote it), never read as something else', () => {
    const fm = (line: string) => `---\nid: x\n${line}\nissuedOn: 2020-09-18\n---\n\n本文\n`;
    for (const [line, c] of [
      ['title: *重要* 速報', '*'],
      ['title: !注意 速報', '!'],
      ['title: [速報] 件名', '['],
      ['title: {速報} 件名', '{'],
      ['title: `速報`', '`'],
      ['title: @速報', '@'],
      ['title: &速報 件名', '&'],
      ['title: x\nsummary: *a', '*'],
    ] as const) {
      const at = line.includes('summary') ? 4 : 3;
      expect(problems(fm(line)), line).toEqual([`${at}: ${ja.yamlLeading(c)}`]);
    }
    // Quoted, the same text is fine; a valid YAML list where text was meant gets the hint.
    expect(report(fm('title: "[速報] 件名"')).title).toBe('[速報] 件名');
    expect(problems(fm('title: [速報]'))).toEqual([
      `3: title: ${reportMessages.ja.wrongType('string', 'array')}${ja.quoteHint}`,
    ]);
  });

  it('a value holding ": " is named with the fix', () => {
    expect(problems('---\nid: x\ntitle: 件名: 副題\nissuedOn: 2020-09-18\n---\n\n本文\n')).toEqual([
      `3: ${ja.yaml('BLOCK_AS_IMPLICIT_KEY', '')}`,
    ]);
  });

  it('a key written twice', () => {
    expect(problems('---\nid: x\ntitle: y\nissuedOn: 2020-09-18\nid: z\n---\n\n本文\n')).toEqual([
      `5: ${ja.yaml('DUPLICATE_KEY', '')}`,
    ]);
  });

  it('a tab as indent', () => {
    expect(problems('---\nid: x\n\ttitle: y\n---\n\n本文\n')[0]).toBe(`3: ${ja.yaml('TAB_AS_INDENT', '')}`);
  });

  it('not a mapping', () => {
    expect(problems('---\n- id\n- title\n---\n\n本文\n')).toEqual([`2: ${ja.frontMatterNotMapping}`]);
  });

  it('a key that is not a name', () => {
    expect(problems('---\nid: x\ntitle: y\nissuedOn: 2020-09-18\n[a]: b\n---\n\n本文\n')).toEqual([
      `5: ${ja.frontMatterKey}`,
    ]);
  });

  it('keys the Markdown fills (body, topics, references, notes, $schema)', () => {
    const p = problems(
      '---\nid: x\ntitle: y\nissuedOn: 2020-09-18\nbody: []\nnotes: [a]\n$schema: s\n---\n\n本文\n',
    );
    expect(p).toEqual([
      `5: ${ja.frontMatterReserved('body')}`,
      `6: ${ja.frontMatterReserved('notes')}`,
      `7: ${ja.frontMatterReserved('$schema')}`,
    ]);
  });

  it('unknown keys, with a guess; wrong types; bad values; all at their lines and named', () => {
    const m = reportMessages.ja;
    const p = problems(
      '---\nid: 2020\ntitel: y\nissuedOn: 2020-02-30\nsendAt: 2020-09-18 09:00\nsummary: [a, b]\n---\n\n本文\n',
    );
    expect(p).toEqual([
      `1: title: ${m.required}`,
      `2: id: ${m.wrongType('string', 'number')}${ja.quoteHint}`,
      `3: ${m.unknownField('titel', 'title', [])}`,
      `4: issuedOn: ${m.dateNotReal('2020-02-30')}`,
      `5: sendAt: ${m.dateTimeFormat('2020-09-18 09:00')}`,
      `6: summary: ${m.wrongType('string', 'array')}${ja.quoteHint}`,
    ]);
  });

  it("an unknown key is named against the front matter's own keys", () => {
    const m = reportMessages.ja;
    const keys = ['id', 'title', 'issuedOn', 'sendAt', 'summary', 'archive', 'canary'];
    expect(
      problems('---\nid: x\ntitle: y\nissuedOn: 2020-09-18\nnote: z\nsummery: s\n---\n\n本文\n'),
    ).toEqual([
      `5: ${m.unknownField('note', undefined, keys)}`,
      `6: ${m.unknownField('summery', 'summary', keys)}`,
    ]);
  });

  it('an empty value counts as absent: a required one is named at its key, a missing one at the front matter', () => {
    expect(problems('---\nid: x\ntitle:\nissuedOn: 2020-09-18\n---\n\n本文\n')).toEqual([
      `3: title: ${reportMessages.ja.required}`,
    ]);
    expect(problems('---\nid: x\nissuedOn: 2020-09-18\n---\n\n本文\n')).toEqual([
      `1: title: ${reportMessages.ja.required}`,
    ]);
  });
});

describe('schema problems after conversion point at the Markdown line', () => {
  const m = reportMessages.ja;

  it('a paragraph too long, an empty list item, a heading on two lines', () => {
    const long = 'あ'.repeat(5001);
    expect(problems(doc('段落', '', long, '', '- 一', '-', '- 三', '', '二行の', '見出し', '---'))).toEqual([
      `${BODY + 3}: ${m.tooLong(5000, 5001)}`,
      `${BODY + 6}: ${m.blank}`,
      `${BODY + 9}: ${m.singleLine}`,
    ]);
  });

  it('a reference URL with a bad scheme, a topic with a bad date, an empty note', () => {
    const text = doc(
      '本文',
      '',
      '## 参考URL',
      '',
      '- [t](https://e.jp) — s, 2020-09-01',
      '- [t](ftp://e.jp/x) — s, 2020-09-01',
      '',
      '## Topics',
      '',
      '- 2020/09/01 題',
      '',
      '※',
    );
    expect(problems(text)).toEqual([
      `${BODY + 6}: url: ${m.urlScheme('ftp:')}`,
      `${BODY + 10}: date: ${m.dateFormat('2020/09/01')}`,
      `${BODY + 12}: ${m.blank}`,
    ]);
  });

  it('an empty body is named at the first line after the front matter', () => {
    expect(problems(doc())).toEqual([`${BODY}: body: ${m.tooFewItems(1)}`]);
  });

  it('line numbers are the same in a CRLF file with a BOM', () => {
    const text = doc('段落', '', '**太字**', '', '## 参考URL', '', '- [t](ftp://e.jp) — s, 2020-09-01');
    expect(problems(`\uFEFF${text.replace(/\n/g, '\r\n')}`)).toEqual(problems(text));
    expect(problems(text)).toEqual([
      `${BODY + 3}: ${ja.unsupported('strong')}`,
      `${BODY + 7}: url: ${m.urlScheme('ftp:')}`,
    ]);
  });
});
