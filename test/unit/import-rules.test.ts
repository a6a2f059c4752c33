/** The rules of `subscribers import`: what a list must hold, and what an import may do to a known address. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../functions/core/csv-parser.ts';
import {
  checkSourceText,
  ImportValidator,
  suggestColumn,
  type ValidationContext,
} from '../../functions/core/import-rules.ts';
import { decideImport, type ImportState } from '../../functions/core/import-decision.ts';
import { parseConsentTime } from '../../functions/core/consent-time.ts';
import { formatIssue, formatNotice } from '../../functions/core/import-messages.ts';
import {
  shardOf,
  statusShard,
  type Subscriber,
  type SubscriberStatus,
} from '../../functions/core/subscriber.ts';

const ctx: ValidationContext = {
  now: new Date('2031-03-01T00:00:00Z'),
  defaultLocale: 'ja',
  defaultSource: 'legacy',
};

function validate(text: string, c: ValidationContext = ctx) {
  const v = new ImportValidator(c);
  for (const r of parseCsv(text)) v.add(r);
  return v.finish();
}

const where = (text: string) => validate(text).issues.map((i) => [i.line, i.column, i.problem.kind]);

describe('import validation', () => {
  it('keeps every valid row with its normalised address, consent time, locale and source', () => {
    const { rows, issues } = validate(
      'email,consentAt,locale,consentSource\r\n' +
        '  Reader@Example.COM ,2023-04-01,,\r\n' +
        'b@example.jp,2023-04-01T09:30:00+09:00,en,"form, 2023"\r\n' +
        '\r\n' +
        ',,,\r\n' +
        '"c@example.jp",2023-04-01 09:30Z,ja,\r\n',
    );
    expect(issues).toEqual([]);
    expect(rows).toEqual([
      { line: 2, email: 'Reader@example.com', consentAt: '2023-04-01', locale: 'ja', source: 'legacy' },
      {
        line: 3,
        email: 'b@example.jp',
        consentAt: '2023-04-01T00:30:00.000Z',
        locale: 'en',
        source: 'form, 2023',
      },
      {
        line: 6,
        email: 'c@example.jp',
        consentAt: '2023-04-01T09:30:00.000Z',
        locale: 'ja',
        source: 'legacy',
      },
    ]);
  });

  it('takes the columns in any order and the optional ones may be absent', () => {
    const { rows, issues } = validate('consentAt,email\n2023-04-01,a@example.jp\n', {
      ...ctx,
      defaultLocale: 'en',
    });
    expect(issues).toEqual([]);
    expect(rows).toEqual([
      { line: 2, email: 'a@example.jp', consentAt: '2023-04-01', locale: 'en', source: 'legacy' },
    ]);
  });

  it('names unknown, duplicate, empty and missing columns on line 1, with a guess for a typo', () => {
    expect(where('emial,consentAt,Locale,notes,consentAt,\nx\n')).toEqual([
      [1, 'emial', 'unknown-column'],
      [1, 'Locale', 'unknown-column'],
      [1, 'notes', 'unknown-column'],
      [1, 'consentAt', 'duplicate-column'],
      [1, null, 'blank-column'],
      [1, 'email', 'missing-column'],
      [2, null, 'field-count'],
    ]);
    const [typo, caseOnly, unknown, duplicate] = validate('emial,consentAt,Locale,notes,consentAt\n').issues;
    expect(formatIssue(typo!, 'en')).toBe("line 1: emial: unknown column 'emial' — did you mean 'email'?");
    expect(formatIssue(caseOnly!, 'ja')).toBe(
      "line 1: Locale: 不明な列 'Locale' です。'locale' の書き間違いではありませんか",
    );
    expect(formatIssue(unknown!, 'en')).toBe(
      "line 1: notes: unknown column 'notes' (allowed: email, consentAt, locale, consentSource)",
    );
    expect(formatIssue(duplicate!, 'en')).toBe('line 1: consentAt: the same column is also column 2');
  });

  it('lists every problem of every row with its line and column', () => {
    const text = [
      'email,consentAt,locale,consentSource',
      'ok@example.jp,2023-04-01,ja,',
      'not-an-address,2023-04-01,ja,',
      'ｆｕｌｌ@example.jp,2023-04-01,ja,',
      ',2023-04-01,ja,',
      'a@example.jp,,ja,',
      'b@example.jp,2023/04/01,ja,',
      'c@example.jp,2023-02-30,ja,',
      'd@example.jp,2023-04-01T09:00:00,ja,',
      'e@example.jp,2031-03-02T00:00:01Z,ja,',
      'f@example.jp,2023-04-01,JA,',
      `g@example.jp,2023-04-01,en,${'x'.repeat(201)}`,
      'h@example.jp,2023-04-01,en,"two\nlines"',
      'OK@example.jp,2023-04-01,en,',
      'ok@EXAMPLE.jp,2023-04-01,en,',
      'i@example.jp,2023-04-01',
      'j@example.jp,2023-04-01,ja,"oops"x',
      'k@example.jp,2023-04-01T25:00:00+09:00,ja,',
    ].join('\n');
    expect(where(text)).toEqual([
      [3, 'email', 'email'],
      [4, 'email', 'email'],
      [5, 'email', 'required'],
      [6, 'consentAt', 'required'],
      [7, 'consentAt', 'date-format'],
      [8, 'consentAt', 'date-not-real'],
      [9, 'consentAt', 'datetime-no-offset'],
      [10, 'consentAt', 'future'],
      [11, 'locale', 'locale'],
      [12, 'consentSource', 'too-long'],
      [13, 'consentSource', 'text'],
      [16, 'email', 'duplicate-address'],
      [17, null, 'field-count'],
      [18, null, 'csv'],
      [19, 'consentAt', 'date-not-real'],
    ]);
    const issues = validate(text).issues;
    expect(validate(text).rows).toEqual([]);
    expect(issues.map((i) => formatIssue(i, 'en'))).toContain(
      'line 16: email: the same address is on line 2',
    );
    expect(issues.map((i) => formatIssue(i, 'ja'))).toContain(
      'line 9: consentAt: 時差（+09:00 など）が必要です。日本時間なら 2023-04-01T09:00:00+09:00 のように書いてください',
    );
    expect(issues.map((i) => formatIssue(i, 'en'))).toContain(
      'line 17: 2 values, but the header has 4 columns (quote a value that contains a comma as "…")',
    );
  });

  it('refuses an empty file, a header without rows, and a file that is not UTF-8', () => {
    expect(where('')).toEqual([[1, null, 'no-header']]);
    expect(where('email,consentAt\r\n\r\n')).toEqual([[2, null, 'no-rows']]);
    const v = new ImportValidator(ctx);
    for (const r of parseCsv('email,consentAt\n')) v.add(r);
    v.notUtf8(2);
    expect(v.finish().issues.map((i) => formatIssue(i, 'ja'))).toEqual([
      'line 2: UTF-8 として読めません。Excel では「CSV UTF-8（コンマ区切り）」で保存してください（「CSV（コンマ区切り）」は Shift_JIS になります）',
    ]);
  });

  it.each([
    ['a right-to-left override', 'form\u202Etxt.exe'],
    ['NEL', 'a\u0085b'],
    ['only zero-width spaces', '\u200B\u200B'],
    ['U+FEFF in the middle', 'web\uFEFFform'],
    ['a lone surrogate', 'a\uD800'],
  ])('refuses %s in consentSource, with the same rules as a report title', (_, source) => {
    expect(checkSourceText(source)).toMatchObject({ kind: 'text' });
    const v = validate(`email,consentAt,consentSource\na@example.jp,2023-04-01,"${source}"\n`);
    expect(v.issues.map((i) => [i.line, i.column, i.problem.kind])).toEqual([[2, 'consentSource', 'text']]);
  });

  it('names the likely encoding of a list that is not UTF-8', () => {
    const v = new ImportValidator(ctx);
    v.notUtf8(1, 'shift_jis');
    expect(v.finish().issues.map((i) => formatIssue(i, 'en'))).toEqual([
      'line 1: not valid UTF-8 (most likely Shift_JIS); in Excel save as "CSV UTF-8 (Comma delimited)" (plain "CSV" is Shift_JIS on Japanese Windows)',
    ]);
  });

  it('imports spellings of one mailbox as separate subscribers and notes them', () => {
    const { rows, issues, notices } = validate(
      'email,consentAt\ntest@gmail.com,2023-04-01\ntest+news@gmail.com,2023-04-01\nT.e.s.t@googlemail.com,2023-04-01\n',
    );
    expect(issues).toEqual([]);
    expect(rows.map((r) => r.email)).toEqual([
      'test@gmail.com',
      'test+news@gmail.com',
      'T.e.s.t@googlemail.com',
    ]);
    expect(notices).toEqual([
      { line: 3, firstLine: 2 },
      { line: 4, firstLine: 2 },
    ]);
    expect(formatNotice(notices[0]!, 'en')).toMatch(/^line 3: email: note: the same mailbox as line 2/);
  });
});

describe('consent times', () => {
  it('keeps a date as a date and a datetime as the same instant in UTC', () => {
    expect(parseConsentTime('2023-04-01')).toMatchObject({ ok: true, at: '2023-04-01' });
    expect(parseConsentTime('2023-04-01T09:00:00.123456+09:00')).toMatchObject({
      ok: true,
      at: '2023-04-01T00:00:00.123Z',
    });
    expect(parseConsentTime('2023-04-01T00:00-05:30')).toMatchObject({
      ok: true,
      at: '2023-04-01T05:30:00.000Z',
    });
    expect(parseConsentTime('2024-02-29')).toMatchObject({ ok: true });
    for (const bad of [
      '2023-02-29',
      '2023-13-01',
      '2023-04-01T24:00:00Z',
      '2023-04-01T09:60Z',
      '2023-04-01T09:00+24:00',
    ]) {
      expect(parseConsentTime(bad)).toEqual({ ok: false, problem: 'date-not-real' });
    }
    for (const bad of ['2023/04/01', '01-04-2023', '2023-4-1', 'yesterday', '2023-04-01T09:00:00+0900']) {
      expect(parseConsentTime(bad)).toEqual({ ok: false, problem: 'date-format' });
    }
  });

  it('counts a date as past once it has begun in some time zone (UTC+14 first)', () => {
    const at = (now: string) =>
      validate('email,consentAt\na@example.jp,2031-03-02\n', { ...ctx, now: new Date(now) }).issues;
    expect(at('2031-03-01T09:59:59Z')).toHaveLength(1);
    expect(at('2031-03-01T10:00:00Z')).toEqual([]);
  });

  it('guesses a column only when the name is close', () => {
    expect(suggestColumn('Email')).toBe('email');
    expect(suggestColumn('consent_at')).toBe('consentAt');
    expect(suggestColumn('consentsource')).toBe('consentSource');
    expect(suggestColumn('name')).toBeUndefined();
  });
});

describe('what an import does to a known address', () => {
  const row = (status: SubscriberStatus): Subscriber => {
    const shard = shardOf('a@example.jp');
    return {
      email: 'a@example.jp',
      id: 'x',
      status,
      locale: 'ja',
      shard,
      statusShard: statusShard(status, shard),
      createdAt: '2030-01-01',
    };
  };
  const decide = (s: Partial<ImportState>) =>
    decideImport({ row: null, erased: false, mailboxSuppressed: false, ...s });

  it('never resurrects and never downgrades', () => {
    expect(decide({})).toEqual({ write: 'create', outcome: 'imported' });
    expect(decide({ row: row('pending') })).toMatchObject({
      write: 'confirm-pending',
      outcome: 'confirmed-pending',
    });
    expect(decide({ row: row('confirmed') })).toEqual({ write: null, outcome: 'already-confirmed' });
    expect(decide({ row: row('unsubscribed') })).toEqual({ write: null, outcome: 'skipped-unsubscribed' });
    expect(decide({ row: row('bounced') })).toEqual({ write: null, outcome: 'skipped-bounced' });
    expect(decide({ row: row('complained') })).toEqual({ write: null, outcome: 'skipped-complained' });
    expect(decide({ erased: true })).toEqual({ write: null, outcome: 'skipped-erased' });
    expect(decide({ mailboxSuppressed: true })).toEqual({
      write: null,
      outcome: 'skipped-suppressed-mailbox',
    });
  });

  it('leaves a pending sign-up pending when the person was erased or the mailbox said no', () => {
    expect(decide({ row: row('pending'), erased: true })).toEqual({ write: null, outcome: 'skipped-erased' });
    expect(decide({ row: row('pending'), mailboxSuppressed: true })).toEqual({
      write: null,
      outcome: 'skipped-suppressed-mailbox',
    });
  });

  it('leaves a confirmed reader as they are, also after an erasure and a new double opt-in', () => {
    expect(decide({ row: row('confirmed'), erased: true, mailboxSuppressed: true })).toEqual({
      write: null,
      outcome: 'already-confirmed',
    });
    expect(decide({ row: row('unsubscribed'), erased: true })).toEqual({
      write: null,
      outcome: 'skipped-unsubscribed',
    });
  });
});
