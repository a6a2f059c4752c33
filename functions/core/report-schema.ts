/**
 * The report file: the editor's contract (DESIGN §4), as one strict zod schema.
 *
 * Validation lists every problem, each with a JSON path (`$.body[3].text`) and a reason in the
 * editor's language (Japanese by default). Unknown fields are errors, so a typo such as
 * "titel" never passes silently. Nothing is normalised: a valid report comes out exactly as
 * it went in, and the same schema is exported as JSON Schema for editors' tools.
 */
import * as z from 'zod';
import { JsonPositions, type TextPosition } from './json-positions.ts';
import { locateJsonSyntaxError, lineColumn } from './json-syntax.ts';
import { reportMessages, type ReportMessages, type ValueKind } from './report-messages.ts';
import { decodeUtf8 } from './text-decoding.ts';
import { checkText, type TextKind } from './text-rules.ts';

export type ReportLang = 'ja' | 'en';

/** Also used for S3 keys (`reports/<id>.json`) and table keys: keep it URL- and key-safe. */
export const REPORT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isReportId(value: string): boolean {
  return REPORT_ID_PATTERN.test(value);
}

/** Generous limits: they stop runaway files and pasted garbage, not real reports. */
export const REPORT_LIMITS = {
  title: 200,
  summary: 300,
  blocks: 400,
  paragraph: 5000,
  heading: 200,
  quote: 5000,
  listItems: 100,
  listItem: 2000,
  topics: 50,
  topicTitle: 200,
  topicDetail: 2000,
  references: 100,
  referenceSource: 200,
  referenceTitle: 300,
  url: 2048,
  notes: 50,
  note: 1000,
} as const;

const NOT_BLANK = /\S/;
const SINGLE_LINE = /^[^\r\n]*$/;
const HTTP_URL_SHAPE = /^https?:\/\/[^\s]+$/i;

/** The character rules of text-rules.ts as a zod check: one issue, naming the character and where it is. */
const charsAllowed = (kind: TextKind) => (value: string, ctx: z.RefinementCtx) => {
  const problem = checkText(value, kind);
  // A CR or LF in a single-line field is already reported by the SINGLE_LINE pattern (kept for editors' tools).
  if (!problem || (problem.kind === 'lineBreak' && (problem.char === '\n' || problem.char === '\r'))) return;
  ctx.addIssue({ code: 'custom', params: { kind: 'text', problem }, input: value });
};

const text = (max: number) => z.string().max(max).regex(NOT_BLANK).superRefine(charsAllowed('body'));
const line = (max: number) =>
  z.string().max(max).regex(NOT_BLANK).regex(SINGLE_LINE).superRefine(charsAllowed('line'));

/** YYYY-MM-DD that exists on the calendar (2020-02-30 is rejected). */
const date = () => z.iso.date();

/** Spaces, controls and invisible characters in a URL: the link would differ from what the reader sees. */
const URL_HIDDEN = /[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}]/u;

