/**
 * publishArchive: a report has just been sent (SENT), so its web version goes public, in each language.
 *
 * Steps:
 * 1. Skip a report that opted out (`"archive": false`), whose id is one of the archive's own names,
 *    or whose output has no web version.
 * 2. Write its page in each language it was rendered in: archive/<id>.html (Japanese) and
 *    archive/en/<id>.html (English), the render function's web versions, which carry no reader's
 *    token (they were rendered without one, not scrubbed).
 * 3. Write its entry as an object of its own (archive/entries/<id>.json); a second publish replaces it.
 * 4. Write each language's index page and Atom feed from every entry, and again while the entries
 *    listed after that write differ from those the pages were built from.
 *
 * Why one object per entry and step 4's second look: whichever dispatcher run or worker finishes a
 * report publishes it, so two reports can finish at once in two Lambda instances. One shared
 * entries file, read, changed and written back by both, would lose one of them. Here each writes its
 * own entry, and a publisher stops only when a listing taken after its own index write shows the
 * entries it wrote from; the last index write is then followed by a listing that shows every entry
 * written before it, and an entry written after that listing is published by its own writer, whose
 * listing and index write come later still (S3 reads after writes are strongly consistent).
 */
import { atomFeed } from '../../archive/atom.ts';
import { type ArchiveEntry, type ArchiveSite, newestFirst } from '../../archive/entries.ts';
import { archiveIndexPage } from '../../archive/index-page.ts';
import type { BlobListing, BlobStore } from '../ports.ts';
import { ARCHIVE_RESERVED_IDS, archiveKeys, type RenderedReport, type ReportRecord } from '../report.ts';
import type { Locale } from '../subscriber.ts';

export interface ArchivePublisher {
  publish(record: ReportRecord): Promise<'published' | 'opted-out' | 'reserved-id' | 'no-web-version'>;
}

const HTML = 'text/html; charset=utf-8';
/** Rounds of step 4 before giving up: each extra one needs another report published meanwhile. */
const MAX_ROUNDS = 5;
/** Entries read at once: hundreds of back issues are read in a few round trips. */
const READS_AT_ONCE = 16;

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

      // 3. The entry.
      const entry: ArchiveEntry = {
        id: record.reportId,
        title: record.title,
        ...(record.issueNumber ? { issueNumber: record.issueNumber } : {}),
        issuedOn: record.issuedOn,
        sentAt: record.completedAt ?? record.updatedAt,
        languages: languages as Locale[],
      };
      await blobs.putText(archiveKeys.entry(record.reportId), JSON.stringify(entry), 'application/json');

      // 4. Each language's index and feed, until the listing after the write matches.
      let listed = await blobs.list(archiveKeys.entriesPrefix);
      for (let round = 1; ; round++) {
        const entries = await readEntries(blobs, listed);
        for (const site of sites) {
          await blobs.putText(archiveKeys.index(site.locale), archiveIndexPage(site, entries), HTML);
          await blobs.putText(
            archiveKeys.feed(site.locale),
            atomFeed(site, entries),
            'application/atom+xml; charset=utf-8',
          );
        }
        const after = await blobs.list(archiveKeys.entriesPrefix);
        if (sameListing(listed, after)) return 'published';
        if (round === MAX_ROUNDS) throw new Error(`archive: entries still changing after ${round} rounds`);
        listed = after;
      }
    },
  };
}

function sameListing(a: readonly BlobListing[], b: readonly BlobListing[]): boolean {
  const seen = new Map(a.map((l) => [l.key, l.etag]));
  return a.length === b.length && b.every((l) => seen.get(l.key) === l.etag);
}

/** Every listed entry, with those of the old single file that have no object of their own; newest first. */
async function readEntries(blobs: BlobStore, listed: readonly BlobListing[]): Promise<ArchiveEntry[]> {
  const byId = new Map((await readLegacyEntries(blobs)).map((e) => [e.id, e]));
  for (let i = 0; i < listed.length; i += READS_AT_ONCE) {
    const batch = listed.slice(i, i + READS_AT_ONCE);
    for (const e of await Promise.all(batch.map((l) => readEntry(blobs, l.key)))) if (e) byId.set(e.id, e);
  }
  return newestFirst(byId.values());
}

/** One entry; one deleted since the listing is left out (the next publish lists again). */
async function readEntry(blobs: BlobStore, key: string): Promise<ArchiveEntry | null> {
  try {
    return JSON.parse(await blobs.getText(key)) as ArchiveEntry;
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return null;
    throw err;
  }
}

async function readLegacyEntries(blobs: BlobStore): Promise<ArchiveEntry[]> {
  try {
    return JSON.parse(await blobs.getText(archiveKeys.legacyEntries)) as ArchiveEntry[];
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return [];
    throw err;
  }
}
