/**
 * The editor-facing wording of report validation errors, Japanese and English. Every issue the
 * report schema can produce has a message here, so editors never see zod's built-in English.
 */
import type { JsonSyntaxError, JsonSyntaxProblem } from './json-syntax.ts';
import { encodingName, type NotUtf8 } from './text-decoding.ts';
import { textProblemMessages, type TextProblem } from './text-rules.ts';

export type ValueKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null' | 'missing';

export interface ReportMessages {
  required: string;
  wrongType: (expected: ValueKind, received: ValueKind) => string;
  unknownField: (key: string, suggestion: string | undefined, allowed: string[]) => string;
  blank: string;
  singleLine: string;
  tooLong: (max: number, actual: number) => string;
  tooFewItems: (min: number) => string;
  tooManyItems: (max: number, actual: number) => string;
  reportId: string;
  dateFormat: (value: string) => string;
  dateNotReal: (value: string) => string;
  dateTimeFormat: (value: string) => string;
  dateTimeNoOffset: (value: string) => string;
  dateTimeNotReal: (value: string) => string;
  url: string;
  urlScheme: (scheme: string) => string;
  reservedId: (id: string) => string;
  blockType: (found: string | undefined, allowed: string[]) => string;
  invalid: string;
  json: (err: JsonSyntaxError) => string;
  /** A key written twice in one object. */
  duplicateKey: (key: string, firstLine: number) => string;
  /** A character the text rules refuse. */
  text: (problem: TextProblem) => string;
  /** The file is not UTF-8: what it likely is and how to save it as UTF-8. */
  notUtf8: (problem: NotUtf8) => string;
}

const SAVE_AS_UTF8_JA =
  'UTF-8 で保存し直してください（メモ帳: 名前を付けて保存 → 文字コード「UTF-8」。VS Code: 右下の文字コード → 「エンコード付きで保存」→ UTF-8。Excel や古いエディタの「ANSI」「Shift_JIS」は不可）';
const SAVE_AS_UTF8_EN =
  'save it again as UTF-8 (Notepad: Save As → Encoding "UTF-8"; VS Code: the encoding in the status bar → "Save with Encoding" → UTF-8; not "ANSI" or "Unicode")';

const kindJa: Record<ValueKind, string> = {
  string: '文字列',
  number: '数値',
  boolean: 'true/false',
  array: '配列 [ … ]',
  object: 'オブジェクト { … }',
  null: 'null',
  missing: '値なし',
};

const kindEn: Record<ValueKind, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true/false',
  array: 'an array [ … ]',
  object: 'an object { … }',
  null: 'null',
  missing: 'nothing',
};

const jsonJa: Record<JsonSyntaxProblem, (found: string) => string> = {
  empty: () => 'ファイルが空です',
  unexpectedEnd: () => 'JSON が途中で終わっています（閉じ括弧や引用符の不足）',
  unexpectedChar: (c) =>
    `ここに ${c} は書けません。文字列は "…" で囲み、真偽値は true / false、空は null と書いてください`,
  expectedColon: () => '項目名の後に「:」が必要です',
  expectedCommaOrBrace: () => '「,」か「}」が必要です（前の行の「,」の付け忘れではありませんか）',
  expectedCommaOrBracket: () => '「,」か「]」が必要です（前の行の「,」の付け忘れではありませんか）',
  expectedPropertyName: (c) => `項目名は "…" で囲んでください（${c}）`,
  trailingComma: () => '最後の要素の後ろに「,」は書けません',
  badEscape: () => '文字列の中の「\\」の使い方が正しくありません（「\\\\」と書いてください）',
  controlCharInString: () => '文字列の中で改行やタブは使えません（改行は \\n と書いてください）',
  badNumber: () => '数値の書き方が正しくありません',
  trailingData: (c) => `JSON の終わりの後に余分な文字があります（${c}）`,
  tooDeep: () => '入れ子が深すぎます',
};

const jsonEn: Record<JsonSyntaxProblem, (found: string) => string> = {
  empty: () => 'the file is empty',
  unexpectedEnd: () => 'the JSON ends too early (a closing bracket or quote is missing)',
  unexpectedChar: (c) => `unexpected ${c}: put strings in "…" and write true, false or null in lower case`,
  expectedColon: () => 'expected ":" after the field name',
  expectedCommaOrBrace: () => 'expected "," or "}" (a missing comma at the end of the previous line?)',
  expectedCommaOrBracket: () => 'expected "," or "]" (a missing comma at the end of the previous line?)',
  expectedPropertyName: (c) => `field names must be in double quotes (${c})`,
  trailingComma: () => 'a comma cannot follow the last element',
  badEscape: () => 'invalid backslash escape in a string (write "\\\\" for a backslash)',
  controlCharInString: () => 'strings cannot contain raw line breaks or tabs (write \\n for a line break)',
  badNumber: () => 'malformed number',
  trailingData: (c) => `extra characters after the end of the JSON (${c})`,
  tooDeep: () => 'nested too deeply',
};

/** A character shown in a message: visible, even when it is a line break or a space. */
function show(c: string | undefined): string {
  if (c === undefined) return '';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (c === ' ') return '" "';
  return `'${c}'`;
}

