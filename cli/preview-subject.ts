/** What `report preview` prints about the Subject: the line itself, its width, and a warning when a phone would cut the title. */
import type { ReportLang } from '../functions/core/report-schema.ts';
import type { SubjectFit } from '../emails/subject-fit.ts';

const messages = {
  ja: {
    subject: (s: string) => `件名: ${s}`,
    width: (w: number, t: number) => `件名の長さ: 全角${w}文字（タイトル部分 ${t}文字）`,
    cut: (limit: number, visible: string) =>
      `注意: スマートフォンの受信一覧ではタイトルが全角${limit}文字ほどで切れます。見える部分: 「${visible}」`,
  },
  en: {
    subject: (s: string) => `Subject: ${s}`,
    width: (w: number, t: number) => `Subject length: ${w} full-width characters (title: ${t})`,
    cut: (limit: number, visible: string) =>
      `warning: a phone's inbox list cuts the title after about ${limit} full-width characters; it shows: "${visible}"`,
  },
} as const;

/** Subject and width to stdout; the warning to stderr (the preview still succeeds). */
export function printSubjectFit(fit: SubjectFit, lang: ReportLang): void {
  const m = messages[lang];
  console.log(m.subject(fit.subject));
  console.log(m.width(fit.width, fit.titleWidth));
  if (!fit.fits) console.error(m.cut(fit.titleLimit, fit.visibleTitle));
}
