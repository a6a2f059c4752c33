/** What `report preview` prints about the Subject: the line itself, its width, and a warning when a phone would cut the title. */
import type { ReportLang } from '../functions/core/report-schema.ts';
import type { SubjectFit } from '../emails/subject-fit.ts';
import { cliTexts } from './i18n/index.ts';

/** Subject and width to stdout; the warning to stderr (the preview still succeeds). */
export function printSubjectFit(fit: SubjectFit, lang: ReportLang): void {
  const m = cliTexts[lang].subject;
  console.log(m.subject(fit.subject));
  console.log(m.width(fit.width, fit.titleWidth));
  if (!fit.fits) console.error(m.cut(fit.titleLimit, fit.visibleTitle));
}
