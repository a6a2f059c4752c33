/** The public URLs that emails link to. Tokens are [A-Za-z0-9_-], so no encoding is needed. */
import type { Locale } from './subscriber.ts';

export function confirmUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/confirm?token=${token}`;
}

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/unsubscribe?token=${token}`;
}

/**
 * The archive's place for each language, fixed whatever the default language: Japanese at the
 * root (/archive, /feed.xml), English under /archive/en, so a link never changes meaning with a setting.
 */
const archiveRoot = (publicBaseUrl: string, locale: Locale) =>
  locale === 'ja' ? `${publicBaseUrl}/archive` : `${publicBaseUrl}/archive/${locale}`;

/** A sent report's web version (the archive page) in one language; report ids are [a-z0-9-]. */
export function archiveUrl(publicBaseUrl: string, reportId: string, locale: Locale = 'ja'): string {
  return `${archiveRoot(publicBaseUrl, locale)}/${reportId}`;
}

/** Without a trailing slash: API Gateway's HTTP API routes cannot end in one (both forms are served). */
export function archiveIndexUrl(publicBaseUrl: string, locale: Locale = 'ja'): string {
  return archiveRoot(publicBaseUrl, locale);
}

export function feedUrl(publicBaseUrl: string, locale: Locale = 'ja'): string {
  return locale === 'ja' ? `${publicBaseUrl}/feed.xml` : `${archiveRoot(publicBaseUrl, locale)}/feed.xml`;
}
