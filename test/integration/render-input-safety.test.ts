/**
 * Bad uploads against the emulators, through the real handlers: files that are not UTF-8, keys
 * written twice, names without an exact `.json`, and report text that quotes the unsubscribe
 * placeholder — rendered by the render function and sent by the dispatch function.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { MAX_UPLOAD_BYTES } from '../../functions/core/use-cases/accept-report.ts';
import { verifyUnsubscribeToken } from '../../functions/core/tokens.ts';
import { doc, putSubscribers, s3, subscriber } from '../helpers/audience.ts';
import { header, type SentEmail, sentTo } from '../helpers/inbox.ts';
import { fixture } from '../helpers/ses-events.ts';
import { s3ObjectEvent } from '../helpers/uploads.ts';
import { createTestStack, type TestStack, testSecret, useStackEnv } from '../helpers/stack.ts';

type Handler = typeof import('../../functions/render.ts')['handler'];
let stack: TestStack;
let render: Handler;
let editor: string;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler: render } = await import('../../functions/render.ts'));
  editor = stack.config.editors[0]!;
});

const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
);
const newId = () => `safe-${randomBytes(4).toString('hex')}`;
const store = () => dynamoReportStore(doc, stack.env.REPORTS_TABLE!);

async function upload(key: string, body: Uint8Array | string, size = Buffer.byteLength(body)) {
  await s3.send(new PutObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: key, Body: body }));
  return (await render(s3ObjectEvent(stack.env.UPLOAD_BUCKET!, key, { size }))).results;
}
const noticesAbout = async (needle: string): Promise<SentEmail[]> =>
  (await sentTo(editor)).filter((m) => m.subject.includes(needle) || (m.body.text ?? '').includes(needle));

/**
 * A report whose only non-ASCII text is its title, given as bytes: the whole file is then in the
 * title's encoding, as a file saved by an editor in that encoding is.
 */
function withTitleBytes(id: string, title: Buffer): Buffer {
  const ascii = {
    id,
    title: '@@TITLE@@',
    issuedOn: '2026-11-26',
    body: [{ type: 'paragraph', text: 'Body text.' }],
  };
  const [before, after] = JSON.stringify(ascii, null, 2).split('@@TITLE@@');
  return Buffer.concat([Buffer.from(before!), title, Buffer.from(after!)]);
}

describe('an upload that is not UTF-8', () => {
  it.each([
    ['Shift_JIS', () => withTitleBytes('x', Buffer.from('90c68ee390ab82cc95f18d90', 'hex')), 'Shift_JIS'],
    ['EUC-JP', () => withTitleBytes('x', Buffer.from('c0c8bce5c0ada4cecaf3b9f0', 'hex')), 'EUC-JP'],
    [
      'UTF-16 LE without a BOM',
      () => Buffer.from(JSON.stringify({ ...sample, id: 'x' }), 'utf16le'),
      'UTF-16 LE',
    ],
    [
      'UTF-16 BE with a BOM',
      () =>
        Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(JSON.stringify(sample), 'utf16le').swap16()]),
      'UTF-16 BE',
    ],
    ['Latin-1', () => withTitleBytes('x', Buffer.from('Caf\xe9 d\xe9j\xe0 vu', 'latin1')), 'Latin-1'],
  ])(
    '%s: REJECTED before anything is rendered, and the notice names the encoding',
    async (_, bytes, name) => {
      const id = newId();
      const results = await upload(`reports/${id}.json`, bytes());
      expect(results).toEqual([
        expect.objectContaining({ kind: 'rejected', reportId: id, recorded: true, issues: 1 }),
      ]);
      const item = (await store().get(id))!;
      expect(item.status).toBe('REJECTED');
      expect(item.renderedKey).toBeUndefined();
      expect(item.errors![0]!.message).toContain(`おそらく ${name}`);
      const [notice] = await noticesAbout(id);
      expect(notice!.body.text).toContain(`おそらく ${name}`);
      expect(notice!.body.text).toContain('UTF-8 で保存し直してください');
    },
  );

  it('an overlong UTF-8 sequence is damaged UTF-8, with its line', async () => {
    const id = newId();
    await upload(`reports/${id}.json`, withTitleBytes(id, Buffer.from([0x41, 0xc0, 0xaf, 0x42])));
    const item = (await store().get(id))!;
    expect(item.status).toBe('REJECTED');
    expect(item.errors).toEqual([
      expect.objectContaining({
        path: '$',
        line: 3,
        message: expect.stringContaining('UTF-8 として壊れています（3行目 14列目'),
      }),
    ]);
  });

  it('a UTF-8 BOM is fine', async () => {
    const id = newId();
    const results = await upload(`reports/${id}.json`, `\uFEFF${JSON.stringify({ ...sample, id })}`);
    expect(results).toEqual([expect.objectContaining({ kind: 'scheduled', reportId: id })]);
  });
});

describe('an upload with a key written twice', () => {
  it('is REJECTED with the path and line; the last value does not silently win', async () => {
    const id = newId();
    const text = JSON.stringify({ ...sample, id }, null, 2).replace(
      '"issuedOn"',
      '"title": "後から書いた件名",\n  "issuedOn"',
    );
    await upload(`reports/${id}.json`, text);
    const item = (await store().get(id))!;
    expect(item.status).toBe('REJECTED');
    expect(item.errors).toEqual([expect.objectContaining({ path: '$.title', line: 5, column: 3 })]);
    const [notice] = await noticesAbout(id);
    expect(notice!.body.text).toContain(`$.title: ${item.errors![0]!.message}（5行目 3列目）`);
  });
});

