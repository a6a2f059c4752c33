import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REPORT_ID_PATTERN,
  REPORT_LIMITS,
  isReportId,
  reportJsonSchema,
} from '../../functions/core/report-schema.ts';
import {
  jsonPath,
  parseReport,
  validateReport,
  type ReportIssue,
} from '../../functions/core/report-parse.ts';

const sampleText = readFileSync(new URL('../../examples/sample-report.json', import.meta.url), 'utf8');
const invalidText = readFileSync(new URL('../../examples/invalid-report.json', import.meta.url), 'utf8');

/** A fresh copy of the sample report as plain JSON data, to break in one place per test. */
function sample(): Record<string, any> {
  return JSON.parse(sampleText);
}

function issuesOf(value: unknown, lang: 'ja' | 'en' = 'ja'): ReportIssue[] {
  const r = validateReport(value, lang);
  if (r.ok) throw new Error('expected the report to be invalid');
  return r.issues;
}

function only(value: unknown, lang: 'ja' | 'en' = 'ja'): ReportIssue {
  const issues = issuesOf(value, lang);
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

const hasJapanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('the sample report', () => {
  it('is valid and comes out exactly as it went in', () => {
    const r = parseReport(sampleText);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.report).toEqual(JSON.parse(sampleText));
  });

  it('uses every block type, topics, references and notes', () => {
    const r = sample();
    expect(new Set(r.body.map((b: { type: string }) => b.type))).toEqual(
      new Set(['paragraph', 'heading', 'list', 'quote']),
    );
    expect(r.body.length).toBeGreaterThanOrEqual(35);
    expect(r.topics.length).toBeGreaterThanOrEqual(5);
    expect(r.references.length).toBeGreaterThanOrEqual(6);
    expect(r.notes.length).toBeGreaterThan(0);
  });
});

describe('the invalid example', () => {
  it('lists every problem, each at its own path, in the order of the file', () => {
    const r = parseReport(invalidText);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual([
      '$.title',
      '$.id',
      '$.titel',
      '$.issuedOn',
      '$.sendAt',
      '$.body[1].text',
      '$.body[2].type',
      '$.body[3].items',
      '$.body[4].author',
      '$.topics[0].date',
      '$.references[0].url',
      '$.notes[1]',
    ]);
    for (const issue of r.issues) expect(issue.message).toMatch(hasJapanese);
  });
});

