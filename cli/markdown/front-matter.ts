/**
 * The YAML front matter of a Markdown report: the lines between a first line `---` and the next
 * `---` (or `...`). Parsed with the `yaml` package and its LineCounter, so every key and value
 * keeps the Markdown line it came from. Values are passed on as YAML typed them (`id: 2020` is a
 * number): the report schema, not this file, decides what is right, and its messages name the line.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { MarkdownMessages } from './messages.ts';

export interface FrontMatter {
  /** Keys and values as written; a key with an empty value is left out (as if absent). */
  fields: Record<string, unknown>;
  /** 1-based Markdown line of each key's value (or of the key, when the value is empty). */
  lines: Map<string, number>;
  /** Lines the front matter takes, from the opening `---` (0 when there is none). */
  lineCount: number;
  /** Problems with their lines; `broken` when the fields could not be read at all. */
  problems: { line: number; message: string }[];
  broken: boolean;
}

/** Keys the Markdown body fills: never in the front matter. */
const FROM_BODY = new Set(['body', 'topics', 'references', 'notes', '$schema']);

const FENCE = /^---[ \t]*$/;
const END = /^(---|\.\.\.)[ \t]*$/;

/** `lines` is the whole file split at line breaks (already without BOM and CR). */
export function readFrontMatter(lines: readonly string[], m: MarkdownMessages): FrontMatter {
  const empty = { fields: {}, lines: new Map<string, number>() };
  if (!FENCE.test(lines[0] ?? '')) {
    return { ...empty, lineCount: 0, problems: [{ line: 1, message: m.frontMatterMissing }], broken: true };
  }
  const close = lines.findIndex((l, i) => i > 0 && END.test(l));
  if (close < 0)
    return {
      ...empty,
      lineCount: lines.length,
      problems: [{ line: 1, message: m.frontMatterUnclosed }],
      broken: true,
    };

  const lineCounter = new LineCounter();
  const source = lines.slice(1, close).join('\n');
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  // The YAML starts on the file's second line.
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + 1;
  const result: FrontMatter = { ...empty, lineCount: close + 1, problems: [], broken: false };

  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      result.problems.push({
        line: lineOf(err.pos[0]),
        message: m.yaml(err.code, err.message.split('\n')[0]!.replace(/ at line \d+.*$/, '')),
      });
    }
    result.broken = true;
    return result;
  }
  if (doc.contents === null) return result;
  if (!isMap(doc.contents)) {
    result.problems.push({ line: lineOf(rangeStart(doc.contents)), message: m.frontMatterNotMapping });
    result.broken = true;
    return result;
  }
  for (const pair of doc.contents.items) {
    const keyNode = pair.key as Node | null;
    const valueNode = pair.value as Node | null;
    const keyLine = lineOf(rangeStart(keyNode));
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      result.problems.push({ line: keyLine, message: m.frontMatterKey });
      continue;
    }
    const key = keyNode.value;
    if (FROM_BODY.has(key)) {
      result.problems.push({ line: keyLine, message: m.frontMatterReserved(key) });
      continue;
    }
    result.lines.set(key, valueNode ? lineOf(rangeStart(valueNode)) : keyLine);
    const value: unknown = valueNode ? valueNode.toJS(doc) : null;
    if (value !== null) result.fields[key] = value;
  }
  return result;
}

function rangeStart(node: Node | null): number {
  return node?.range?.[0] ?? 0;
}
