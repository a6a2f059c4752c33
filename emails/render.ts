/**
 * Rendering (contract 2): subject, HTML and plain text of every email kawaraban sends.
 *
 * - A report is rendered once, with `unsubscribeUrl(publicBaseUrl, placeholder)` in both parts; the
 *   dispatcher swaps the placeholder per recipient with `replaceAll`. The render function passes a
 *   new random placeholder each time (report text cannot contain it); previews use the fixed one.
 * - Subject: `【newsletter name】title` (ja) / `[newsletter name] title` (en), so the list is
 *   recognisable in a crowded corporate inbox; a proof gets `【校正刷り】` / `[PROOF]` in front.
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
  opts: { proof?: boolean; placeholder?: string } = {},
): Promise<RenderedEmail> {
  const t = emailText(locale);
  const proof = opts.proof ?? false;
  const placeholder = opts.placeholder ?? UNSUBSCRIBE_TOKEN_PLACEHOLDER;
  return {
    subject: reportSubject(ctx.newsletterName, report.title, locale, { proof }),
    html: unwrapOutlookComments(await render(createElement(ReportEmail, { report, ctx, locale, proof, placeholder }))),
    text: reportText(report, ctx, t, proof, placeholder),
  };
}

export async function renderConfirmationEmail(args: {
  confirmUrl: string;
  locale: Locale;
  ctx: NewsletterContext;
  /** Optional: when given, the email says how long the link works (CONFIRM_TTL_HOURS). */
  expiresInHours?: number;
}): Promise<RenderedEmail> {
  const t = emailText(args.locale);
  return {
    subject: oneLine(t.subject.confirmation(args.ctx.newsletterName)),
    html: unwrapOutlookComments(
      await render(
        createElement(ConfirmationEmail, {
          confirmUrl: args.confirmUrl,
          locale: args.locale,
          ctx: args.ctx,
          expiresInHours: args.expiresInHours,
        }),
      ),
    ),
    text: confirmationText(args, t),
  };
}