describe('each kind of mistake, with its exact path and reason', () => {
  const cases: Array<[string, (r: Record<string, any>) => void, string, string]> = [
    ['missing title', (r) => delete r.title, '$.title', '必須の項目がありません'],
    ['missing body', (r) => delete r.body, '$.body', '必須の項目がありません'],
    ['empty body', (r) => (r.body = []), '$.body', '少なくとも1個必要です'],
    ['body not an array', (r) => (r.body = 'text'), '$.body', '配列'],
    ['title a number', (r) => (r.title = 42), '$.title', '文字列で書いてください（数値が書かれています）'],
    [
      'title too long',
      (r) => (r.title = 'あ'.repeat(201)),
      '$.title',
      '200文字以内にしてください（201文字あります）',
    ],
    ['title with a line break', (r) => (r.title = '一行目\n二行目'), '$.title', '改行を含められません'],
    ['blank paragraph', (r) => (r.body[3].text = ' \n\t'), '$.body[3].text', '空にできません'],
    ['empty heading', (r) => (r.body[2].text = ''), '$.body[2].text', '空にできません'],
    ['list without items', (r) => (r.body[9].items = []), '$.body[9].items', '少なくとも1個必要です'],
    ['blank list item', (r) => (r.body[9].items[2] = '  '), '$.body[9].items[2]', '空にできません'],
    [
      'unknown block type',
      (r) => (r.body[5] = { type: 'image', text: 'x' }),
      '$.body[5].type',
      "type 'image' は使えません",
    ],
    ['block without type', (r) => (r.body[5] = { text: 'x' }), '$.body[5].type', 'type がありません'],
    ['block that is a string', (r) => (r.body[5] = 'x'), '$.body[5]', 'オブジェクト'],
    ['bad id', (r) => (r.id = 'Report_1'), '$.id', '英小文字・数字・ハイフン'],
    ['id too long', (r) => (r.id = 'a'.repeat(65)), '$.id', '英小文字・数字・ハイフン'],
    ['id starting with a hyphen', (r) => (r.id = '-x'), '$.id', '英小文字・数字・ハイフン'],
    ['date in the wrong format', (r) => (r.issuedOn = '2020/09/18'), '$.issuedOn', 'YYYY-MM-DD'],
    [
      'date that does not exist',
      (r) => (r.issuedOn = '2020-02-30'),
      '$.issuedOn',
      '存在しない日付です（2020-02-30）',
    ],
    ['not a leap year', (r) => (r.issuedOn = '2021-02-29'), '$.issuedOn', '存在しない日付です'],
    ['month 13', (r) => (r.topics[1].date = '2020-13-01'), '$.topics[1].date', '存在しない日付です'],
    [
      'sendAt without offset',
      (r) => (r.sendAt = '2020-09-18T09:00:00'),
      '$.sendAt',
      '時差（+09:00 など）が必要です',
    ],
    ['sendAt in words', (r) => (r.sendAt = 'tomorrow 9am'), '$.sendAt', '2020-09-18T09:00:00+09:00 の形で'],
    ['sendAt impossible', (r) => (r.sendAt = '2020-09-31T09:00:00+09:00'), '$.sendAt', '存在しない日時です'],
    ['blank summary', (r) => (r.summary = ''), '$.summary', '空にできません'],
    ['topic without title', (r) => delete r.topics[0].title, '$.topics[0].title', '必須の項目がありません'],
    [
      'reference javascript URL',
      (r) => (r.references[2].url = 'javascript:alert(1)'),
      '$.references[2].url',
      'javascript: は使えません',
    ],
    [
      'reference ftp URL',
      (r) => (r.references[2].url = 'ftp://example.com/x'),
      '$.references[2].url',
      'ftp: は使えません',
    ],
    [
      'reference URL with a space',
      (r) => (r.references[0].url = 'https://www.example.com/a b'),
      '$.references[0].url',
      'URL の形が正しくありません',
    ],
    [
      'reference URL without host',
      (r) => (r.references[0].url = 'https://'),
      '$.references[0].url',
      'URL の形が正しくありません',
    ],
    [
      'reference without date',
      (r) => delete r.references[5].date,
      '$.references[5].date',
      '必須の項目がありません',
    ],
    ['note a number', (r) => (r.notes[1] = 42), '$.notes[1]', '文字列で書いてください'],
    ['notes not an array', (r) => (r.notes = 'x'), '$.notes', '配列'],
    [
      'topics null',
      (r) => (r.topics = null),
      '$.topics',
      '配列 [ … ]で書いてください（nullが書かれています）',
    ],
  ];

  it.each(cases)('%s', (_name, change, path, message) => {
    const r = sample();
    change(r);
    const issue = only(r);
    expect(issue.path).toBe(path);
    expect(issue.message).toContain(message);
  });

  it('accepts the edge cases that are right', () => {
    for (const change of [
      (r: Record<string, any>) => (r.issuedOn = '2020-02-29'),
      (r: Record<string, any>) => (r.sendAt = '2020-09-18T00:00:00Z'),
      (r: Record<string, any>) => (r.sendAt = '2020-09-18T09:00:00.250+09:00'),
      (r: Record<string, any>) => delete r.sendAt,
      (r: Record<string, any>) => {
        delete r.topics;
        delete r.references;
        delete r.notes;
        delete r.summary;
      },
      (r: Record<string, any>) => (r.id = 'a'.repeat(64)),
      (r: Record<string, any>) => (r.title = 'あ'.repeat(REPORT_LIMITS.title)),
      (r: Record<string, any>) => (r.references[0].url = 'http://www.example.com/?q=a&b=c#x'),
      (r: Record<string, any>) => (r.body = [{ type: 'quote', text: 'x' }]),
    ]) {
      const r = sample();
      change(r);
      expect(validateReport(r)).toMatchObject({ ok: true });
    }
  });
});

describe('unknown fields', () => {
  it('are errors at the root, naming the key and guessing the intended one', () => {
    const r = sample();
    r.titel = r.title;
    delete r.title;
    const issues = issuesOf(r);
    expect(issues).toContainEqual({ path: '$.title', message: '必須の項目がありません' });
    expect(issues).toContainEqual({
      path: '$.titel',
      message: "不明な項目 'titel' です。'title' の書き間違いではありませんか",
    });
  });

  it('are errors inside blocks, topics and references, each listed', () => {
    const r = sample();
    r.body[0].txt = 'x';
    r.topics[0].detials = 'x';
    r.references[0].link = 'https://example.com';
    r.references[0].author = 'x';
    const issues = issuesOf(r, 'en');
    expect(issues.map((i) => i.path)).toEqual([
      '$.body[0].txt',
      '$.topics[0].detials',
      '$.references[0].link',
      '$.references[0].author',
    ]);
    expect(issues[0]!.message).toBe("unknown field 'txt' — did you mean 'text'?");
    expect(issues[1]!.message).toBe("unknown field 'detials' — did you mean 'detail'?");
    expect(issues[3]!.message).toBe("unknown field 'author' (allowed here: source, date, title, url)");
  });

  it('quote keys that are not identifiers in the path', () => {
    const r = sample();
    r['send at'] = 'x';
    expect(only(r).path).toBe('$["send at"]');
  });
});

