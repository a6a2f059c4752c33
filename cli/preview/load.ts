/**
 * Reading the editor's file for the live preview. The server depends only on `LoadReport`:
 * Markdown goes through the converter (cli/report-source.ts), whose problems have this shape;
 * JSON through parseReport, each schema problem placed at the line of the field it names.
 */
import { readFile } from 'node:fs/promises';
import { findNodeAtLocation, type Node, parseTree, type Segment } from 'jsonc-parser';
import { lineColumn, locateJsonSyntaxError } from '../../functions/core/json-syntax.ts';
import { isMarkdownPath, loadReportSource } from '../report-source.ts';
import { parseReportBytes, type ReportIssue } from '../../functions/core/report-parse.ts';
import type { Report, ReportLang } from '../../functions/core/report-schema.ts';

/** One problem with the file, where an editor finds it. */
export interface Problem {
  /** 1-based, in the editor's file (for Markdown: the .md line, not generated JSON). */
  line?: number;
  column?: number;
  /** The JSON path, or the Markdown construct, the problem is about. */
  path?: string;
  message: string;
}

export interface LoadResult {
  report?: Report;
  problems: Problem[];
}

export type LoadReport = (path: string) => Promise<LoadResult>;

const unreadable = {
  ja: (code: string) => `ファイルを読み込めません（${code}）`,
  en: (code: string) => `cannot read the file (${code})`,
} as const;

/** By extension: Markdown through the converter (problems at their .md lines), else JSON. */
export function reportLoader(lang: ReportLang): LoadReport {
  const json = jsonReportLoader(lang);
  return async (path) => {
    if (!isMarkdownPath(path)) return json(path);
    const source = await loadReportSource(path, lang, 'markdown');
    if (source.report) return { report: source.report, problems: [] };
    return { problems: source.readError ? [{ message: source.readError }] : source.problems };
  };
}

/** The JSON report loader: schema problems get the line and column of the value they name. */
export function jsonReportLoader(lang: ReportLang): LoadReport {
  return async (path) => {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      return {
        problems: [{ message: unreadable[lang]((err as NodeJS.ErrnoException).code ?? String(err)) }],
      };
    }
    // Strict UTF-8 (the one decoder in functions/core): a Shift_JIS file is named, not shown as mojibake.
    const result = parseReportBytes(bytes, lang);
    if (result.ok) return { report: result.report, problems: [] };
    const text = new TextDecoder().decode(bytes);
    const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const syntax = locateJsonSyntaxError(source);
    if (syntax)
      return {
        problems: result.issues.map((i) => ({
          ...i,
          line: syntax.line,
          column: syntax.column,
        })),
      };
    const tree = parseTree(source);
    return { problems: result.issues.map((issue) => locate(issue, source, tree)) };
  };
}

function locate(
  issue: ReportIssue & { line?: number; column?: number },
  source: string,
  tree: Node | undefined,
): Problem {
  const problem: Problem = { path: issue.path, message: issue.message };
  if (issue.line) return { ...problem, line: issue.line, column: issue.column };
  const segments = pathSegments(issue.path);
  if (!tree || !segments) return problem;
  // A missing field has no node: point at the nearest enclosing one that exists.
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segments.slice(0, n));
    if (!node) continue;
    // For a field, the key is what the editor typed: point there.
    const at = node.parent?.type === 'property' && n === segments.length ? node.parent.offset : node.offset;
    return { ...problem, ...lineColumn(source, at) };
  }
  return problem;
}

/** `$.body[3].text` / `$["a b"]` → segments; null for anything else. */
export function pathSegments(path: string): Segment[] | null {
  if (!path.startsWith('$')) return null;
  const out: Segment[] = [];
  const step = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const m = step.exec(path);
    if (!m) return null;
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  return out;
}
