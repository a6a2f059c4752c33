/** The archive's index page (バックナンバー) in one language: every report published in it, newest first, and the feed. */
import { emailText } from '../../emails/_i18n/index.ts';
import { LOCALES } from '../core/locale.ts';
import { html, langOf, pageDocument } from '../http/html.ts';
import { type ArchiveEntry, type ArchiveSite, entryLanguages } from './entries.ts';

export function archiveIndexPage(site: ArchiveSite, entries: readonly ArchiveEntry[]): string {
  const t = emailText(site.locale);
  const brandLang = langOf(site.locale, site.newsletterName);
  const listed = entries.filter((e) => entryLanguages(e).includes(site.locale));
  const items = listed.map(
    (e) =>
      html`<li><a href="${site.pageUrl(e.id)}">${site.entryTitle(e)}</a> <span class="note">${t.date(e.issuedOn)}</span></li>`,
  );
  return pageDocument({
    locale: site.locale,
    title: t.web.backIssues,
    brand: site.newsletterName,
    ...(brandLang ? { brandLang } : {}),
    indexable: true,
    switchLink: { href: site.other.indexUrl, label: t.web.switchTo, hreflang: site.other.locale },
    // Japanese first, as on the report pages.
    alternates: [
      { hreflang: site.locale, href: site.indexUrl },
      { hreflang: site.other.locale, href: site.other.indexUrl },
    ].sort((a, b) => LOCALES.indexOf(a.hreflang) - LOCALES.indexOf(b.hreflang)),
    feed: { href: site.feedUrl, title: t.web.feed },
    body: html`${listed.length ? html`<ul>${items}</ul>` : html`<p>${t.web.empty}</p>`}
<p><a href="${site.feedUrl}" type="application/atom+xml">${t.web.feed}</a></p>`,
    footer: html`<p>${t.footer.publisher}: ${site.senderName}</p>`,
  });
}