describe('every problem is listed, not just the first', () => {
  it('reports one issue per broken field across the whole file', () => {
    const r = sample();
    r.body[0].text = '';
    r.body[39].text = '';
    r.topics[4].date = 'x';
    r.references[5].url = 'mailto:a@example.com';
    r.notes[2] = '';
    expect(issuesOf(r).map((i) => i.path)).toEqual([
      '$.body[0].text',
      '$.body[39].text',
      '$.topics[4].date',
      '$.references[5].url',
      '$.notes[2]',
    ]);
  });
});

describe('JSON syntax errors', () => {
  const cases: Array<[string, string, string]> = [
    ['{\n  "id": "x"\n  "title": "y"\n}', '3行目 3列目', '「,」か「}」が必要です'],
    ['{\n  "id": "x",\n}', '3行目 1列目', '最後の要素の後ろに「,」は書けません'],
    ['{ "notes": [1, 2,] }', '1行目 18列目', '最後の要素の後ろに「,」は書けません'],
    ['{\n  "ok": tru\n}', '2行目 9列目', "ここに 'tru' は書けません"],
    ["{ 'id': 'x' }", '1行目 3列目', '項目名は "…" で囲んでください'],
    ['{ "id" "x" }', '1行目 8列目', '「:」が必要です'],
    ['{ "id": "x', '1行目 11列目', 'JSON が途中で終わっています'],
    ['{ "t": "a\nb" }', '1行目 10列目', '改行は \\n と書いてください'],
    ['{ "t": "C:\\xtemp" }', '1行目 11列目', '「\\」の使い方'],
    ['{ "n": 01 }', '1行目 8列目', '数値の書き方'],
    ['{} {}', '1行目 4列目', '余分な文字があります'],
    ['', '1行目 1列目', 'ファイルが空です'],
    ['   \n  ', '2行目 3列目', 'ファイルが空です'],
  ];

  it.each(cases)('%j → one issue at $ with line and column', (text, where, reason) => {
    const r = parseReport(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.path).toBe('$');
    expect(r.issues[0]!.message).toContain(where);
    expect(r.issues[0]!.message).toContain(reason);
  });

  it('are explained in English too', () => {
    const r = parseReport('{\n  "id": "x"\n  "title": "y"\n}', 'en');
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          path: '$',
          message:
            'JSON syntax error at line 3, column 3: expected "," or "}" (a missing comma at the end of the previous line?)',
          line: 3,
          column: 3,
        },
      ],
    });
  });

  it('a byte-order mark at the start is not an error', () => {
    expect(parseReport(`\uFEFF${sampleText}`).ok).toBe(true);
  });

  it('valid JSON that is not an object is a type error at $', () => {
    expect(parseReport('[]')).toEqual({
      ok: false,
      issues: [
        {
          path: '$',
          message: 'オブジェクト { … }で書いてください（配列 [ … ]が書かれています）',
          line: 1,
          column: 1,
        },
      ],
    });
    expect(parseReport('null', 'en')).toEqual({
      ok: false,
      issues: [{ path: '$', message: 'expected an object { … }, found null', line: 1, column: 1 }],
    });
  });
});

