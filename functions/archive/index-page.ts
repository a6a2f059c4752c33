/** The archive's index page (バックナンバー): every published report, newest first, and the feed. */
import { emailText } from '../../emails/_i18n/index.ts';
import { html, pageDocument } from '../http/html.ts';
import type { ArchiveEntry, ArchiveSite } from './entries.ts';

export function archiveIndexPage(site: ArchiveSite, entries: readonly ArchiveEntry[]): string {
  const t = emailText(site.locale);
  const items = entries.map(
    (e) =>
      html`<li><a href="${site.pageUrl(e.id)}">${site.entryTitle(e)}</a> <span class="note">${t.date(e.issuedOn)}</span></li>`,
  );
  return pageDocument({
    locale: site.locale,
    title: t.web.backIssues,
    brand: site.newsletterName,
    indexable: true,
    body: html`${entries.length ? html`<ul>${items}</ul>` : html`<p>${t.web.empty}</p>`}
<p><a href="${site.feedUrl}" type="application/atom+xml">${t.web.feed}</a></p>`,
    footer: html`<p>${t.footer.publisher}: ${site.senderName}</p>`,
  });
}
