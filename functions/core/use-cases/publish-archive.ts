/**
 * publishArchive: a report has just been sent (SENT), so its web version goes public, in each language.
 *
 * Steps:
 * 1. Skip a report that opted out (`"archive": false`), whose id is one of the archive's own names,
 *    or whose output has no web version.
 * 2. Write its page in each language it was rendered in: archive/<id>.html (Japanese) and
 *    archive/en/<id>.html (English), the render function's web versions, which carry no reader's
 *    token (they were rendered without one, not scrubbed).
 * 3. Add it to the entries (archive/entries.json), newest first; a second publish replaces its entry.
 * 4. Write each language's index page and Atom feed from the entries.
 *
 * Only the dispatcher calls this, with reserved concurrency 1: the entries are never written twice at once.
 */
import { atomFeed } from '../../archive/atom.ts';
import { type ArchiveEntry, type ArchiveSite, withEntry } from '../../archive/entries.ts';
import { archiveIndexPage } from '../../archive/index-page.ts';
import type { BlobStore } from '../ports.ts';
import { ARCHIVE_RESERVED_IDS, archiveKeys, type RenderedReport, type ReportRecord } from '../report.ts';
import type { Locale } from '../subscriber.ts';

export interface ArchivePublisher {
  publish(record: ReportRecord): Promise<'published' | 'opted-out' | 'reserved-id' | 'no-web-version'>;
}

const HTML = 'text/html; charset=utf-8';

/** `sites`: the archive in each language it is published in (archiveSites), the first the default. */
export function archivePublisher(blobs: BlobStore, sites: readonly ArchiveSite[]): ArchivePublisher {
  return {
    async publish(record) {
      // 1. Opted out, a name the archive itself uses, or rendered before the archive existed.
      if (record.archive === false) return 'opted-out';
      if (ARCHIVE_RESERVED_IDS.includes(record.reportId)) return 'reserved-id';
      if (!record.renderedKey) return 'no-web-version';
      const rendered = JSON.parse(await blobs.getText(record.renderedKey)) as RenderedReport;
      const languages = sites.map((s) => s.locale).filter((l) => rendered.web?.[l]);
      if (languages.length === 0) return 'no-web-version';

      // 2. The pages.
      for (const locale of languages)
        await blobs.putText(archiveKeys.page(record.reportId, locale), rendered.web![locale], HTML);

      // 3. The entries.
      const entry: ArchiveEntry = {
        id: record.reportId,
        title: record.title,
        ...(record.issueNumber ? { issueNumber: record.issueNumber } : {}),
        issuedOn: record.issuedOn,
        sentAt: record.completedAt ?? record.updatedAt,
        languages: languages as Locale[],
      };
      const entries = withEntry(await readEntries(blobs), entry);
      await blobs.putText(archiveKeys.entries, JSON.stringify(entries), 'application/json');

      // 4. Each language's index and feed.
      for (const site of sites) {
        await blobs.putText(archiveKeys.index(site.locale), archiveIndexPage(site, entries), HTML);
        await blobs.putText(
          archiveKeys.feed(site.locale),
          atomFeed(site, entries),
          'application/atom+xml; charset=utf-8',
        );
      }
      return 'published';
    },
  };
}

async function readEntries(blobs: BlobStore): Promise<ArchiveEntry[]> {
  try {
    return JSON.parse(await blobs.getText(archiveKeys.entries)) as ArchiveEntry[];
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return [];
    throw err;
  }
}
