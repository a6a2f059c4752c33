/**
 * Inline Markdown → the report's plain text. The report format carries text with line breaks kept
 * and http(s) URLs linkified at render time, nothing else; so:
 * - text, entities and backslash escapes become their characters (`\*` is a literal `*`);
 * - every line break (soft or hard) stays a line break, as in the JSON format;
 * - an autolink `<https://…>` or `[https://…](https://…)` is its URL, which the renderer links;
 * - bold, italics, strikethrough, inline code, images, HTML and links with their own text are
 *   refused with the line they are on, never dropped silently;
 * - an HTML comment `<!-- … -->` is the editor's note to self: invisible in Markdown, never sent.
 */
import type { Token } from 'markdown-it';
import type { Unsupported } from './messages.ts';

export type InlineProblem = (line: number, what: Unsupported) => void;

export interface TextLine {
  text: string;
  /** The line starts with an escaped or entity character (`&#x203B;`): taken as written, never as a mark. */
  escapedStart?: boolean;
  /** 1-based Markdown line. */
  line: number;
}

const REFUSED_OPEN: Record<string, Unsupported> = {
  em_open: 'emphasis',
  strong_open: 'strong',
  s_open: 'strikethrough',
  code_inline: 'codeInline',
  image: 'image',
  html_inline: 'html',
};

/** The inline children of one block, split at its line breaks. */
export function inlineLines(
  children: readonly Token[],
  firstLine: number,
  problem: InlineProblem,
): TextLine[] {
  const lines: TextLine[] = [{ text: '', line: firstLine }];
  let line = firstLine;
  let inLink: { href: string; text: string; line: number } | null = null;
  /** Lines a comment was taken out of: the spaces around it go too. */
  const commented = new Set<number>();
  const append = (s: string) => {
    if (inLink) inLink.text += s;
    else lines[lines.length - 1]!.text += s;
  };
  for (const child of children) {
    const comment = child.type === 'html_inline' && isComment(child.content);
    if (comment) commented.add(lines.length - 1);
    const refused = comment ? undefined : REFUSED_OPEN[child.type];
    if (refused) problem(line, refused);
    switch (child.type) {
      case 'softbreak':
      case 'hardbreak':
        line++;
        if (inLink) inLink.text += '\n';
        else lines.push({ text: '', line });
        break;
      case 'link_open':
        inLink = { href: String(child.attrGet('href') ?? ''), text: '', line };
        break;
      case 'link_close':
        if (inLink) {
          // An autolink, or a link whose text is its own URL: the URL itself, which the renderer links.
          if (child.markup !== 'autolink' && inLink.text !== inLink.href) problem(inLink.line, 'link');
          const text = inLink.text;
          inLink = null;
          append(text);
        }
        break;
      case 'html_inline':
      case 'code_inline':
        line += countNewlines(child.content);
        break;
      case 'text_special':
        if (!inLink && lines.at(-1)!.text === '') lines.at(-1)!.escapedStart = true;
        append(child.content);
        break;
      default:
        append(child.content);
    }
  }
  for (const i of commented) lines[i]!.text = lines[i]!.text.trim();
  return lines;
}

/** Text of inline children as one string with `\n` between lines. */
export function inlineText(children: readonly Token[], firstLine: number, problem: InlineProblem): string {
  return inlineLines(children, firstLine, problem)
    .map((l) => l.text)
    .join('\n');
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

/** `<!-- … -->`: invisible in any Markdown rendering, so an editor's note that is never sent. */
export function isComment(html: string): boolean {
  return /^<!--[\s\S]*?-->\s*$/.test(html.trim()) && !html.trim().slice(4, -3).includes('-->');
}
