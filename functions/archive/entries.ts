/** What the archive knows about each published report, and the site around it. */
import { emailText } from '../../emails/_i18n/index.ts';
import { archiveIndexUrl, archiveUrl, feedUrl } from '../core/links.ts';
import type { Locale } from '../core/subscriber.ts';

export interface ArchiveEntry {
  id: string;
  title: string;
  issueNumber?: number;
  issuedOn: string;
  /** When sending finished (UTC ISO 8601): the entry's time in the feed. */
  sentAt: string;
}

export interface ArchiveSite {
  locale: Locale;
  newsletterName: string;
  senderName: string;
  indexUrl: string;
  feedUrl: string;
  pageUrl(id: string): string;
  /** 第12号 タイトル */
  entryTitle(e: ArchiveEntry): string;
  /** The feed's time while nothing is published. */
  epoch: string;
}

export function archiveSite(s: {
  publicBaseUrl: string;
  newsletterName: string;
  senderName: string;
  locale: Locale;
}): ArchiveSite {
  const t = emailText(s.locale);
  return {
    locale: s.locale,
    newsletterName: s.newsletterName,
    senderName: s.senderName,
    indexUrl: archiveIndexUrl(s.publicBaseUrl),
    feedUrl: feedUrl(s.publicBaseUrl),
    pageUrl: (id) => archiveUrl(s.publicBaseUrl, id),
    entryTitle: (e) => (e.issueNumber ? `${t.report.issueNumber(e.issueNumber)} ${e.title}` : e.title),
    epoch: '1970-01-01T00:00:00.000Z',
  };
}

/** The entries with this one added (or replacing an earlier one of the same id), newest first. */
export function withEntry(entries: readonly ArchiveEntry[], entry: ArchiveEntry): ArchiveEntry[] {
  return [entry, ...entries.filter((e) => e.id !== entry.id)].sort((a, b) =>
    b.sentAt.localeCompare(a.sentAt),
  );
}
