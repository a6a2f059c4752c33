/** The Atom feed (RFC 4287) of the archive: one entry per published report, newest first. */
import type { ArchiveEntry, ArchiveSite } from './entries.ts';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const x = (s: string) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

export function atomFeed(site: ArchiveSite, entries: readonly ArchiveEntry[]): string {
  const updated = entries[0]?.sentAt ?? site.epoch;
  const items = entries.map(
    (e) => `  <entry>
    <title>${x(site.entryTitle(e))}</title>
    <id>${x(site.pageUrl(e.id))}</id>
    <link rel="alternate" type="text/html" href="${x(site.pageUrl(e.id))}"/>
    <published>${x(e.sentAt)}</published>
    <updated>${x(e.sentAt)}</updated>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${site.locale}">
  <title>${x(site.newsletterName)}</title>
  <id>${x(site.indexUrl)}</id>
  <link rel="self" type="application/atom+xml" href="${x(site.feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${x(site.indexUrl)}"/>
  <updated>${x(updated)}</updated>
  <author><name>${x(site.senderName)}</name></author>
${items.join('\n')}${items.length ? '\n' : ''}</feed>
`;
}
