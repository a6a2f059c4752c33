/**
 * The YAML front matter of a Markdown report: the lines between a first line `---` and the next
 * `---` (or `...`). Parsed with the `yaml` package and its LineCounter, so every key and value
 * keeps the Markdown line it came from. Values are passed on as YAML typed them (`id: 2020` is a
 * number): the report schema, not this file, decides what is right, and its messages name the line.
 */
import { isAlias, isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
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
/** `key: [` … : a plain value cannot start with these (quotes and block scalars `|` `>` are fine). */
const LEADING_INDICATOR = /^[^\s:#][^:]*:[ \t]+([[\]{}*&!%@`,])/;
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

  // Warnings too: `title: !注意 …` would otherwise lose "!注意" to an unknown tag without a word.
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) {
    for (const err of errors) {
      const line = lineOf(err.pos[0]);
      // The usual cause: a value starting with a YAML indicator (`title: [速報] …`, `*重要*`, `!注意`).
      const lead = LEADING_INDICATOR.exec(lines[line - 1] ?? '')?.[1];
      const detail = err.message.split('\n')[0]!.replace(/ at line \d+.*$/, '');
      result.problems.push({ line, message: lead ? m.yamlLeading(lead) : m.yaml(err.code, detail) });
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
    const valueLine = valueNode ? lineOf(rangeStart(valueNode)) : keyLine;
    result.lines.set(key, valueLine);
    // `title: &速報 …` reads as "…" with an anchor named 速報: a value must say what it shows.
    if (valueNode && (isAlias(valueNode) || valueNode.anchor)) {
      result.problems.push({ line: valueLine, message: m.yamlLeading(isAlias(valueNode) ? '*' : '&') });
      result.broken = true;
      continue;
    }
    let value: unknown;
    try {
      value = valueNode ? valueNode.toJS(doc) : null;
    } catch (err) {
      // An alias without its anchor (`title: *重要*`) throws when read.
      result.problems.push({
        line: valueLine,
        message: m.yaml('ALIAS', err instanceof Error ? err.message : String(err)),
      });
      result.broken = true;
      continue;
    }
    if (value !== null) result.fields[key] = value;
  }
  return result;
}

function rangeStart(node: Node | null): number {
  return node?.range?.[0] ?? 0;
}
