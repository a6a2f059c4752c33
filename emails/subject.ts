/**
 * A report's Subject line, built in one place: the render function sends it, and the previews
 * (CLI and live server) show and measure the very same string. React-free.
 */
import type { Locale } from '../functions/core/subscriber.ts';
import { emailText } from './_i18n/index.ts';
import { oneLine } from './notices.ts';

export function reportSubject(
  newsletterName: string,
  title: string,
  locale: Locale,
  opts: { proof?: boolean } = {},
): string {
  const t = emailText(locale);
  const subject = t.subject.report(newsletterName, title);
  return oneLine(opts.proof ? t.subject.proof(subject) : subject);
}
