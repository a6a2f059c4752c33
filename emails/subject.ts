/**
 * A report's Subject line, built in one place: the render function sends it, and the previews
 * (CLI and live server) show and measure the very same string. React-free.
 *
 * A short prefix, then the title. The prefix is what a phone's inbox line shows first, so it is the
 * short name (【かわら版】) unless the deployment configures its own (SUBJECT_PREFIX), where `{number}`
 * stands for the issue number (【かわら版 第{number}号】).
 */
import type { Locale } from '../functions/core/subscriber.ts';
import { emailText } from './_i18n/index.ts';
import type { EmailText } from './_i18n/types.ts';
import { oneLine } from './notices.ts';
import type { NewsletterContext } from './types.ts';

/** The newsletter name alone, or the names and prefix the deployment configures. */
export type SubjectNames = string | Pick<NewsletterContext, 'newsletterName' | 'shortName' | 'subjectPrefix'>;

export function subjectPrefix(t: EmailText, names: SubjectNames, issueNumber: number | undefined): string {
  const n = typeof names === 'string' ? { newsletterName: names } : names;
  if (n.subjectPrefix === undefined) return t.subject.prefix(n.shortName ?? n.newsletterName);
  // A proof of a draft has no number yet: '?' says so without breaking 第…号 or No. ….
  return n.subjectPrefix.replaceAll('{number}', issueNumber === undefined ? '?' : String(issueNumber));
}

export function reportSubject(
  names: SubjectNames,
  title: string,
  locale: Locale,
  opts: { proof?: boolean; issueNumber?: number } = {},
): string {
  const t = emailText(locale);
  const subject = t.subject.report(subjectPrefix(t, names, opts.issueNumber), title);
  return oneLine(opts.proof ? t.subject.proof(subject) : subject);
}
