/// <reference lib="dom" />
/**
 * The web archive (issue 10, item 4): when the dispatcher finishes a report (SENT), its web version,
 * the index of back issues and the Atom feed are written under archive/ and served at /archive/,
 * /archive/<id> and /feed.xml — the same rendering as the email, no reader's token anywhere. A report
 * with "archive": false, and one never sent, are never published. Render handler, dispatcher and
 * archive function against DynamoDB Local, s3rver and the SES emulator; the feed parsed by chromium.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import { archiveSite } from '../../functions/archive/entries.ts';
import { serveArchive } from '../../functions/archive/serve.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER } from '../../emails/types.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import { archivePublisher } from '../../functions/core/use-cases/publish-archive.ts';
import { putSubscribers, s3, subscriber } from '../helpers/audience.ts';
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
const newId = () => `a-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler: render } = await import('../../functions/render.ts'));
  reader = stack.address('reader');
  await putSubscribers(stack, [subscriber(reader)]);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const upload = async (id: string, over: Record<string, unknown> = {}) => {
  await uploadSample(stack, render, id, over);
};

const blobs = () => s3BlobStore(s3, stack.config.bucket);
const site = () =>
  archiveSite({
    publicBaseUrl: stack.config.publicBaseUrl,
    newsletterName: stack.config.newsletterName,
    senderName: stack.config.sender.name,
    locale: 'ja',
  });

async function send(): Promise<void> {
  const { deps, settings } = dispatchSetup(stack, { archive: archivePublisher(blobs(), site()) });
  await dispatchDue(deps, settings, dispatchRun());
}

const get = (path: string) => serveArchive(blobs())(path, 'GET');

describe('web archive', () => {
  it('publishes a sent report: its page, the index and a valid Atom feed, with no reader token anywhere', async () => {
    const id = newId();
    await upload(id, { title: 'アーカイブ公開のテスト' });
    expect((await get(`/archive/${id}`)).statusCode).toBe(404); // scheduled, not sent: not public
    await send();
    const record = await reportItem(stack, id);
    expect(record?.status).toBe('SENT');

    const page = await get(`/archive/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('アーカイブ公開のテスト');
    expect(page.body).toContain(`第${record!.issueNumber}号`);
    const index = await get('/archive/');
    expect(index.body).toContain(`href="${stack.config.publicBaseUrl}/archive/${id}"`);
    const feed = await get('/feed.xml');
    expect(feed.headers['Content-Type']).toBe('application/atom+xml; charset=utf-8');

    // No reader's token, no unsubscribe link, no placeholder, in anything public.
    for (const body of [page.body, index.body, feed.body]) {
      expect(body).not.toContain(UNSUBSCRIBE_TOKEN_PLACEHOLDER);
      expect(body).not.toMatch(/token=|\/unsubscribe|\/confirm/);
    }

    // The reader's email links to that page.
    const mails = (await sentTo(reader)).filter((m) => m.subject.includes('アーカイブ公開のテスト'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.html).toContain(`href="${stack.config.publicBaseUrl}/archive/${id}"`);
    expect((mails[0]!.body.html ?? '').replaceAll('<wbr/>', '')).toContain('ブラウザで表示');

    // Valid Atom: well-formed XML in the Atom namespace with what RFC 4287 requires.
    const atom = await browser.newPage();
    try {
      const parsed = await atom.evaluate((xml) => {
        const doc = new DOMParser().parseFromString(xml, 'application/xml');
        const NS = 'http://www.w3.org/2005/Atom';
        const feedEl = doc.documentElement;
        const one = (el: Element, name: string) =>
          el.getElementsByTagNameNS(NS, name)[0]?.textContent ?? null;
        return {
          error: doc.getElementsByTagName('parsererror').length > 0,
          root: `${feedEl.namespaceURI} ${feedEl.localName}`,
          feed: {
            id: one(feedEl, 'id'),
            title: one(feedEl, 'title'),
            updated: one(feedEl, 'updated'),
            author: one(feedEl, 'name'),
          },
          entries: Array.from(feedEl.getElementsByTagNameNS(NS, 'entry')).map((e) => ({
            id: one(e, 'id'),
            title: one(e, 'title'),
            updated: one(e, 'updated'),
            link: e.getElementsByTagNameNS(NS, 'link')[0]?.getAttribute('href') ?? null,
          })),
        };
      }, feed.body);
      expect(parsed.error).toBe(false);
      expect(parsed.root).toBe('http://www.w3.org/2005/Atom feed');
      expect(parsed.feed).toMatchObject({
        id: `${stack.config.publicBaseUrl}/archive`,
        title: stack.config.newsletterName,
        author: stack.config.sender.name,
      });
      expect(Number.isNaN(Date.parse(parsed.feed.updated!))).toBe(false);
      const entry = parsed.entries.find((e) => e.id === `${stack.config.publicBaseUrl}/archive/${id}`);
      expect(entry).toMatchObject({
        title: `第${record!.issueNumber}号 アーカイブ公開のテスト`,
        link: `${stack.config.publicBaseUrl}/archive/${id}`,
      });
      expect(Number.isNaN(Date.parse(entry!.updated!))).toBe(false);
    } finally {
      await atom.close();
    }
  });

  it('never publishes a report that opted out, nor one that was canceled before it was sent', async () => {
    const optedOut = newId();
    await upload(optedOut, { title: '非公開の号', archive: false });
    await send();
    expect((await reportItem(stack, optedOut))?.status).toBe('SENT');
    expect((await get(`/archive/${optedOut}`)).statusCode).toBe(404);
    expect((await get('/feed.xml')).body).not.toContain(optedOut);
    expect((await get('/archive/')).body).not.toContain('非公開の号');
    const mail = (await sentTo(reader)).find((m) => m.subject.includes('非公開の号'));
    expect(mail!.body.html).not.toContain('/archive/');

    const canceled = newId();
    await upload(canceled, { title: '中止した号', sendAt: '2099-01-01T09:00:00+09:00' });
    const { deps } = dispatchSetup(stack);
    await deps.reports.changeStatus(canceled, ['SCHEDULED'], 'CANCELED', new Date());
    await send();
    expect((await get(`/archive/${canceled}`)).statusCode).toBe(404);
    expect((await get('/feed.xml')).body).not.toContain(canceled);
  });

  it('answers only its own paths, with ids checked', async () => {
    for (const path of [
      '/archive/../secret',
      '/archive/UPPER',
      '/archive/a/b',
      '/feed.xml/x',
      '/archive/entries.json',
    ]) {
      expect((await get(path)).statusCode).toBe(404);
    }
    expect((await serveArchive(blobs())('/archive/', 'POST')).statusCode).toBe(405);
  });
});
