/** What the archive knows about each published report, and the site around it in each language. */
import { emailText } from '../../emails/_i18n/index.ts';
import { archiveIndexUrl, archiveUrl, feedUrl } from '../core/links.ts';
import { LOCALES, type Locale } from '../core/subscriber.ts';

export interface ArchiveEntry {
  id: string;
  title: string;
  issueNumber?: number;
  issuedOn: string;
  /** When sending finished (UTC ISO 8601): the entry's time in the feed. */
  sentAt: string;
  /** The languages its page was published in; absent on entries from before English pages (Japanese only). */
  languages?: Locale[];
}

export interface ArchiveSite {
  locale: Locale;
  newsletterName: string;
  senderName: string;
  indexUrl: string;
  feedUrl: string;
  pageUrl(id: string): string;
  /** The same page, index or feed in another language (hreflang alternates, the language switch). */
  other: { locale: Locale; indexUrl: string; feedUrl: string; pageUrl(id: string): string };
  /** 第12号 タイトル */
  entryTitle(e: ArchiveEntry): string;
  /** The feed's time while nothing is published. */
  epoch: string;
}

interface SiteSettings {
  publicBaseUrl: string;
  newsletterName: string;
  senderName: string;
}

export function archiveSite(s: SiteSettings & { locale: Locale }): ArchiveSite {
  const t = emailText(s.locale);
  const other = LOCALES.find((l) => l !== s.locale)!;
  return {
    locale: s.locale,
    newsletterName: s.newsletterName,
    senderName: s.senderName,
    indexUrl: archiveIndexUrl(s.publicBaseUrl, s.locale),
    feedUrl: feedUrl(s.publicBaseUrl, s.locale),
    pageUrl: (id) => archiveUrl(s.publicBaseUrl, id, s.locale),
    other: {
      locale: other,
      indexUrl: archiveIndexUrl(s.publicBaseUrl, other),
      feedUrl: feedUrl(s.publicBaseUrl, other),
      pageUrl: (id) => archiveUrl(s.publicBaseUrl, id, other),
    },
    entryTitle: (e) => (e.issueNumber ? `${t.report.issueNumber(e.issueNumber)} ${e.title}` : e.title),
    epoch: '1970-01-01T00:00:00.000Z',
  };
}

/** The archive in every language, Japanese first. */
export function archiveSites(s: SiteSettings): ArchiveSite[] {
  return LOCALES.map((locale) => archiveSite({ ...s, locale }));
}

/** The languages an entry's page exists in. */
export const entryLanguages = (e: ArchiveEntry): readonly Locale[] => e.languages ?? ['ja'];

/** The entries newest first (by when sending finished). */
export function newestFirst(entries: Iterable<ArchiveEntry>): ArchiveEntry[] {
  return [...entries].sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}