export const ja: ReportMessages = {
  required: '必須の項目がありません',
  wrongType: (e, r) => `${kindJa[e]}で書いてください（${kindJa[r]}が書かれています）`,
  unknownField: (key, suggestion, allowed) =>
    suggestion
      ? `不明な項目 '${key}' です。'${suggestion}' の書き間違いではありませんか`
      : `不明な項目 '${key}' です（ここで使える項目: ${allowed.join(', ')}）`,
  blank: '空にできません',
  singleLine: '改行を含められません（1行で書いてください）',
  tooLong: (max, n) => `${max}文字以内にしてください（${n}文字あります）`,
  tooFewItems: (min) => `少なくとも${min}個必要です`,
  tooManyItems: (max, n) => `${max}個以内にしてください（${n}個あります）`,
  reportId:
    '英小文字・数字・ハイフンで64文字以内、先頭は英小文字か数字にしてください（例: 2020-09-18-cashless）',
  dateFormat: (v) => `日付は YYYY-MM-DD の形で書いてください（例: 2020-09-18。書かれている値: ${v}）`,
  dateNotReal: (v) => `存在しない日付です（${v}）`,
  dateTimeFormat: (v) => `日時は 2020-09-18T09:00:00+09:00 の形で書いてください（書かれている値: ${v}）`,
  dateTimeNoOffset: (v) => `時差（+09:00 など）が必要です。日本時間なら ${v}+09:00 のように書いてください`,
  dateTimeNotReal: (v) => `存在しない日時です（${v}）`,
  url: 'URL の形が正しくありません（https://… の形で、空白を含めずに書いてください）',
  urlScheme: (s) => `http:// か https:// で始まる URL にしてください（${s} は使えません）`,
  reservedId: (id) => `レポートID「${id}」はウェブ版の一覧ページと重なるため使えません。別のIDにしてください`,
  blockType: (found, allowed) =>
    found === undefined
      ? `type がありません。${allowed.join(', ')} のどれかを書いてください`
      : `type '${found}' は使えません。${allowed.join(', ')} のどれかを書いてください`,
  invalid: '値が正しくありません',
  json: (e) => `JSON の構文エラー（${e.line}行目 ${e.column}列目）: ${jsonJa[e.problem](show(e.found))}`,
  duplicateKey: (key, firstLine) =>
    `項目 '${key}' が同じ場所に2回書かれています（最初は${firstLine}行目）。どちらの値を使うか決められないので、1つにしてください`,
  text: textProblemMessages.ja,
  notUtf8: (p) =>
    p.likely
      ? `ファイルが UTF-8 ではありません（おそらく ${encodingName[p.likely]}）。文字化けしたまま配信しないよう受け付けません。${SAVE_AS_UTF8_JA}`
      : `ファイルが UTF-8 として壊れています（${p.line}行目 ${p.column}列目あたり）。その部分を打ち直すか、${SAVE_AS_UTF8_JA}`,
};

export const en: ReportMessages = {
  required: 'required field is missing',
  wrongType: (e, r) => `expected ${kindEn[e]}, found ${kindEn[r]}`,
  unknownField: (key, suggestion, allowed) =>
    suggestion
      ? `unknown field '${key}' — did you mean '${suggestion}'?`
      : `unknown field '${key}' (allowed here: ${allowed.join(', ')})`,
  blank: 'must not be empty',
  singleLine: 'must be a single line (no line breaks)',
  tooLong: (max, n) => `must be at most ${max} characters (it has ${n})`,
  tooFewItems: (min) => `needs at least ${min} ${min === 1 ? 'entry' : 'entries'}`,
  tooManyItems: (max, n) => `must have at most ${max} entries (it has ${n})`,
  reportId:
    'use lower-case letters, digits and hyphens, at most 64 characters, starting with a letter or digit (e.g. 2020-09-18-cashless)',
  dateFormat: (v) => `write the date as YYYY-MM-DD (e.g. 2020-09-18; found: ${v})`,
  dateNotReal: (v) => `no such date: ${v}`,
  dateTimeFormat: (v) => `write the time as 2020-09-18T09:00:00+09:00 (found: ${v})`,
  dateTimeNoOffset: (v) => `a UTC offset is required, e.g. ${v}+09:00 for Japan time`,
  dateTimeNotReal: (v) => `no such date or time: ${v}`,
  url: 'not a valid URL (write https://… without spaces)',
  urlScheme: (s) => `the URL must start with http:// or https:// (${s} is not allowed)`,
  reservedId: (id) => `the report id "${id}" is taken by the web archive's own pages: choose another id`,
  blockType: (found, allowed) =>
    found === undefined
      ? `'type' is missing; use one of ${allowed.join(', ')}`
      : `type '${found}' is not allowed; use one of ${allowed.join(', ')}`,
  invalid: 'invalid value',
  json: (e) => `JSON syntax error at line ${e.line}, column ${e.column}: ${jsonEn[e.problem](show(e.found))}`,
  duplicateKey: (key, firstLine) =>
    `'${key}' is written twice in the same object (first on line ${firstLine}): keep one, it is not clear which value is meant`,
  text: textProblemMessages.en,
  notUtf8: (p) =>
    p.likely
      ? `the file is not UTF-8 (most likely ${encodingName[p.likely]}); refused so that no reader gets garbled text: ${SAVE_AS_UTF8_EN}`
      : `the file is damaged UTF-8 (around line ${p.line}, column ${p.column}): retype that part, or ${SAVE_AS_UTF8_EN}`,
};

export const reportMessages = { ja, en } as const;
