/**
 * Rendering (contract 2): subject, HTML and plain text of every email kawaraban sends.
 *
 * - A report is rendered once, with `unsubscribeUrl(publicBaseUrl, placeholder)` in both parts; the
 *   dispatcher swaps the placeholder per recipient with `replaceAll`. The render function passes a
 *   new random placeholder each time (report text cannot contain it); previews use the fixed one.
 * - Subject: `【short name】title` (ja) / `[short name] title` (en), or the configured prefix
 *   (emails/subject.ts), so the list is recognisable in a crowded inbox and the title still fits a
 *   phone's line; a proof gets `【校正刷り】` / `[PROOF]` in front.
 * - HTML comes from React Email; the plain text comes from a dedicated renderer over the same
 *   data (emails/_text/), which reads better than an HTML-to-text conversion and costs less.
 * - This file is .ts (the contract's path), so it builds elements with createElement, not JSX.
 * - Never `pretty: true`: it would pull prettier into the function bundle.
 * - Outlook-only markup (conditional comments) is written by _components/outlook.tsx and unwrapped here.
 *
 * The dispatcher must not bundle React: it imports emails/notices.ts and emails/types.ts, never this file.
 */
import { render } from '@react-email/render';
import { createElement } from 'react';
import type { Report } from '../functions/core/report-schema.ts';
import type { Locale } from '../functions/core/subscriber.ts';
import { unwrapOutlookComments } from './_components/outlook.tsx';
import { ConfirmationEmail } from './confirmation.tsx';
import {
  CONFIRM_URL_PLACEHOLDER,
  confirmationSettings,
  fillConfirmation,
  type ConfirmationSettings,
  type ConfirmationTemplates,
} from './confirmation-template.ts';
import { emailText } from './_i18n/index.ts';
import { oneLine } from './notices.ts';
import { ReportEmail } from './report.tsx';
import { reportSubject } from './subject.ts';
import { confirmationText } from './_text/confirmation-text.ts';
import { reportText } from './_text/report-text.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER, type NewsletterContext, type RenderedEmail } from './types.ts';

export { renderEditorNotice } from './notices.ts';
export { UNSUBSCRIBE_TOKEN_PLACEHOLDER } from './types.ts';
export type { EditorNotice, NewsletterContext, RenderedEmail } from './types.ts';

export async function renderReportEmail(
  report: Report,
  ctx: NewsletterContext,
  locale: Locale,
  opts: { proof?: boolean; placeholder?: string; issueNumber?: number } = {},
): Promise<RenderedEmail> {
  const t = emailText(locale);
  const proof = opts.proof ?? false;
  const placeholder = opts.placeholder ?? UNSUBSCRIBE_TOKEN_PLACEHOLDER;
  return {
    subject: reportSubject(ctx, report.title, locale, { proof, issueNumber: opts.issueNumber }),
    html: unwrapOutlookComments(
      await render(
        createElement(ReportEmail, {
          report,
          ctx,
          locale,
          proof,
          placeholder,
          issueNumber: opts.issueNumber,
        }),
      ),
    ),
    text: reportText(report, ctx, t, proof, placeholder, undefined, opts.issueNumber),
  };
}

/** A confirmation email for one link (previews and tests): the template with the link filled in. */
/** The web version of a report for the archive: the same rendering, no reader's token anywhere. */
export async function renderReportWeb(
  report: Report,
  ctx: NewsletterContext,
  locale: Locale,
  opts: { issueNumber?: number } = {},
): Promise<string> {
  return unwrapOutlookComments(
    await render(
      createElement(ReportEmail, { report, ctx, locale, issueNumber: opts.issueNumber, variant: 'web' }),
    ),
  );
}

export async function renderConfirmationEmail(args: {
  confirmUrl: string;
  locale: Locale;
  ctx: Pick<NewsletterContext, 'newsletterName' | 'sender'>;
  /** Optional: when given, the email says how long the link works (CONFIRM_TTL_HOURS). */
  expiresInHours?: number;
}): Promise<RenderedEmail> {
  return fillConfirmation(
    await confirmationTemplate(args.locale, args.ctx, args.expiresInHours),
    args.confirmUrl,
  );
}

/** Both languages' confirmation emails with CONFIRM_URL_PLACEHOLDER for the link (emails/confirmation-template.ts). */
export async function renderConfirmationTemplates(
  settings: ConfirmationSettings,
): Promise<ConfirmationTemplates> {
  const renderedFor = confirmationSettings(settings);
  const [ja, en] = await Promise.all(
    (['ja', 'en'] as const).map((locale) =>
      confirmationTemplate(locale, renderedFor, renderedFor.confirmTtlHours),
    ),
  );
  return { renderedFor, locales: { ja: ja!, en: en! } };
}

async function confirmationTemplate(
  locale: Locale,
  ctx: Pick<NewsletterContext, 'newsletterName' | 'sender'>,
  expiresInHours: number | undefined,
): Promise<RenderedEmail> {
  const t = emailText(locale);
  const args = { confirmUrl: CONFIRM_URL_PLACEHOLDER, locale, ctx, expiresInHours };
  return {
    subject: oneLine(t.subject.confirmation(ctx.newsletterName)),
    html: unwrapOutlookComments(await render(createElement(ConfirmationEmail, args))),
    text: confirmationText(args, t),
  };
}
