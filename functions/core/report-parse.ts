/**
 * Reading a report file against the schema (report-schema.ts): bytes → text → JSON → Report, or
 * every problem, each with a JSON path (`$.body[3].text`), a reason in the editor's language
 * (Japanese by default) and, when the report came as text, its line and column.
 */
import { JsonPositions, type TextPosition } from './json-positions.ts';
import { locateJsonSyntaxError, lineColumn } from './json-syntax.ts';
import { messageFor } from './report-issue-messages.ts';
import { reportMessages } from './report-messages.ts';
import { reportSchema, type Report, type ReportLang } from './report-schema.ts';
import { decodeUtf8 } from './text-decoding.ts';
import { suggest } from './typos.ts';

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

/** Only if the scanner disagrees with JSON.parse (it should not): use V8's position, if any. */
function fallbackPosition(text: string, err: unknown): { line: number; column: number } {
  const pos = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
  return lineColumn(text, pos === undefined ? text.length : Number(pos));
}
