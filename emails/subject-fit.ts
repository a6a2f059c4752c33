/**
 * How a report's Subject fares in a phone's inbox list: its length in full-width characters and
 * whether the title would be cut. The previews (`report preview`, and the live preview server) call
 * `reportSubjectFit`; nothing here affects what is sent.
 *
 * Width: East Asian Wide and Fullwidth characters count 1, others ½ (ambiguous ones such as ※ and
 * … count 1: Japanese phone fonts draw them full-width). A phone's inbox line shows about
 * PHONE_TITLE_FULLWIDTH full-width characters of the title after the 【newsletter】 prefix.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import type { Locale } from '../functions/core/subscriber.ts';
import { reportSubject } from './subject.ts';

export const PHONE_TITLE_FULLWIDTH = 30;

export interface SubjectFit {
  /** The Subject exactly as the render function builds it. */
  subject: string;
  /** Its length in full-width characters (half-width count ½). */
  width: number;
  titleWidth: number;
  /** PHONE_TITLE_FULLWIDTH. */
  titleLimit: number;
  /** False: the title will likely be cut in a phone's inbox line. */
  fits: boolean;
  /** The part of the title a phone likely shows, with … when cut. */
  visibleTitle: string;
}

export function reportSubjectFit(
  report: { title: string },
  newsletterName: string,
  locale: Locale,
  opts: { proof?: boolean } = {},
): SubjectFit {
  const subject = reportSubject(newsletterName, report.title, locale, opts);
  const titleWidth = fullWidthLength(report.title);
  const fits = titleWidth <= PHONE_TITLE_FULLWIDTH;
  return {
    subject,
    width: fullWidthLength(subject),
    titleWidth,
    titleLimit: PHONE_TITLE_FULLWIDTH,
    fits,
    visibleTitle: fits ? report.title : `${cutToWidth(report.title, PHONE_TITLE_FULLWIDTH - 1)}…`,
  };
}

/** Length in full-width characters: 字 and Ａ count 1, a and ｱ count ½. */
export function fullWidthLength(text: string): number {
  let halves = 0;
  for (const ch of text) halves += eastAsianWidth(ch.codePointAt(0)!, { ambiguousAsWide: true });
  return halves / 2;
}

function cutToWidth(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    used += fullWidthLength(ch);
    if (used > width) break;
    out += ch;
  }
  return out;
}
