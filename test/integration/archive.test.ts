/// <reference lib="dom" />
/**
 * The web archive (issue 10, item 4): when the dispatcher finishes a report (SENT), its web version,
 * the index of back issues and the Atom feed are written under archive/ in each language and served
 * at /archive/, /archive/<id> and /feed.xml (Japanese) and /archive/en/, /archive/en/<id> and
 * /archive/en/feed.xml (English) — the same rendering as the email, no reader's token anywhere, each
 * page linking the other language. A report with "archive": false, and one never sent, are never
 * published. Render handler, dispatcher and archive function against DynamoDB Local, s3rver and the
 * SES emulator; the feeds parsed by chromium.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3 as leanS3 } from '../../functions/adapters/aws/s3.ts';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import { archiveSites } from '../../functions/archive/entries.ts';
import { isArchivePath, serveArchive } from '../../functions/archive/serve.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER } from '../../emails/types.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { ARCHIVE_RESERVED_IDS } from '../../functions/core/report.ts';
import { archivePublisher } from '../../functions/core/use-cases/publish-archive.ts';
import { putSubscribers, subscriber } from '../helpers/audience.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { dispatchRun, dispatchSetup, reportItem } from '../helpers/dispatch-setup.ts';
import { sentTo } from '../helpers/inbox.ts';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { uploadSample } from '../helpers/uploads.ts';

type Handler = typeof import('../../functions/render.ts')['handler'];
let stack: TestStack;
let render: Handler;
let browser: Browser;
let reader: string;
let englishReader: string;
const newId = () => `a-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler: render } = await import('../../functions/render.ts'));
  reader = stack.address('reader');
  englishReader = stack.address('reader-en');
  await putSubscribers(stack, [subscriber(reader), subscriber(englishReader, 'confirmed', 'en')]);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const upload = async (id: string, over: Record<string, unknown> = {}) => {
  await uploadSample(stack, render, id, over);
};

const blobs = () => s3BlobStore(leanS3, stack.config.bucket);
const sites = () =>
  archiveSites({
    publicBaseUrl: stack.config.publicBaseUrl,
    newsletterName: stack.config.newsletterName,
    senderName: stack.config.sender.name,
  });

async function send(): Promise<void> {
  const { deps, settings } = dispatchSetup(stack, { archive: archivePublisher(blobs(), sites()) });
  await dispatchDue(deps, settings, dispatchRun());
}

const get = (path: string) => serveArchive(blobs())(path, 'GET');

/** The feed as chromium's XML parser reads it: what RFC 4287 requires of a feed and its entries. */
async function parseAtom(xml: string) {
  const atom = await browser.newPage();
  try {
    return await atom.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      const NS = 'http://www.w3.org/2005/Atom';
      const feedEl = doc.documentElement;
      const one = (el: Element, name: string) => el.getElementsByTagNameNS(NS, name)[0]?.textContent ?? null;
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        root: `${feedEl.namespaceURI} ${feedEl.localName}`,
        feed: {
          lang: feedEl.getAttribute('xml:lang'),
          id: one(feedEl, 'id'),
          title: one(feedEl, 'title'),
          updated: one(feedEl, 'updated'),
          author: one(feedEl, 'name'),
        },
        entries: Array.from(feedEl.getElementsByTagNameNS(NS, 'entry')).map((e) => ({
          id: one(e, 'id'),
          title: one(e, 'title'),
          updated: one(e, 'updated'),
          links: Array.from(e.getElementsByTagNameNS(NS, 'link')).map((l) =>
            ['rel', 'type', 'hreflang', 'href'].map((a) => l.getAttribute(a)).join(' '),
          ),
        })),
      };
    }, xml);
  } finally {
    await atom.close();
  }
}

