/**
 * The two list sections of a Markdown report, item by item:
 * - `## 参考URL` / `## References`: `- [title](url) — source, YYYY-MM-DD`
 * - `## 確認されたサイバー攻撃トピック` / `## Topics`: `- YYYY-MM-DD title`, detail on the lines after
 * Each returns the entry as the schema expects it (the schema then judges dates and URLs), or a
 * problem with its line when the item does not have the shape at all.
 */
import type { Token } from 'markdown-it';
import { inlineLines, type InlineProblem } from './inline.ts';
import type { MarkdownMessages, Section } from './messages.ts';
import type { MdNode } from './tree.ts';

export type Shaped<T> =
  | { ok: true; value: T; lines: Partial<Record<keyof T, number>> }
  | { ok: false; line: number; message: string };

/** `## 【参考URL】`, `## references`, `## 参考ＵＲＬ` all name the same section. */
export function sectionOf(headingText: string): Section | null {
  const key = headingText
    .normalize('NFKC')
    .replace(/[【】[\]\s]/g, '')
    .toLowerCase();
  if (key === '参考url' || key === 'references') return 'references';
  if (key === '確認されたサイバー攻撃トピック' || key === 'topics') return 'topics';
  return null;
}

const DASH = /^[\s\u3000]*[—–―\-－]+[\s\u3000]*/;
const LAST_COMMA = /^(.*)[,，、][\s\u3000]*([^,，、]*)$/s;

export function referenceItem(
  item: MdNode,
  m: MarkdownMessages,
  problem: InlineProblem,
): Shaped<{ source: string; date: string; title: string; url: string }> {
  const line = startLine(item.token);
  const inline = singleInline(item);
  if (!inline) return { ok: false, line, message: m.referenceShape };
  const children = inline.children ?? [];
  const open = children[0];
  if (open?.type !== 'link_open' || open.markup === 'autolink')
    return { ok: false, line, message: m.referenceNoLink };
  const close = children.findIndex((c) => c.type === 'link_close');
  const titleLines = inlineLines(children.slice(1, close), line, problem);
  const tailLines = inlineLines(children.slice(close + 1), line, problem);
  if (titleLines.length > 1 || tailLines.length > 1) return { ok: false, line, message: m.referenceShape };

  const tail = tailLines[0]!.text;
  const dash = DASH.exec(tail);
  if (!dash) return { ok: false, line, message: m.referenceNoSource };
  const parts = LAST_COMMA.exec(tail.slice(dash[0].length));
  if (!parts) return { ok: false, line, message: m.referenceNoDate };
  const source = parts[1]!.trim();
  if (source === '') return { ok: false, line, message: m.referenceNoSource };
  return {
    ok: true,
    value: {
      source,
      date: parts[2]!.trim(),
      title: titleLines[0]!.text,
      url: String(open.attrGet('href') ?? ''),
    },
    lines: { source: line, date: line, title: line, url: line },
  };
}

export function topicItem(
  item: MdNode,
  m: MarkdownMessages,
  problem: InlineProblem,
): Shaped<{ date: string; title: string; detail?: string }> {
  const line = startLine(item.token);
  const paragraphs = item.children.filter((c) => c.token.type === 'paragraph_open');
  const first = paragraphs[0];
  if (!first || paragraphs.length !== item.children.length) return { ok: false, line, message: m.topicShape };
  const lines = inlineLines(inlineOf(first)?.children ?? [], startLine(first.token), problem);
  // The date is the first word; the schema judges whether it is a real YYYY-MM-DD.
  const head = /^(\S+)[\s\u3000]+(.*\S)[\s\u3000]*$/.exec(lines[0]!.text);
  if (!head) return { ok: false, line: lines[0]!.line, message: m.topicShape };
  const detailParts: string[] = [];
  let detailLine: number | undefined;
  if (lines.length > 1) {
    detailParts.push(
      lines
        .slice(1)
        .map((l) => l.text)
        .join('\n'),
    );
    detailLine = lines[1]!.line;
  }
  for (const p of paragraphs.slice(1)) {
    detailLine ??= startLine(p.token);
    detailParts.push(inlineLinesOf(p, problem).join('\n'));
  }
  const value = {
    date: head[1]!,
    title: head[2]!,
    ...(detailParts.length ? { detail: detailParts.join('\n\n') } : {}),
  };
  return { ok: true, value, lines: { date: line, title: line, detail: detailLine } };
}

export function inlineLinesOf(paragraph: MdNode, problem: InlineProblem): string[] {
  return inlineLines(inlineOf(paragraph)?.children ?? [], startLine(paragraph.token), problem).map(
    (l) => l.text,
  );
}

/** The item's only content: one paragraph. */
function singleInline(item: MdNode): Token | undefined {
  if (item.children.length !== 1 || item.children[0]!.token.type !== 'paragraph_open') return undefined;
  return inlineOf(item.children[0]!);
}

export function inlineOf(paragraph: MdNode): Token | undefined {
  return paragraph.children.find((c) => c.token.type === 'inline')?.token;
}

/** 1-based first line of a block token. */
export function startLine(token: Token): number {
  return (token.map?.[0] ?? 0) + 1;
}
