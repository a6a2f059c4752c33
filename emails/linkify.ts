/**
 * Splits report text into plain runs and http(s) URLs, so the HTML can link them and the
 * plain-text part can keep them intact. React-free and shared by both renderers.
 *
 * A URL is a run of URL-safe ASCII: Japanese text often glues a URL to the next word
 * ("https://example.jp/aを参照"), and full-width characters end it. Trailing punctuation and
 * unbalanced closing brackets are left out, as in "(https://example.jp/a)." Defanged
 * indicators such as hxxps://… or example[.]com stay text, as the editor intended.
 */
export type TextPart = { kind: 'text'; value: string } | { kind: 'url'; value: string };

const URL_RUN = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RUN)) {
    const start = match.index;
    const url = trimUrl(match[0]);
    if (!/^https?:\/\/[^/?#]/i.test(url)) continue; // "https://" alone is not a link
    if (start > last) parts.push({ kind: 'text', value: text.slice(last, start) });
    parts.push({ kind: 'url', value: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: 'text', value: text.slice(last) });
  return parts;
}

function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (c !== undefined && ".,;:!?'*".includes(c)) {
      end--;
      continue;
    }
    if (c === ')' || c === ']') {
      const open = c === ')' ? '(' : '[';
      const body = url.slice(0, end);
      if (count(body, c) > count(body, open)) {
        end--;
        continue;
      }
    }
    return url.slice(0, end);
  }
}

function count(s: string, c: string): number {
  let n = 0;
  for (const ch of s) if (ch === c) n++;
  return n;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** For the React-free notices: escapes text and attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