describe('messages in both languages', () => {
  it('gives the same paths in English, with English reasons', () => {
    const ja = issuesOf(JSON.parse(invalidText), 'ja');
    const en = issuesOf(JSON.parse(invalidText), 'en');
    expect(en.map((i) => i.path)).toEqual(ja.map((i) => i.path));
    expect(en.find((i) => i.path === '$.issuedOn')!.message).toBe('no such date: 2020-02-30');
    expect(en.find((i) => i.path === '$.sendAt')!.message).toBe(
      'a UTC offset is required, e.g. 2020-09-18T09:00:00+09:00 for Japan time',
    );
    for (const issue of en) expect(issue.message).not.toMatch(hasJapanese);
  });

  it('never shows zod’s own English wording, for any input (property)', () => {
    // Arbitrary JSON, and arbitrary mutations of a valid report: every message is ours.
    const zodDefaults = /Invalid input|Invalid string|Too small|Too big|Unrecognized key|expected .* to have/;
    const mutated = fc
      .record({
        key: fc.constantFrom(
          'id',
          'title',
          'issuedOn',
          'sendAt',
          'summary',
          'body',
          'topics',
          'references',
          'notes',
          'extra',
        ),
        value: fc.jsonValue(),
      })
      .map(({ key, value }) => ({ ...sample(), [key]: value }));
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), mutated),
        fc.constantFrom('ja' as const, 'en' as const),
        (value, lang) => {
          const r = validateReport(value, lang);
          if (r.ok) return;
          expect(r.issues.length).toBeGreaterThan(0);
          for (const issue of r.issues) {
            expect(issue.path.startsWith('$')).toBe(true);
            expect(issue.message).not.toMatch(zodDefaults);
            if (lang === 'ja') expect(issue.message).toMatch(hasJapanese);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('reportJsonSchema()', () => {
  const schema = reportJsonSchema() as any;

  it('describes the required fields and forbids unknown ones', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['id', 'title', 'issuedOn', 'body']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual([
      '$schema',
      'id',
      'title',
      'issuedOn',
      'sendAt',
      'summary',
      'body',
      'topics',
      'references',
      'notes',
      'archive',
      'canary',
    ]);
  });

  it('takes "canary" as a boolean only (the report asks for a canary or refuses one)', () => {
    expect(validateReport({ ...sample(), canary: true })).toMatchObject({
      ok: true,
      report: { canary: true },
    });
    expect(validateReport({ ...sample(), canary: false })).toMatchObject({
      ok: true,
      report: { canary: false },
    });
    for (const bad of ['yes', 'false', 1, null, { on: true }]) {
      expect(only({ ...sample(), canary: bad }), JSON.stringify(bad)).toMatchObject({ path: '$.canary' });
    }
  });

  it('refuses the ids the web archive uses for its own pages, in both languages; ids that only contain them pass', () => {
    for (const id of ['index', 'en']) {
      expect(only({ ...sample(), id })).toMatchObject({
        path: '$.id',
        message: expect.stringContaining(`「${id}」`),
      });
      expect(only({ ...sample(), id }, 'en')).toMatchObject({
        path: '$.id',
        message: expect.stringContaining('web archive'),
      });
    }
    for (const id of ['index-2', 'en-1', 'ja', 'feed', 'indexes']) {
      expect(validateReport({ ...sample(), id }).ok, id).toBe(true);
    }
  });

  it('is what examples/report.schema.json holds (regenerate: npx kawaraban report schema > examples/report.schema.json)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../examples/report.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(schema);
  });

  it("lets a report name its schema for editors' tools, as a string only", () => {
    const named = { ...sample(), $schema: './report.schema.json' };
    expect(validateReport(named)).toMatchObject({ ok: true, report: { $schema: './report.schema.json' } });
    expect(only({ ...sample(), $schema: 5 })).toEqual({
      path: '$.$schema',
      message: expect.stringContaining('文字列'),
    });
  });

  it('carries the id pattern, date formats, block types and http URLs', () => {
    expect(schema.properties.id.pattern).toBe(REPORT_ID_PATTERN.source);
    expect(schema.properties.issuedOn.format).toBe('date');
    expect(schema.properties.sendAt.format).toBe('date-time');
    expect(schema.properties.body.minItems).toBe(1);
    const types = schema.properties.body.items.oneOf.map((o: any) => o.properties.type.const);
    expect(types).toEqual(['paragraph', 'heading', 'list', 'quote']);
    for (const option of schema.properties.body.items.oneOf) expect(option.additionalProperties).toBe(false);
    const ref = schema.properties.references.items;
    expect(ref.required).toEqual(['source', 'date', 'title', 'url']);
    expect(ref.properties.url).toMatchObject({ format: 'uri', pattern: '^https?://' });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('helpers', () => {
  it('isReportId shares the id rule', () => {
    expect(isReportId('2020-09-18-cashless')).toBe(true);
    expect(isReportId('../etc')).toBe(false);
    expect(isReportId('A')).toBe(false);
  });

  it('jsonPath writes $-paths', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['body', 3, 'text'])).toBe('$.body[3].text');
    expect(jsonPath(['a-b'])).toBe('$["a-b"]');
  });
});
