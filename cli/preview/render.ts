/**
 * One rendering of a report for the preview page: what a reader gets, per locale — the final
 * Subject (and how it fits a phone), From, the inbox preview text, the HTML (light and dark)
 * and the plain text. Uses the render function's own renderer (emails/render.ts).
 */
import { localFunctionEnv, localPorts } from '../../local/config.ts';
import { reportSubjectFit, type SubjectFit } from '../../emails/subject-fit.ts';
import type { Report } from '../../functions/core/report-schema.ts';
import type { Locale } from '../../functions/core/subscriber.ts';
import { oneLine } from '../../emails/notices.ts';
import { previewContext } from '../report-files.ts';

export interface LocaleRendering {
  subject: string;
  fit: SubjectFit;
  /** What an inbox shows under the subject: the summary, else the start of the text. */
  preheader: string;
  html: string;
  /** The same HTML with the email's dark-scheme styles in force (see forceColorScheme). */
  htmlDark: string;
  text: string;
}

export interface Rendering {
  reportId: string;
  from: string;
  locales: Record<Locale, LocaleRendering>;
}

export type RenderPreview = (report: Report) => Promise<Rendering>;

export function previewRenderer(): RenderPreview {
  const ctx = previewContext();
  const from =
    process.env.FROM_ADDRESS || localFunctionEnv(localPorts(), { value: 'unused-by-preview' }).FROM_ADDRESS!;
  return async (report) => {
    // React is loaded on the first rendering only: the server answers at once.
    const { renderReportEmail } = await import('../../emails/render.ts');
    const one = async (locale: Locale): Promise<LocaleRendering> => {
      const mail = await renderReportEmail(report, ctx, locale);
      const html = forPreview(mail.html);
      return {
        subject: mail.subject,
        fit: reportSubjectFit(report, ctx.newsletterName, locale),
        preheader: report.summary
          ? oneLine(report.summary)
          : oneLine(mail.text.replace(/\s+/g, ' ')).slice(0, 140),
        html: forceColorScheme(html, 'light'),
        htmlDark: forceColorScheme(html, 'dark'),
        text: mail.text,
      };
    };
    const [ja, en] = await Promise.all([one('ja'), one('en')]);
    return { reportId: report.id, from, locales: { ja, en } };
  };
}

/** Links open in a new tab: a click inside the framed email must not replace the preview. */
function forPreview(html: string): string {
  return html.replace(/<head(\s[^>]*)?>/i, (head) => `${head}<base target="_blank">`);
}

/**
 * A framed document follows the viewer's system scheme, not a toggle on the page, so the page
 * shows each scheme by turning the email's `prefers-color-scheme` queries on or off. A regular
 * expression is enough here: the queries come from our own templates, and a miss shows the
 * light styles, never a broken email.
 */
export function forceColorScheme(html: string, scheme: 'light' | 'dark'): string {
  const on = '(min-width: 0px)';
  const off = '(max-width: 0px)';
  return html.replace(/\(\s*prefers-color-scheme\s*:\s*(light|dark)\s*\)/gi, (_, s: string) =>
    s.toLowerCase() === scheme ? on : off,
  );
}