describe('web archive', () => {
  it('publishes a sent report in both languages: pages, indexes and valid Atom feeds, with no reader token anywhere', async () => {
    const id = newId();
    const base = stack.config.publicBaseUrl;
    await upload(id, { title: 'アーカイブ公開のテスト' });
    expect((await get(`/archive/${id}`)).statusCode).toBe(404); // scheduled, not sent: not public
    expect((await get(`/archive/en/${id}`)).statusCode).toBe(404);
    await send();
    const record = await reportItem(stack, id);
    expect(record?.status).toBe('SENT');
    const n = record!.issueNumber;

    // Japanese: the page, the index, the feed.
    const page = await get(`/archive/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/<html[^>]* lang="ja"/);
    expect(page.body).toContain('アーカイブ公開のテスト');
    expect(page.body).toContain(`第${n}号`);
    const index = await get('/archive/');
    expect(index.body).toContain(`href="${base}/archive/${id}"`);
    const feed = await get('/feed.xml');
    expect(feed.headers['Content-Type']).toBe('application/atom+xml; charset=utf-8');

    // English: the same report under English chrome, its own index and feed.
    const enPage = await get(`/archive/en/${id}`);
    expect(enPage.statusCode).toBe(200);
    expect(enPage.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(enPage.body).toMatch(/<html[^>]* lang="en"/);
    expect(enPage.body).toContain('アーカイブ公開のテスト');
    expect(enPage.body).toContain(`No. ${n}`);
    expect(enPage.body).toContain('This is the web version of');
    expect(enPage.body).not.toContain(`第${n}号`);
    expect((await get(`/archive/en/${id}.html`)).body).toBe(enPage.body);
    const enIndex = await get('/archive/en/');
    expect(enIndex.statusCode).toBe(200);
    expect(enIndex.body).toMatch(/<html[^>]* lang="en"/);
    expect(enIndex.body).toContain(`href="${base}/archive/en/${id}"`);
    expect(enIndex.body.replaceAll('<wbr>', '')).toContain(`No. ${n} アーカイブ公開のテスト`);
    expect((await get('/archive/en')).body).toBe(enIndex.body);
    const enFeed = await get('/archive/en/feed.xml');
    expect(enFeed.headers['Content-Type']).toBe('application/atom+xml; charset=utf-8');

    // Each page links the other language, visibly and as an hreflang alternate.
    for (const [body, here, there] of [
      [page.body, `${base}/archive/${id}`, `${base}/archive/en/${id}`],
      [enPage.body, `${base}/archive/en/${id}`, `${base}/archive/${id}`],
      [index.body, `${base}/archive`, `${base}/archive/en`],
      [enIndex.body, `${base}/archive/en`, `${base}/archive`],
    ] as const) {
      // React writes the attribute hrefLang; HTML attribute names are case-insensitive.
      const links = [...body.matchAll(/<link rel="alternate" hreflang="(ja|en)" href="([^"]+)"/gi)].map(
        (m) => `${m[1]} ${m[2]}`,
      );
      const [jaUrl, enUrl] = here.includes('/archive/en') ? [there, here] : [here, there];
      expect(links).toEqual([`ja ${jaUrl}`, `en ${enUrl}`]);
      const switches = [...body.matchAll(/<a [^>]*>/g)]
        .filter((a) => /hreflang="(ja|en)"/i.test(a[0]))
        .map((a) => /href="([^"]+)"/.exec(a[0])![1]);
      expect(switches).toEqual([there]);
    }
    expect(enPage.body).toContain('日本語');
    expect(page.body).toContain('English');

    // No reader's token, no unsubscribe link, no placeholder, in anything public.
    for (const body of [page.body, index.body, feed.body, enPage.body, enIndex.body, enFeed.body]) {
      expect(body).not.toContain(UNSUBSCRIBE_TOKEN_PLACEHOLDER);
      expect(body).not.toMatch(/token=|\/unsubscribe|\/confirm/);
    }

    // Each reader's email links to the page in their language.
    const mails = (await sentTo(reader)).filter((m) => m.subject.includes('アーカイブ公開のテスト'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.html).toContain(`href="${base}/archive/${id}"`);
    expect((mails[0]!.body.html ?? '').replaceAll('<wbr/>', '')).toContain('ブラウザで表示');
    const enMails = (await sentTo(englishReader)).filter((m) => m.subject.includes('アーカイブ公開のテスト'));
    expect(enMails).toHaveLength(1);
    expect(enMails[0]!.body.html).toContain(`href="${base}/archive/en/${id}"`);
    expect(enMails[0]!.body.html).toContain('View in your browser');

    // Valid Atom, in each language: well-formed XML in the Atom namespace with what RFC 4287 requires.
    for (const [xml, lang, feedId, pageUrl, otherUrl, title] of [
      [feed.body, 'ja', `${base}/archive`, `${base}/archive/${id}`, `${base}/archive/en/${id}`, `第${n}号`],
      [
        enFeed.body,
        'en',
        `${base}/archive/en`,
        `${base}/archive/en/${id}`,
        `${base}/archive/${id}`,
        `No. ${n}`,
      ],
    ] as const) {
      const parsed = await parseAtom(xml);
      expect(parsed.error).toBe(false);
      expect(parsed.root).toBe('http://www.w3.org/2005/Atom feed');
      expect(parsed.feed).toMatchObject({
        lang,
        id: feedId,
        title: stack.config.newsletterName,
        author: stack.config.sender.name,
      });
      expect(Number.isNaN(Date.parse(parsed.feed.updated!))).toBe(false);
      const entry = parsed.entries.find((e) => e.id === pageUrl);
      expect(entry).toMatchObject({
        title: `${title} アーカイブ公開のテスト`,
        links: [
          `alternate text/html ${lang} ${pageUrl}`,
          `alternate text/html ${lang === 'ja' ? 'en' : 'ja'} ${otherUrl}`,
        ],
      });
      expect(Number.isNaN(Date.parse(entry!.updated!))).toBe(false);
    }
  });

  it('refuses a report whose id is one of the archive names at upload; the publisher skips such an id too', async () => {
    for (const reserved of ARCHIVE_RESERVED_IDS) {
      await upload(reserved, { title: '名前の衝突' });
      const item = await reportItem(stack, reserved);
      expect(item?.status).toBe('REJECTED');
      expect(JSON.stringify(item)).toContain('$.id');
    }
    const other = newId();
    await upload(other, { title: '衝突しない号' });
    await send();
    const record = await reportItem(stack, other);
    expect(record?.status).toBe('SENT');
    // A record carrying such an id (written before the rule) is still never published over the index.
    expect(await archivePublisher(blobs(), sites()).publish({ ...record!, reportId: 'index' })).toBe(
      'reserved-id',
    );
    for (const path of ['/archive/', '/archive/en/']) {
      const index = await get(path);
      expect(index.body).toContain(other);
      expect(index.body).not.toContain('名前の衝突');
    }
    expect((await get('/archive/index')).statusCode).toBe(404);
    expect((await get('/archive/en/index')).statusCode).toBe(404);
    expect((await get('/feed.xml')).body).not.toContain('名前の衝突');
  });

  it('never publishes a report that opted out, nor one that was canceled before it was sent', async () => {
    const optedOut = newId();
    await upload(optedOut, { title: '非公開の号', archive: false });
    await send();
    expect((await reportItem(stack, optedOut))?.status).toBe('SENT');
    expect((await get(`/archive/${optedOut}`)).statusCode).toBe(404);
    expect((await get(`/archive/en/${optedOut}`)).statusCode).toBe(404);
    expect((await get('/feed.xml')).body).not.toContain(optedOut);
    expect((await get('/archive/en/feed.xml')).body).not.toContain(optedOut);
    expect((await get('/archive/')).body).not.toContain('非公開の号');
    expect((await get('/archive/en/')).body).not.toContain('非公開の号');
    const mail = (await sentTo(reader)).find((m) => m.subject.includes('非公開の号'));
    expect(mail!.body.html).not.toContain('/archive/');

    const canceled = newId();
    await upload(canceled, { title: '中止した号', sendAt: '2099-01-01T09:00:00+09:00' });
    const { deps } = dispatchSetup(stack);
    await deps.reports.changeStatus(canceled, ['SCHEDULED'], 'CANCELED', new Date());
    await send();
    expect((await get(`/archive/${canceled}`)).statusCode).toBe(404);
    expect((await get(`/archive/en/${canceled}`)).statusCode).toBe(404);
    expect((await get('/feed.xml')).body).not.toContain(canceled);
    expect((await get('/archive/en/feed.xml')).body).not.toContain(canceled);
  });

  it('answers only its own paths, with ids checked', async () => {
    for (const path of [
      '/archive/../secret',
      '/archive/UPPER',
      '/archive/a/b',
      '/feed.xml/x',
      '/archive/entries.json',
      '/archive/en/../secret',
      '/archive/en/UPPER',
      '/archive/en/a/b',
      '/archive/en/en',
      '/archive/en/index.html',
      '/archive/en/entries.json',
      '/archive/feed.xml',
      '/archive/english',
      '/archived',
      '/en/feed.xml',
    ]) {
      expect((await get(path)).statusCode).toBe(404);
    }
    expect((await serveArchive(blobs())('/archive/', 'POST')).statusCode).toBe(405);
    // The local runtime and the HTTP API send these to the archive function.
    for (const path of ['/archive', '/archive/en', '/archive/en/x', '/archive/en/feed.xml', '/feed.xml'])
      expect(isArchivePath(path)).toBe(true);
  });
});
