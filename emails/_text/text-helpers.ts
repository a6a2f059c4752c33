/** Small pieces shared by the plain-text renderers. */
import type { SenderBlock } from '../../functions/core/config.ts';
import type { EmailText } from '../_i18n/types.ts';
import { splitLinks } from '../linkify.ts';

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

export function senderLines(t: EmailText, sender: SenderBlock): string[] {
  return [
    `${t.footer.publisher}: ${sender.name}`,
    `${t.footer.postalAddress}: ${splitLines(sender.postalAddress).join(' ')}`,
    `${t.footer.contact}: ${sender.contact}`,
  ];
}