function isHttpUrl(value: string): boolean {
  if (!HTTP_URL_SHAPE.test(value) || URL_HIDDEN.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .max(REPORT_LIMITS.url)
  .superRefine(charsAllowed('line'))
  .refine(isHttpUrl, { params: { kind: 'httpUrl' } })
  .meta({ format: 'uri', pattern: '^https?://' });

const paragraph = z.strictObject({
  type: z.literal('paragraph'),
  text: text(REPORT_LIMITS.paragraph).meta({
    description: '本文。URL はリンクになり、改行はそのまま残る / text; URLs become links',
  }),
});
const heading = z.strictObject({
  type: z.literal('heading'),
  text: line(REPORT_LIMITS.heading),
});
const list = z.strictObject({
  type: z.literal('list'),
  items: z.array(text(REPORT_LIMITS.listItem)).min(1).max(REPORT_LIMITS.listItems),
});
const quote = z.strictObject({
  type: z.literal('quote'),
  text: text(REPORT_LIMITS.quote),
});

export const BLOCK_TYPES = ['paragraph', 'heading', 'list', 'quote'] as const;
const block = z.discriminatedUnion('type', [paragraph, heading, list, quote]);

const topic = z.strictObject({
  date: date(),
  title: line(REPORT_LIMITS.topicTitle),
  detail: text(REPORT_LIMITS.topicDetail).optional(),
});

const reference = z.strictObject({
  source: line(REPORT_LIMITS.referenceSource).meta({ description: '発信元 / publisher' }),
  date: date(),
  title: line(REPORT_LIMITS.referenceTitle),
  url: httpUrl,
});

export const reportSchema = z
  .strictObject({
    // Lets an editor's tool (VS Code and the like) find the schema; the pipeline ignores it.
    $schema: z
      .string()
      .max(2048)
      .superRefine(charsAllowed('line'))
      .optional()
      .meta({
        description:
          "エディタ用のスキーマの場所（配信には使われません） / where editors' tools find this schema; ignored when sending",
        examples: ['./report.schema.json'],
      }),
    id: z
      .string()
      .regex(REPORT_ID_PATTERN)
      .meta({
        description: 'レポートID（英小文字・数字・ハイフン） / report id, unique',
        examples: ['2020-09-18-cashless'],
      }),
    title: line(REPORT_LIMITS.title).meta({ description: '件名と見出し / subject and heading' }),
    issuedOn: date().meta({ description: '配信日（ヘッダーに表示） / issue date shown in the header' }),
    sendAt: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({
        description: '配信日時（時差付き）。省略時はすぐ / send time with UTC offset; absent = next tick',
        examples: ['2020-09-18T09:00:00+09:00'],
      }),
    summary: line(REPORT_LIMITS.summary)
      .optional()
      .meta({ description: '受信箱のプレビュー文 / inbox preview text' }),
    body: z.array(block).min(1).max(REPORT_LIMITS.blocks),
    topics: z
      .array(topic)
      .max(REPORT_LIMITS.topics)
      .optional()
      .meta({ description: '【確認されたサイバー攻撃トピック】' }),
    references: z
      .array(reference)
      .max(REPORT_LIMITS.references)
      .optional()
      .meta({ description: '【参考URL】' }),
    notes: z
      .array(text(REPORT_LIMITS.note))
      .max(REPORT_LIMITS.notes)
      .optional()
      .meta({ description: '※ 注記 / footnotes' }),
    archive: z.boolean().optional().meta({
      description:
        'false: Web版（アーカイブ・フィード）に載せない / false: keep it out of the web archive and feed',
    }),
    canary: z.boolean().optional().meta({
      description:
        'true: 読者数にかかわらず、まず一部の読者に送り反応を見てから残りに送る / false: 一部への先行送信をしない / true: send to a sample first and the rest after its bounces and complaints are judged, whatever the audience; false: no sample first',
    }),
  })
  .meta({ title: 'kawaraban report', description: 'かわら版のレポートファイル / a kawaraban report file' });

export type Report = z.infer<typeof reportSchema>;
export type ReportBlock = Report['body'][number];
export type ReportTopic = NonNullable<Report['topics']>[number];
export type ReportReference = NonNullable<Report['references']>[number];

/**
 * One problem in a report: its JSON path, the reason in the editor's language and, when the
 * report came as text, the line and column the path points at (1-based). A converter from
 * another format (Markdown) can report its own lines in the same shape.
 */
export type ReportIssue = { path: string; message: string; line?: number; column?: number };
export type ReportResult = { ok: true; report: Report } | { ok: false; issues: ReportIssue[] };

/**
 * Parses a report file's bytes: strict UTF-8 (a BOM is fine) or one issue at `$` naming the
 * encoding the file most likely is and how to save it as UTF-8; then as parseReport.
 */
export function parseReportBytes(bytes: Uint8Array, lang: ReportLang = 'ja'): ReportResult {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const { line, column } = decoded.problem;
    return {
      ok: false,
      issues: [{ path: '$', message: reportMessages[lang].notUtf8(decoded.problem), line, column }],
    };
  }
  return parseReport(decoded.text, lang);
}

/**
 * Parses a report file's text: a JSON syntax error becomes one issue at `$`; a key written twice
 * in one object (at any depth) is an issue at its path; every issue carries its line and column.
 */
export function parseReport(text: string, lang: ReportLang = 'ja'): ReportResult {
  // Editors on Windows often save with a byte-order mark; it is not part of the JSON.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const m = reportMessages[lang];
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    const located = locateJsonSyntaxError(source) ?? {
      problem: 'unexpectedChar' as const,
      ...fallbackPosition(source, err),
    };
    return {
      ok: false,
      issues: [{ path: '$', message: m.json(located), line: located.line, column: located.column }],
    };
  }
  const positions = new JsonPositions(source);
  // The last value silently winning would send what the editor may not have meant: both are refused.
  const duplicates: ReportIssue[] = positions.duplicateKeys().map((d) => ({
    path: jsonPath(d.path),
    message: m.duplicateKey(String(d.path.at(-1)), d.first.line),
    ...d.at,
  }));
  const validated = validateReport(value, lang, (path, isKey) => positions.positionOf(path, { key: isKey }));
  if (validated.ok && duplicates.length === 0) return validated;
  // In the order an editor meets them going down the file.
  const all = [...duplicates, ...(validated.ok ? [] : validated.issues)];
  return {
    ok: false,
    issues: all.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
  };
}

/** One issue as a line for a terminal: `file:line:column: path: reason`, the form editors' tools link to. */
export function formatReportIssue(issue: ReportIssue, file?: string): string {
  const where = [file, issue.line, issue.line === undefined ? undefined : issue.column].filter(
    (p) => p !== undefined,
  );
  return `${where.length ? `${where.join(':')}: ` : ''}${issue.path}: ${issue.message}`;
}

