/**
 * One entry for every tool that reads an editor's report file, JSON or Markdown (by extension):
 * the CLI's validate / preview / upload / convert and the live preview server.
 *
 * 1. Read the bytes; a file that is missing, a folder, or not UTF-8 is a read error (no report).
 * 2. `.md` / `.markdown`: convert (cli/markdown/convert.ts), problems with their Markdown lines.
 *    Anything else: parse as a JSON report (functions/core/report-schema.ts), problems by JSON path.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { reportMessages } from '../functions/core/report-messages.ts';
import { parseReport } from '../functions/core/report-parse.ts';
import type { Report, ReportLang } from '../functions/core/report-schema.ts';
import { decodeUtf8 } from '../functions/core/text-decoding.ts';
import { readErrorText } from './read-error.ts';

export interface SourceProblem {
  /** 1-based line (Markdown problems always have one; JSON ones when the JSON parser gives it). */
  line?: number;
  column?: number;
  /** JSON path, for JSON reports. */
  path?: string;
  message: string;
}

export type ReportSource =
  | { format: 'markdown' | 'json'; report: Report; problems: [] }
  | { format: 'markdown' | 'json'; report: null; problems: SourceProblem[]; readError?: string };

export function isMarkdownPath(file: string): boolean {
  return ['.md', '.markdown'].includes(extname(file).toLowerCase());
}

/** Reads and checks a report file (format by extension unless given); never throws for a bad file, only for a bug. */
export async function loadReportSource(
  file: string,
  lang: ReportLang = 'ja',
  format: 'markdown' | 'json' = isMarkdownPath(file) ? 'markdown' : 'json',
): Promise<ReportSource> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { format, report: null, problems: [], readError: readErrorText(file, err, lang) };
  }
  // The one strict decoder (functions/core/text-decoding.ts): it names the encoding the file most likely is.
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const { line, column } = decoded.problem;
    return {
      format,
      report: null,
      problems: [],
      readError: `${file}:${line}:${column}: ${reportMessages[lang].notUtf8(decoded.problem)}`,
    };
  }
  const text = decoded.text;

  if (format === 'markdown') {
    // Loaded only for Markdown: `validate` of a JSON file does not pay for markdown-it and yaml.
    const { convertMarkdown } = await import('./markdown/convert.ts');
    const result = convertMarkdown(text, lang);
    return result.ok
      ? { format, report: result.report, problems: [] }
      : { format, report: null, problems: result.problems };
  }
  const result = parseReport(text, lang);
  return result.ok
    ? { format, report: result.report, problems: [] }
    : { format, report: null, problems: result.issues.map((i) => ({ ...i })) };
}

/** `file.md:12: reason` for Markdown; `[file:line:column: ]$.path: reason` for JSON. */
export function formatSourceProblem(file: string, p: SourceProblem): string {
  const where =
    p.line === undefined ? '' : `${file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}: `;
  return `${where}${p.path === undefined ? '' : `${p.path}: `}${p.message}`;
}

/** The report as the JSON the pipeline takes (what `report convert` writes and `upload` sends). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
