/**
 * How a subject fits a phone's inbox line. Japanese mail apps on a 375 px phone show about 30
 * full-width characters of a subject after a 【…】 prefix; the rest is cut with "…". Widths follow
 * Unicode's East Asian Width (UAX #11): wide and full-width characters count 1, the others ½;
 * ambiguous ones (○, ※, Greek) count as narrow, as Japanese fonts on phones mostly draw them.
 */
import { eastAsianWidth } from 'get-east-asian-width';

/** Full-width characters of the title a phone's inbox line shows after the prefix. */
export const PHONE_TITLE_FULL_WIDTH = 30;

export interface SubjectFit {
  subject: string;
  /** The whole subject, in full-width characters (½ per half-width one). */
  fullWidth: number;
  /** The part after the newsletter prefix, in full-width characters. */
  titleFullWidth: number;
  /** Full-width characters of the title a phone shows (PHONE_TITLE_FULL_WIDTH). */
  limit: number;
  /** True when a phone's inbox line cuts the title. */
  cutOnPhone: boolean;
  /** What the phone shows of the title, with "…" when cut. */
  phoneTitle: string;
}

/** Width of a text in full-width characters (a half-width one counts ½). */
export function fullWidthLength(text: string): number {
  let halves = 0;
  for (const ch of text) halves += eastAsianWidth(ch.codePointAt(0)!);
  return halves / 2;
}

/** `subject` is the final Subject; `title` is the report's title it ends with (after the prefix). */
export function subjectFit(subject: string, title: string): SubjectFit {
  const at = subject.lastIndexOf(title);
  const shownTitle = at >= 0 ? subject.slice(at) : subject;
  let halves = 0;
  let phoneTitle = '';
  let cut = false;
  for (const ch of shownTitle) {
    halves += eastAsianWidth(ch.codePointAt(0)!);
    if (halves > PHONE_TITLE_FULL_WIDTH * 2) {
      cut = true;
      break;
    }
    phoneTitle += ch;
  }
  return {
    subject,
    fullWidth: fullWidthLength(subject),
    titleFullWidth: fullWidthLength(shownTitle),
    limit: PHONE_TITLE_FULL_WIDTH,
    cutOnPhone: cut,
    phoneTitle: cut ? `${[...phoneTitle].slice(0, -1).join('')}…` : phoneTitle,
  };
}
