/**
 * publishArchive: a report has just been sent (SENT), so its web version goes public.
 *
 * Steps:
 * 1. Skip a report that opted out (`"archive": false`) or whose output has no web version.
 * 2. Write its page at archive/<id>.html: the render function's web version, which carries no
 *    reader's token (it was rendered without one, not scrubbed).
 * 3. Add it to the entries (archive/entries.json), newest first; a second publish replaces its entry.
 * 4. Write the index page and the Atom feed from the entries.
 *
 * Only the dispatcher calls this, with reserved concurrency 1: the entries are never written twice at once.
 */
import { atomFeed } from '../../archive/atom.ts';
import { type ArchiveEntry, type ArchiveSite, withEntry } from '../../archive/entries.ts';
import { archiveIndexPage } from '../../archive/index-page.ts';
import type { BlobStore } from '../ports.ts';
import { archiveKeys, type RenderedReport, type ReportRecord } from '../report.ts';

export interface ArchivePublisher {
  publish(record: ReportRecord): Promise<'published' | 'opted-out' | 'no-web-version'>;
}

export function archivePublisher(blobs: BlobStore, site: ArchiveSite): ArchivePublisher {
  return {
    async publish(record) {
      // 1. Opted out, or rendered before the archive existed.
      if (record.archive === false) return 'opted-out';
      if (!record.renderedKey) return 'no-web-version';
      const rendered = JSON.parse(await blobs.getText(record.renderedKey)) as RenderedReport;
      const page = rendered.web?.[site.locale];
      if (!page) return 'no-web-version';

      // 2. The page.
      await blobs.putText(archiveKeys.page(record.reportId), page, 'text/html; charset=utf-8');

      // 3. The entries.
      const entry: ArchiveEntry = {
        id: record.reportId,
        title: record.title,
        ...(record.issueNumber ? { issueNumber: record.issueNumber } : {}),
        issuedOn: record.issuedOn,
        sentAt: record.completedAt ?? record.updatedAt,
      };
      const entries = withEntry(await readEntries(blobs), entry);
      await blobs.putText(archiveKeys.entries, JSON.stringify(entries), 'application/json');

      // 4. Index and feed.
      await blobs.putText(archiveKeys.index, archiveIndexPage(site, entries), 'text/html; charset=utf-8');
      await blobs.putText(archiveKeys.feed, atomFeed(site, entries), 'application/atom+xml; charset=utf-8');
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
