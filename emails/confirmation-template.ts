/**
 * The confirmation email, rendered ahead and filled in per request, React-free: the api function
 * imports this file, never emails/render.ts, so no React reaches its bundle (a cold start there is
 * the first visitor's wait).
 *
 * The templates are rendered once per locale (emails/render.ts, renderConfirmationTemplates) with
 * CONFIRM_URL_PLACEHOLDER where the link goes, by whoever builds the api function: the CDK synth
 * on AWS (infra/confirmation-templates.ts, injected into the bundle), the local runtime and the
 * tests at start. Everything else in them comes from the configuration they were rendered for,
 * which is recorded with them and checked against the function's own configuration at load.
 */
import type { Config } from '../functions/core/config.ts';
import type { Locale } from '../functions/core/subscriber.ts';
import type { RenderedEmail } from './types.ts';

/** Only [A-Za-z0-9_], so HTML escaping leaves it unchanged in href and text alike. */
export const CONFIRM_URL_PLACEHOLDER = 'KAWARABAN_CONFIRM_URL';

/** What a confirmation email depends on besides its link. */
export type ConfirmationSettings = Pick<Config, 'newsletterName' | 'sender' | 'confirmTtlHours'>;

export interface ConfirmationTemplates {
  renderedFor: ConfirmationSettings;
  locales: Record<Locale, RenderedEmail>;
}

export function confirmationSettings(config: ConfirmationSettings): ConfirmationSettings {
  const { newsletterName, sender, confirmTtlHours } = config;
  return {
    newsletterName,
    sender: { name: sender.name, postalAddress: sender.postalAddress, contact: sender.contact },
    confirmTtlHours,
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
};

/** The one place a confirmation link goes into a template: escaped for the HTML, as is in the text. */
export function fillConfirmation(template: RenderedEmail, confirmUrl: string): RenderedEmail {
  const escaped = confirmUrl.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  return {
    subject: template.subject,
    html: template.html.replaceAll(CONFIRM_URL_PLACEHOLDER, escaped),
    text: template.text.replaceAll(CONFIRM_URL_PLACEHOLDER, confirmUrl),
  };
}

export class ConfirmationTemplatesError extends Error {
  override name = 'ConfirmationTemplatesError';
}

const isMail = (m: unknown): m is RenderedEmail =>
  !!m &&
  typeof m === 'object' &&
  ['subject', 'html', 'text'].every((k) => typeof (m as Record<string, unknown>)[k] === 'string') &&
  (m as RenderedEmail).html.includes(CONFIRM_URL_PLACEHOLDER) &&
  (m as RenderedEmail).text.includes(CONFIRM_URL_PLACEHOLDER);

/**
 * Reads templates from their JSON form and checks they were rendered for these settings: a
 * template built for another newsletter name or sender would mail readers the wrong legal block.
 */
export function parseConfirmationTemplates(
  json: string | undefined,
  expected: ConfirmationSettings,
): ConfirmationTemplates {
  if (!json) {
    throw new ConfirmationTemplatesError(
      'KAWARABAN_CONFIRMATION_TEMPLATES: missing (the build renders the confirmation email into the api bundle; locally the runtime sets it)',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfirmationTemplatesError('KAWARABAN_CONFIRMATION_TEMPLATES: not JSON');
  }
  const t = parsed as Partial<ConfirmationTemplates>;
  if (!t.locales || !isMail(t.locales.ja) || !isMail(t.locales.en)) {
    throw new ConfirmationTemplatesError(
      'KAWARABAN_CONFIRMATION_TEMPLATES: needs ja and en, each with subject, html and text around the link placeholder',
    );
  }
  const want = JSON.stringify(confirmationSettings(expected));
  const got = JSON.stringify(t.renderedFor ? confirmationSettings(t.renderedFor) : null);
  if (want !== got) {
    throw new ConfirmationTemplatesError(
      `KAWARABAN_CONFIRMATION_TEMPLATES: rendered for ${got}, but this function is configured with ${want}: build it again`,
    );
  }
  return { renderedFor: t.renderedFor!, locales: { ja: t.locales.ja, en: t.locales.en } };
}
