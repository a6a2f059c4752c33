/**
 * The rendering contract's types and the unsubscribe placeholder, React-free: the dispatcher and
 * the editor notices import this file without pulling React into their bundles.
 */
import type { SenderBlock } from '../functions/core/config.ts';
import type { ReportIssue } from '../functions/core/report-parse.ts';
import type { Locale } from '../functions/core/subscriber.ts';

export type { Locale, ReportIssue, SenderBlock };

/**
 * Stands in for the per-recipient unsubscribe token in a rendered report. Only [A-Za-z0-9_]
 * (like real tokens), so it survives HTML escaping unchanged and a plain `replaceAll` on the
 * stored output equals a real per-recipient render.
 */
export const UNSUBSCRIBE_TOKEN_PLACEHOLDER = 'KAWARABAN_UNSUBSCRIBE_TOKEN';

export interface NewsletterContext {
  newsletterName: string;
  /** The subject line's name (config NEWSLETTER_SHORT_NAME); the newsletter name when absent. */
  shortName?: string;
  /** A configured subject prefix, `{number}` standing for the issue number. */
  subjectPrefix?: string | undefined;
  sender: SenderBlock;
  /** Base URL of the HTTP API, no trailing slash. */
  publicBaseUrl: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export type EditorNotice =
  | {
      kind: 'accepted';
      reportId: string;
      title: string;
      sendAt: string;
      audience: number;
      /** Two-person approval: it waits for a second editor (not the uploader); after approval, who approved. */
      approval?: { awaited: true } | { approvedBy: string };
    }
  | { kind: 'rejected'; reportId: string | null; sourceKey: string; issues: ReportIssue[] }
  | { kind: 'paused'; reportId: string; title: string; reason: string }
  | { kind: 'sent'; reportId: string; title: string; sent: number; failed: number };
