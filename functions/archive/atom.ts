/**
 * The Atom feed (RFC 4287) of the archive in one language: one entry per report published in it,
 * newest first, each linking its page in this language and, as an hreflang alternate, in the other.
 */
import { type ArchiveEntry, type ArchiveSite, entryLanguages } from './entries.ts';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const x = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

// RFC 4287 4.2.7.2: alternates must differ in type or hreflang, so each one names its language.
const htmlLink = (hreflang: string, href: string) =>
  `<link rel="alternate" type="text/html" hreflang="${x(hreflang)}" href="${x(href)}"/>`;

export function atomFeed(site: ArchiveSite, entries: readonly ArchiveEntry[]): string {
  const listed = entries.filter((e) => entryLanguages(e).includes(site.locale));
  const updated = listed[0]?.sentAt ?? site.epoch;
  const items = listed.map((e) => {
    const other = entryLanguages(e).includes(site.other.locale)
      ? `\n    ${htmlLink(site.other.locale, site.other.pageUrl(e.id))}`
      : '';
    return `  <entry>
    <title>${x(site.entryTitle(e))}</title>
    <id>${x(site.pageUrl(e.id))}</id>
    ${htmlLink(site.locale, site.pageUrl(e.id))}${other}
    <published>${x(e.sentAt)}</published>
    <updated>${x(e.sentAt)}</updated>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${site.locale}">
  <title>${x(site.newsletterName)}</title>
  <id>${x(site.indexUrl)}</id>
  <link rel="self" type="application/atom+xml" href="${x(site.feedUrl)}"/>
  ${htmlLink(site.locale, site.indexUrl)}
  ${htmlLink(site.other.locale, site.other.indexUrl)}
  <updated>${x(updated)}</updated>
  <author><name>${x(site.senderName)}</name></author>
${items.join('\n')}${items.length ? '\n' : ''}</feed>
`;
}
