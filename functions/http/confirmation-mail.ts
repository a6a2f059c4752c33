/**
 * "Send the confirmation" for the subscribe use case: render the confirmation email (React
 * Email, emails/render.ts) and hand it to the Mailer. Only the person's own address and our
 * own link go in: nothing else the requester typed ever reaches an email.
 */
import { renderConfirmationEmail } from '../../emails/render.ts';
import type { Config } from '../core/config.ts';
import { confirmUrl } from '../core/links.ts';
import type { Mailer } from '../core/ports.ts';
import type { SendConfirmation } from '../core/use-cases/subscribe.ts';

export function confirmationSender(
  mailer: Mailer,
  config: Pick<Config, 'newsletterName' | 'sender' | 'publicBaseUrl' | 'confirmTtlHours'>,
): SendConfirmation {
  const ctx = { newsletterName: config.newsletterName, sender: config.sender, publicBaseUrl: config.publicBaseUrl };
  return async ({ to, token, locale }) => {
    const mail = await renderConfirmationEmail({
      confirmUrl: confirmUrl(config.publicBaseUrl, token),
      locale,
      ctx,
      expiresInHours: config.confirmTtlHours,
    });
    await mailer.send({ to, subject: mail.subject, html: mail.html, text: mail.text, tags: { kind: 'confirmation' } });
  };
}
