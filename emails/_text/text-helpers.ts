/** Small pieces shared by the plain-text renderers. */
import type { SenderBlock } from '../../functions/core/config.ts';
import type { EmailText } from '../_i18n/types.ts';
import { splitLinks } from '../linkify.ts';
import { phrases } from '../phrases.ts';

/** A rule 60 ASCII columns wide: the same width in every monospace font, Japanese ones included. */
export const RULE = '-'.repeat(60);

/**
 * Puts every http(s) URL on a line of its own. Text clients link URLs by guessing where they end,
 * and many take Japanese written right after one ("…/aを参照") as part of it; a URL alone on its
 * line is also never split by the client's own wrapping. Spaces beside the URL go; nothing else does.
 */
export function urlsOnOwnLines(text: string): string {
  let out = '';
  let afterUrl = false;
  for (const part of splitLinks(text)) {
    if (part.kind === 'url') {
      out = out.replace(/[ \t\u3000]+$/, '');
      if (out !== '' && !out.endsWith('\n')) out += '\n';
      out += part.value;
      afterUrl = true;
      continue;
    }
    let rest = part.value;
    if (afterUrl) {
      rest = rest.replace(/^[ \t\u3000]+/, '');
      if (rest !== '' && !/^(\r\n|\r|\n)/.test(rest)) out += '\n';
    }
    out += rest;
    afterUrl = false;
  }
  return out;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Prefixes every line (or, with `first` false, every line after the first) with `prefix`. */
export function indent(text: string, prefix: string, first = true): string {
  return splitLines(text)
    .map((line, i) => (i === 0 && !first ? line : `${prefix}${line}`))
    .join('\n');
}

/** `lead` before the first line, as many spaces before the others: a hanging indent. */
export function hang(lead: string, body: string): string {
  return `${lead}${indent(body, ' '.repeat(columns(lead)), false)}`;
}

export function senderLines(t: EmailText, sender: SenderBlock): string[] {
  return [
    `${t.footer.publisher}: ${sender.name}`,
    `${t.footer.postalAddress}: ${splitLines(sender.postalAddress).join(' ')}`,
    `${t.footer.contact}: ${sender.contact}`,
  ];
}

/**
 * Width of the plain-text part, in monospace columns (a kanji or kana counts two): about 35
 * Japanese characters, what reads comfortably and fits a phone's text view without its own wrap.
 */
export const TEXT_WIDTH = 70;

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

export function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

/**
 * Wraps each line at `width` columns between phrases (BudouX, emails/phrases.ts) or at spaces,
 * never inside a URL: a URL longer than the line stands whole on its own line. `keep`: words never split.
 */
export function wrap(text: string, width: number, keep: readonly string[] = []): string {
  return splitLines(text)
    .map((line) => wrapLine(line, width, keep))
    .join('\n');
}

function wrapLine(line: string, width: number, keep: readonly string[]): string {
  if (columns(line) <= width) return line;
  const tokens: string[] = [];
  for (const part of splitLinks(line)) {
    if (part.kind === 'url') tokens.push(part.value);
    else for (const phrase of phrases(part.value, keep)) tokens.push(...phrase.split(/(?<= )/));
  }
  const out: string[] = [];
  let current = '';
  for (const token of tokens) {
    if (current !== '' && columns(current) + columns(token.trimEnd()) > width) {
      out.push(current.trimEnd());
      current = token.trimStart();
    } else {
      current += token;
    }
  }
  if (current !== '') out.push(current.trimEnd());
  return out.join('\n');
}