/** Validates parsed data; `locate`, when the data came from text, gives each issue its line and column. */
export function validateReport(
  value: unknown,
  lang: ReportLang = 'ja',
  locate?: (path: readonly PropertyKey[], isKey: boolean) => TextPosition,
): ReportResult {
  const m = reportMessages[lang];
  // Allowed keys of each object that had unknown ones, by JSON path: for "did you mean" hints.
  const allowedAt = new Map<string, string[]>();
  const result = reportSchema.safeParse(value, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const shape = (iss.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
        allowedAt.set(jsonPath(iss.path ?? []), Object.keys(shape ?? {}));
      }
      return messageFor(iss, m);
    },
  });
  if (result.success) return { ok: true, report: result.data };

  const issues: ReportIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedAt.get(jsonPath(issue.path)) ?? [];
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        issues.push({
          path: jsonPath(path),
          message: m.unknownField(key, suggest(key, allowed), allowed),
          ...locate?.(path, true),
        });
      }
    } else {
      issues.push({ path: jsonPath(issue.path), message: issue.message, ...locate?.(issue.path, false) });
    }
  }
  return { ok: false, issues };
}

/** The report format as JSON Schema (draft 2020-12), for editors' tools and `kawaraban report schema`. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** `['body', 3, 'text']` → `$.body[3].text`; keys that are not identifiers are quoted: `$["a b"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

type RawIssue = z.core.$ZodRawIssue;

function messageFor(iss: RawIssue, m: ReportMessages): string {
  const input = iss.input;
  switch (iss.code) {
    case 'invalid_type':
      return input === undefined ? m.required : m.wrongType(kindOfExpected(iss.expected), kindOf(input));
    case 'too_small':
      return iss.origin === 'array' ? m.tooFewItems(Number(iss.minimum)) : m.blank;
    case 'too_big': {
      const actual = typeof input === 'string' || Array.isArray(input) ? input.length : 0;
      return iss.origin === 'array'
        ? m.tooManyItems(Number(iss.maximum), actual)
        : m.tooLong(Number(iss.maximum), actual);
    }
    case 'invalid_format':
      return formatMessage(iss.format, iss.pattern, String(input), m);
    case 'invalid_union': {
      if ('discriminator' in iss && iss.discriminator === 'type') {
        const found = input && typeof input === 'object' ? (input as { type?: unknown }).type : undefined;
        return m.blockType(found === undefined ? undefined : clip(String(found)), [...BLOCK_TYPES]);
      }
      return m.invalid;
    }
    case 'custom': {
      if (iss.params?.kind === 'text') return m.text(iss.params.problem);
      if (iss.params?.kind === 'httpUrl') {
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(String(input))?.[1];
        return scheme && !/^https?$/i.test(scheme) ? m.urlScheme(`${clip(scheme)}:`) : m.url;
      }
      return m.invalid;
    }
    case 'unrecognized_keys':
      return m.unknownField(iss.keys.join(', '), undefined, []); // replaced per key by validateReport
    default:
      return m.invalid;
  }
}

function formatMessage(
  format: string,
  pattern: string | undefined,
  value: string,
  m: ReportMessages,
): string {
  const v = clip(value);
  switch (format) {
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? m.dateNotReal(v) : m.dateFormat(v);
    case 'datetime':
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return m.dateTimeNoOffset(v);
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
        return m.dateTimeNotReal(v);
      return m.dateTimeFormat(v);
    case 'regex':
      if (pattern === String(REPORT_ID_PATTERN)) return m.reportId;
      if (pattern === String(NOT_BLANK)) return m.blank;
      if (pattern === String(SINGLE_LINE)) return m.singleLine;
      return m.invalid;
    default:
      return m.invalid;
  }
}

function kindOf(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'undefined':
      return 'missing';
    default:
      return 'object';
  }
}

function kindOfExpected(expected: string): ValueKind {
  return expected === 'string' ||
    expected === 'number' ||
    expected === 'boolean' ||
    expected === 'array' ||
    expected === 'null'
    ? expected
    : 'object';
}

/** Values quoted back in messages are cut short: the message is about the field, not the text. */
function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/** The closest allowed key for a typo ("titel" → "title"), if one is close enough to be a guess. */
export function suggest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const tolerance = key.length <= 3 ? 1 : 2;
  return bestDistance <= tolerance ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]![j]!;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i]![j] = v;
    }
  }
  return at(a.length, b.length);
}

/** Only if the scanner disagrees with JSON.parse (it should not): use V8's position, if any. */
function fallbackPosition(text: string, err: unknown): { line: number; column: number } {
  const pos = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
  return lineColumn(text, pos === undefined ? text.length : Number(pos));
}
