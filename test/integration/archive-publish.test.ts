/**
 * Publishing to the web archive when reports finish at the same time in different workers
 * (publish-archive.ts): every report ends up in both indexes and feeds whatever the order of the
 * writes, back issues from the old single entries file are kept, and a publisher that never sees
 * the entries settle gives up with an error instead of looping. Against s3rver; the interleaving
 * is forced by a store that holds one publisher's writes.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import { archiveSites } from '../../functions/archive/entries.ts';
import type { BlobStore } from '../../functions/core/ports.ts';
import { archiveKeys, type RenderedReport, type ReportRecord } from '../../functions/core/report.ts';
import { archivePublisher } from '../../functions/core/use-cases/publish-archive.ts';
import { s3 } from '../../functions/adapters/aws/s3.ts';
import { createTestStack, type TestStack } from '../helpers/stack.ts';

const sitesOf = (stack: TestStack) =>
  archiveSites({
    publicBaseUrl: stack.config.publicBaseUrl,
    newsletterName: stack.config.newsletterName,
    senderName: stack.config.sender.name,
  });

/** A SENT report and its rendered output (web versions only: what publishing reads). */
async function sentReport(blobs: BlobStore, n: number, sentAt: string): Promise<ReportRecord> {
  const reportId = `p-${randomBytes(3).toString('hex')}`;
  const rendered = {
    reportId,
    web: {
      ja: `<html lang="ja"><p>${reportId} 本文</p></html>`,
      en: `<html lang="en"><p>${reportId}</p></html>`,
    },
  } as unknown as RenderedReport;
  const renderedKey = `rendered/${reportId}/h.json`;
  await blobs.putText(renderedKey, JSON.stringify(rendered), 'application/json');
  return {
    reportId,
    title: `同時公開テスト ${n}`,
    issueNumber: n,
    issuedOn: '2026-12-01',
    completedAt: sentAt,
    updatedAt: sentAt,
    renderedKey,
    status: 'SENT',
  } as unknown as ReportRecord;
}

/** The report ids an index page links to, in order. */
const linkedIds = (html: string) =>
  [...html.matchAll(/\/archive\/(?:en\/)?(p-[0-9a-f]{6})"/g)].map((m) => m[1]!);

/** What the archive shows after publishing: the ids in each index and feed. */
async function published(blobs: BlobStore) {
  const out: Record<string, string[]> = {};
  for (const locale of ['ja', 'en'] as const) {
    out[`index ${locale}`] = linkedIds(await blobs.getText(archiveKeys.index(locale)));
    out[`feed ${locale}`] = [
      ...(await blobs.getText(archiveKeys.feed(locale))).matchAll(/<id>[^<]*\/(p-[0-9a-f]{6})<\/id>/g),
    ].map((m) => m[1]!);
  }
  return out;
}

/**
 * A store whose first shared write (anything but the report's own page and entry) waits until
 * `release` is called: the moment another publisher can read, write and finish in between.
 */
function heldStore(inner: BlobStore, own: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held = false;
  let reached!: () => void;
  const reachedHold = new Promise<void>((r) => (reached = r));
  const store: BlobStore = {
    ...inner,
    async putText(key, body, type) {
      const mine = key.includes(own) || key.startsWith('rendered/');
      if (!mine && !held) {
        held = true;
        reached();
        await released;
      }
      return inner.putText(key, body, type);
    },
  };
  return { store, release, reachedHold };
}

describe('archive publishing', () => {
  it('two reports finishing at once in two workers both end up in every index and feed, whichever write lands last', async () => {
    const stack = await createTestStack();
    const blobs = s3BlobStore(s3, stack.config.bucket);
    const sites = sitesOf(stack);
    const first = await sentReport(blobs, 1, '2026-12-03T10:00:00.000Z');
    const second = await sentReport(blobs, 2, '2026-12-03T10:00:01.000Z');

    // The first publisher reads what is there, then stalls before its shared write; the second
    // publishes completely meanwhile; then the first writes what it read (now stale) and goes on.
    const held = heldStore(blobs, first.reportId);
    const slow = archivePublisher(held.store, sites).publish(first);
    await held.reachedHold;
    await expect(archivePublisher(blobs, sites).publish(second)).resolves.toBe('published');
    held.release();
    await expect(slow).resolves.toBe('published');

    const both = [second.reportId, first.reportId];
    expect(await published(blobs)).toEqual({
      'index ja': both,
      'feed ja': both,
      'index en': both,
      'feed en': both,
    });
  });

  it('many reports published at once all end up in the index, newest first', async () => {
    const stack = await createTestStack();
    const blobs = s3BlobStore(s3, stack.config.bucket);
    const sites = sitesOf(stack);
    const records = await Promise.all(
      Array.from({ length: 6 }, (_, i) => sentReport(blobs, i + 1, `2026-12-03T10:00:0${i}.000Z`)),
    );
    await Promise.all(records.map((r) => archivePublisher(blobs, sites).publish(r)));
    const newestFirst = records.map((r) => r.reportId).reverse();
    expect((await published(blobs))['index ja']).toEqual(newestFirst);
    expect((await published(blobs))['feed en']).toEqual(newestFirst);
  });

  it('keeps the back issues of the old single entries file, and a republished report replaces its entry', async () => {
    const stack = await createTestStack();
    const blobs = s3BlobStore(s3, stack.config.bucket);
    const sites = sitesOf(stack);
    const old = {
      id: 'p-0a0000',
      title: '昔の号',
      issueNumber: 7,
      issuedOn: '2025-01-01',
      sentAt: '2025-01-02T00:00:00.000Z',
    };
    await blobs.putText(archiveKeys.legacyEntries, JSON.stringify([old]), 'application/json');
    const record = await sentReport(blobs, 8, '2026-12-03T10:00:00.000Z');
    await archivePublisher(blobs, sites).publish(record);
    await archivePublisher(blobs, sites).publish({ ...record, title: '改題した号' });
    expect((await published(blobs))['index ja']).toEqual([record.reportId, 'p-0a0000']);
    const index = (await blobs.getText(archiveKeys.index('ja'))).replaceAll('<wbr>', '');
    expect(index).toContain('昔の号');
    expect(index).toContain('改題した号');
    expect(index).not.toContain('同時公開テスト 8');
    expect(await blobs.getText(archiveKeys.legacyEntries)).toBe(JSON.stringify([old]));
  });

  it('gives up with an error when the entries change after every write, instead of looping', async () => {
    const stack = await createTestStack();
    const blobs = s3BlobStore(s3, stack.config.bucket);
    const record = await sentReport(blobs, 1, '2026-12-03T10:00:00.000Z');
    let lists = 0;
    const churning: BlobStore = {
      ...blobs,
      list: async (prefix) => [
        ...(await blobs.list(prefix)),
        { key: `${prefix}ghost-${++lists}.json`, etag: `"${lists}"` },
      ],
    };
    await expect(archivePublisher(churning, sitesOf(stack)).publish(record)).rejects.toThrow(
      /still changing/,
    );
    expect(lists).toBe(6);
  });
});
