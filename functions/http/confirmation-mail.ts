/**
 * "Send the confirmation" for the subscribe use case: fill the link into the confirmation email
 * rendered ahead for the reader's language (emails/confirmation-template.ts) and hand it to the
 * Mailer. Only the person's own address and our own link go in: nothing else the requester typed
 * ever reaches an email. No React here: this runs in the api function.
 */
import {
  fillConfirmation,
  parseConfirmationTemplates,
  type ConfirmationTemplates,
} from '../../emails/confirmation-template.ts';
import type { Config } from '../core/config.ts';
import { confirmUrl } from '../core/links.ts';
import type { Mailer } from '../core/ports.ts';
import type { SendConfirmation } from '../core/use-cases/subscribe.ts';

export function confirmationSender(
  mailer: Mailer,
  config: Pick<Config, 'publicBaseUrl'>,
  templates: ConfirmationTemplates,
): SendConfirmation {
  return async ({ to, token, locale }) => {
    const mail = fillConfirmation(
      templates.locales[locale] ?? templates.locales.ja,
      confirmUrl(config.publicBaseUrl, token),
    );
    await mailer.send({
      to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      tags: { kind: 'confirmation' },
    });
  };
}

/**
 * The templates the build put into this function. In the Lambda bundle esbuild replaces
 * `process.env.KAWARABAN_CONFIRMATION_TEMPLATES` with the JSON rendered at synth (a `define`, see
 * infra/confirmation-templates.ts), so it is not a Lambda environment variable (those are limited
 * to 4 KB); the local runtime and the tests set it in the environment before loading the function.
 */
export function builtConfirmationTemplates(config: Config): ConfirmationTemplates {
  return parseConfirmationTemplates(process.env.KAWARABAN_CONFIRMATION_TEMPLATES, config);
}
