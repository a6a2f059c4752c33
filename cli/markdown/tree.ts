/**
 * markdown-it's flat token stream as a tree: each `*_open` token holds what lies before its
 * `*_close`, so the converter walks blocks and their contents instead of counting levels.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

export interface MdNode {
  token: Token;
  children: MdNode[];
}

/**
 * The parser as the converter needs it: HTML recognised (so it can be refused by line, not shown as
 * text), no linkify (the renderer links bare URLs itself), and link destinations kept exactly as
 * written (no percent-encoding, no scheme filter): the report schema judges URLs with its own messages.
 */
export function markdownParser() {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  md.normalizeLink = (url) => url;
  md.normalizeLinkText = (text) => text;
  md.validateLink = () => true;
  // Keep escapes and entities as their own tokens: `&#x203B;` at a line's start is a written ※, not a note.
  md.core.ruler.disable('text_join');
  return md;
}

export function blockTree(tokens: readonly Token[]): MdNode[] {
  const root: MdNode[] = [];
  const stack: MdNode[] = [];
  for (const token of tokens) {
    const node: MdNode = { token, children: [] };
    if (token.nesting === -1) {
      stack.pop();
      continue;
    }
    (stack.at(-1)?.children ?? root).push(node);
    if (token.nesting === 1) stack.push(node);
  }
  return root;
}