describe('an upload whose name does not end exactly in .json', () => {
  it.each([
    ['upper case', (id: string) => `reports/${id}.JSON`, (id: string) => `reports/${id}.json`],
    ['mixed case', (id: string) => `drafts/${id}.Json`, (id: string) => `drafts/${id}.json`],
    ['a hidden .txt', (id: string) => `reports/${id}.json.txt`, (id: string) => `reports/${id}.json`],
    ['no suffix', (id: string) => `reports/${id}`, () => 'reports/<id>.json'],
    ['a trailing space', (id: string) => `reports/${id}.json `, (id: string) => `reports/${id}.json`],
  ])(
    '%s: the editors get a rejection notice naming the right name; nothing is recorded',
    async (_, keyOf, rightOf) => {
      const id = newId();
      const key = keyOf(id);
      const results = await upload(key, JSON.stringify({ ...sample, id }));
      expect(results).toEqual([
        expect.objectContaining({ kind: 'rejected', key, reportId: null, recorded: false }),
      ]);
      expect(await store().get(id)).toBeNull();
      const notices = await noticesAbout(key);
      expect(notices).toHaveLength(1);
      expect(notices[0]!.subject).toContain('差し戻し');
      expect(notices[0]!.body.text).toContain(`「${rightOf(id)}」という名前でアップロードし直してください`);
    },
  );

  it('a name with a bidi override, a line separator or a C1 control reaches the notice Subject without them', async () => {
    const tag = randomBytes(3).toString('hex');
    const key = `drafts/${tag}\u202Enosj\u2028\u0085.JSON`;
    expect(await upload(key, '{}')).toEqual([expect.objectContaining({ kind: 'rejected', key })]);
    const [notice] = (await sentTo(editor)).filter((m) => m.subject.includes(tag));
    expect(notice).toBeDefined();
    expect(notice!.subject).not.toMatch(/[\u0085\u2028\u202e]/u);
  });

  it('an object far larger than any report is refused unread, with a notice', async () => {
    const id = newId();
    const key = `reports/${id}.json`;
    const results = await upload(key, JSON.stringify({ ...sample, id }), MAX_UPLOAD_BYTES + 1);
    expect(results).toEqual([expect.objectContaining({ kind: 'rejected', key, recorded: false })]);
    expect(await store().get(id)).toBeNull();
    const [notice] = await noticesAbout(id);
    expect(notice!.body.text).toContain(
      'ファイルが大きすぎるため読み込んでいません(16.0 MiB。報告は 16 MiB まで)',
    );
  });

  it('a folder made in the S3 console (a key ending in /) is not a report and gets no notice', async () => {
    const id = newId();
    expect(await upload(`reports/${id}/`, '')).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    expect(await noticesAbout(id)).toEqual([]);
  });
});

describe('report text quoting the unsubscribe placeholder', () => {
  it("reaches readers as the plain text it is: only the template's link carries their token", async () => {
    const dispatch = (await import('../../functions/dispatch.ts')).handler;
    const readers = [
      subscriber(stack.address('quote-ja')),
      subscriber(stack.address('quote-en'), 'confirmed', 'en'),
    ];
    await putSubscribers(stack, readers);
    const id = newId();
    const old = 'KAWARABAN_UNSUBSCRIBE_TOKEN';
    const link = `${stack.config.publicBaseUrl}/unsubscribe?token=${old}`;
    const report = {
      ...sample,
      id,
      sendAt: undefined,
      title: `件名にも ${old}`,
      body: [{ type: 'paragraph', text: `本文に ${old} と ${link}` }, ...sample.body.slice(1)],
      notes: [`注記の ${old}`],
    };
    expect(await upload(`reports/${id}.json`, JSON.stringify(report))).toEqual([
      expect.objectContaining({ kind: 'scheduled' }),
    ]);
    const summary = await dispatch(fixture('eventbridge-scheduled-event__lambda-docs.json') as never);
    expect(summary.reports).toEqual(
      expect.arrayContaining([expect.objectContaining({ reportId: id, outcome: 'sent', sent: 2 })]),
    );

    const key = Buffer.from(testSecret);
    for (const r of readers) {
      const [mail] = (await sentTo(r.email)).filter((m) => m.subject.includes(id) || m.subject.includes(old));
      expect(mail).toBeDefined();
      const token = /unsubscribe\?token=([A-Za-z0-9_-]+)>/.exec(header(mail!, 'List-Unsubscribe') ?? '')?.[1];
      expect(verifyUnsubscribeToken(key, token)).toBe(r.id);
      // The report's own words arrive as written, in Subject, HTML and text…
      expect(mail!.subject).toContain(`件名にも ${old}`);
      // Read as text: the <wbr> BudouX puts between Japanese phrases is not part of the words.
      for (const part of [mail!.body.html!.replaceAll('<wbr/>', ''), mail!.body.text!]) {
        expect(part).toContain(`本文に ${old}`);
        expect(part).toContain(`注記の ${old}`);
        // …and the reader's token appears only where the template put the unsubscribe link.
        expect(part.split(token!).length - 1).toBe(1);
        expect(part).toContain(`${stack.config.publicBaseUrl}/unsubscribe?token=${token}`);
      }
      expect(mail!.body.text).toContain(link);
    }
  });
});
