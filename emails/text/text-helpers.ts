/** Small pieces shared by the plain-text renderers. */
import type { SenderBlock } from '../../functions/core/config.ts';
import type { EmailText } from '../i18n/types.ts';

/** A rule 60 ASCII columns wide: the same width in every monospace font, Japanese ones included. */
export const RULE = '-'.repeat(60);

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
