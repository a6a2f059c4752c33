/** The plain-text part of the confirmation email. */
import type { EmailText } from '../_i18n/types.ts';
import type { NewsletterContext } from '../types.ts';
import { RULE, senderLines } from './text-helpers.ts';

export function confirmationText(
  args: {
    confirmUrl: string;
    ctx: Pick<NewsletterContext, 'newsletterName' | 'sender'>;
    expiresInHours?: number | undefined;
  },
  t: EmailText,
): string {
  const c = t.confirmation;
  const { ctx } = args;
  const paras = [
    `${ctx.newsletterName}\n${RULE}`,
    c.heading,
    c.intro(ctx.newsletterName, ctx.sender.name),
    `${c.action}\n${args.confirmUrl}`,
    ...(args.expiresInHours ? [c.expires(args.expiresInHours)] : []),
    c.ignore,
    [RULE, `${c.sentBy}:`, ...senderLines(t, ctx.sender)].join('\n'),
  ];
  return `${paras.join('\n\n')}\n`;
}
