/**
 * The render function against the emulators: uploads go into s3rver, the S3 event is the real
 * sample with this upload's bucket, key (URL-encoded, as S3 sends it), ETag and sequencer;
 * notices and proofs are read back from the SES emulator.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, testSecret, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { sentTo, type SentEmail } from '../helpers/inbox.ts';
import { doc, ledgerRows, putSubscribers, subscriber } from '../helpers/audience.ts';
import { putUpload, s3ObjectEvent } from '../helpers/uploads.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { s3 as leanS3 } from '../../functions/adapters/aws/s3.ts';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import type { RenderedReport, ReportStatus } from '../../functions/core/report.ts';
import { verifyUnsubscribeToken } from '../../functions/core/tokens.ts';
import { PROOF_TOKEN } from '../../functions/core/use-cases/accept-report.ts';
import { parseReport } from '../../functions/core/report-parse.ts';

type Handler = typeof import('../../functions/render.ts')['handler'];
let stack: TestStack;
let handler: Handler;
let editor: string;
const confirmed = 3;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler } = await import('../../functions/render.ts'));
  editor = stack.config.editors[0]!;
  await putSubscribers(stack, [
    ...Array.from({ length: confirmed }, () => subscriber(stack.address('reader'))),
    subscriber(stack.address('pending'), 'pending'),
  ]);
});

const examples = join(import.meta.dirname, '../../examples');
const sample = JSON.parse(readFileSync(join(examples, 'sample-report.json'), 'utf8')) as Record<
  string,
  unknown
>;
const invalidSample = readFileSync(join(examples, 'invalid-report.json'), 'utf8');
const newId = () => `t-${randomBytes(4).toString('hex')}`;
const reportJson = (id: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({ ...sample, id, ...over }, null, 2);

/** Puts the object and returns the S3 event real S3 would send for it. */
async function upload(key: string, body: string, opts: { bucket?: string } = {}) {
  await putUpload(stack, key, body);
  return s3Event(key, opts.bucket);
}
const s3Event = (key: string, bucket = stack.env.UPLOAD_BUCKET!, eventName = 'ObjectCreated:Put') =>
  s3ObjectEvent(bucket, key, { eventName });

const store = () => dynamoReportStore(doc, stack.env.REPORTS_TABLE!);
/** Editor notices about one key or report id (the editor address is shared by this file's tests). */
const noticesAbout = async (needle: string): Promise<SentEmail[]> =>
  (await sentTo(editor)).filter((m) => m.subject.includes(needle) || (m.body.text ?? '').includes(needle));

async function setStatus(reportId: string, status: ReportStatus) {
  await doc.update({
    TableName: stack.env.REPORTS_TABLE,
    Key: { reportId, item: 'report' },
    UpdateExpression: 'SET #s = :s',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': status },
  });
}

describe('render: accepting a report', () => {
  it('renders once per locale, stores the output, schedules it and tells the editors', async () => {
    const id = newId();
    const { results } = await handler(await upload(`reports/${id}.json`, reportJson(id)));

    expect(results).toEqual([
      expect.objectContaining({ kind: 'scheduled', reportId: id, audience: confirmed }),
    ]);
    const item = (await store().get(id))!;
    expect(item).toMatchObject({
      status: 'SCHEDULED',
      title: sample.title,
      issuedOn: sample.issuedOn,
      // "2020-09-18T09:00:00+09:00", stored as UTC so the index sorts it as time.
      sendAt: '2020-09-18T00:00:00.000Z',
      sourceKey: `reports/${id}.json`,
      counts: { audience: confirmed, sent: 0, delivered: 0, bounced: 0, complained: 0, failed: 0 },
    });
    expect(item.renderedKey).toBe(`rendered/${id}/${item.contentHash}.json`);
    const rendered = JSON.parse(
      await s3BlobStore(leanS3, stack.env.UPLOAD_BUCKET!).getText(item.renderedKey!),
    ) as RenderedReport;
    // A fresh random stand-in per render: 128 bits no report text can contain.
    expect(rendered.placeholder).toMatch(/^KAWARABAN_UNSUBSCRIBE_[0-9a-f]{32}$/);
    for (const locale of ['ja', 'en'] as const) {
      const part = rendered.locales[locale];
      expect(part.subject).toContain(String(sample.title));
      expect(part.html).toContain(`${stack.config.publicBaseUrl}/unsubscribe?token=${rendered.placeholder}`);
      expect(part.text).toContain(`${stack.config.publicBaseUrl}/unsubscribe?token=${rendered.placeholder}`);
      expect(part.text).toContain(stack.config.sender.postalAddress);
    }
    expect(rendered.locales.ja.html).not.toBe(rendered.locales.en.html);

    const [notice, ...more] = await noticesAbout(id);
    expect(more).toEqual([]);
    expect(notice!.subject).toContain('受付完了');
    expect(notice!.body.text).toContain('配信対象: 3名');
    expect(await ledgerRows(stack, id)).toEqual([]);
  });

  it('schedules a report without sendAt for now', async () => {
    const id = newId();
    const { sendAt: _drop, ...noSendAt } = sample;
    const before = Date.now();
    await handler(await upload(`reports/${id}.json`, JSON.stringify({ ...noSendAt, id })));
    const sendAt = Date.parse((await store().get(id))!.sendAt!);
    expect(sendAt).toBeGreaterThanOrEqual(before - 1);
    expect(sendAt).toBeLessThanOrEqual(Date.now());
  });

  it('does nothing more when the same S3 event arrives twice', async () => {
    const id = newId();
    const event = await upload(`reports/${id}.json`, reportJson(id));
    await handler(event);
    const first = await store().get(id);
    const again = await handler(event);
    expect(again.results).toEqual([{ kind: 'duplicate', key: `reports/${id}.json` }]);
    expect(await store().get(id)).toEqual(first);
    expect(await noticesAbout(id)).toHaveLength(1);
  });

  it('replaces an unsent report with a re-upload', async () => {
    const id = newId();
    await handler(await upload(`reports/${id}.json`, reportJson(id)));
    const first = (await store().get(id))!;
    await handler(await upload(`reports/${id}.json`, reportJson(id, { title: '差し替え後のタイトル' })));
    const second = (await store().get(id))!;
    expect(second).toMatchObject({
      status: 'SCHEDULED',
      title: '差し替え後のタイトル',
      createdAt: first.createdAt,
    });
    expect(second.contentHash).not.toBe(first.contentHash);
    expect(second.renderedKey).not.toBe(first.renderedKey);
    expect(await noticesAbout(id)).toHaveLength(2);
  });

  for (const status of ['SENDING', 'PAUSED', 'SENT'] as const) {
    it(`refuses to replace a report that is ${status}, and says so`, async () => {
      const id = newId();
      await handler(await upload(`reports/${id}.json`, reportJson(id)));
      await setStatus(id, status);
      const before = await store().get(id);

      const { results } = await handler(
        await upload(`reports/${id}.json`, reportJson(id, { title: '変更' })),
      );

      expect(results).toEqual([expect.objectContaining({ kind: 'rejected', reportId: id, recorded: false })]);
      expect(await store().get(id)).toEqual(before);
      const notices = await noticesAbout(id);
      expect(notices).toHaveLength(2);
      const rejected = notices.find((m) => m.subject.includes('差し戻し'))!;
      expect(rejected.body.text).toContain(`$.id: 報告「${id}」はすでに`);
      expect(rejected.body.text).toContain(`(${status})`);
    });
  }

  it('replaces a report canceled before it started', async () => {
    const id = newId();
    await handler(await upload(`reports/${id}.json`, reportJson(id)));
    await setStatus(id, 'CANCELED');
    const { results } = await handler(
      await upload(`reports/${id}.json`, reportJson(id, { title: '出し直し' })),
    );
    expect(results).toEqual([expect.objectContaining({ kind: 'scheduled', reportId: id })]);
    expect(await store().get(id)).toMatchObject({ status: 'SCHEDULED', title: '出し直し' });
  });

  it('refuses to replace a report canceled after sending began, in the editor notice and in either order of a retry', async () => {
    const id = newId();
    await handler(await upload(`reports/${id}.json`, reportJson(id)));
    await setStatus(id, 'CANCELED');
    await doc.update({
      TableName: stack.env.REPORTS_TABLE,
      Key: { reportId: id, item: 'report' },
      UpdateExpression: 'SET startedAt = :t, sent = :n',
      ExpressionAttributeValues: { ':t': '2030-04-01T00:00:00.000Z', ':n': 40 },
    });
    const before = await store().get(id);

    const valid = await handler(await upload(`reports/${id}.json`, reportJson(id, { title: '訂正版' })));
    // An invalid file must not turn it into a REJECTED report that a later upload could replace.
    const invalid = await handler(await upload(`reports/${id}.json`, '{ "id": '));

    expect(valid.results).toEqual([
      expect.objectContaining({ kind: 'rejected', reportId: id, recorded: false }),
    ]);
    expect(invalid.results).toEqual([expect.objectContaining({ kind: 'rejected', recorded: false })]);
    expect(await store().get(id)).toEqual(before);
    const rejected = (await noticesAbout(id)).filter((m) => m.subject.includes('差し戻し'));
    expect(rejected.map((m) => m.body.text).join('\n')).toContain(
      `報告「${id}」は送信開始後に取り消されたため、差し替えできません`,
    );
  });
});

describe('render: rejecting an upload', () => {
  /** The notice lists every `path: reason` of the file's problems. */
  async function expectRejectedNotice(needle: string, issues: { path: string; message: string }[]) {
    const notices = await noticesAbout(needle);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toContain('差し戻し');
    for (const i of issues) expect(notices[0]!.body.text).toContain(`${i.path}: ${i.message}`);
  }

  it('records a file that is not JSON as REJECTED, with the line and column', async () => {
    const id = newId();
    const body = '{\n  "id": "x",\n  "title": \n}';
    const { results } = await handler(await upload(`reports/${id}.json`, body));
    expect(results).toEqual([expect.objectContaining({ kind: 'rejected', reportId: id, recorded: true })]);
    const item = (await store().get(id))!;
    expect(item.status).toBe('REJECTED');
    expect(item.sendAt).toBeUndefined();
    const parsed = parseReport(body);
    expect(parsed.ok).toBe(false);
    expect(item.errors).toEqual(!parsed.ok && parsed.issues);
    await expectRejectedNotice(id, item.errors!);
  });

  it('lists every schema problem of an invalid report', async () => {
    const id = newId();
    const { results } = await handler(await upload(`reports/${id}.json`, invalidSample));
    const item = (await store().get(id))!;
    expect(item.status).toBe('REJECTED');
    const parsed = parseReport(invalidSample);
    if (parsed.ok) throw new Error('the invalid example must be invalid');
    // The schema's problems, plus the id that does not match the file name.
    expect(item.errors).toEqual(expect.arrayContaining(parsed.issues));
    expect(results[0]).toMatchObject({ kind: 'rejected', issues: item.errors!.length });
    expect(item.errors!.length).toBeGreaterThan(5);
    await expectRejectedNotice(id, item.errors!);
  });

  it('rejects a report whose id is not its file name', async () => {
    const fileId = newId();
    const innerId = newId();
    await handler(await upload(`reports/${fileId}.json`, reportJson(innerId)));
    const item = (await store().get(fileId))!;
    expect(item.status).toBe('REJECTED');
    expect(item.errors).toEqual([
      {
        path: '$.id',
        message: `id「${innerId}」がファイル名「${fileId}.json」と一致しません。ファイル名は「${innerId}.json」にしてください`,
      },
    ]);
    expect(await store().get(innerId)).toBeNull();
    await expectRejectedNotice(fileId, item.errors!);
  });

  it('rejects a file name that cannot be an id (the key arrives URL-encoded), recording nothing', async () => {
    const name = `Bad Name ${randomBytes(3).toString('hex')}`;
    const { results } = await handler(await upload(`reports/${name}.json`, reportJson('bad-name')));
    expect(results).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        reportId: null,
        recorded: false,
        key: `reports/${name}.json`,
      }),
    ]);
    await expectRejectedNotice(name, [
      { path: '$', message: `ファイル名「${name}.json」は報告の id として使えません` },
    ]);
  });

  it('rejects a file in a sub-folder', async () => {
    const id = newId();
    const { results } = await handler(await upload(`reports/2030/${id}.json`, reportJson(id)));
    expect(results).toEqual([expect.objectContaining({ kind: 'rejected', reportId: null })]);
    expect(await store().get(id)).toBeNull();
    await expectRejectedNotice(`reports/2030/${id}.json`, [
      { path: '$', message: 'ファイルは reports/ の直下に置いてください' },
    ]);
  });

  it('never turns a sent report into REJECTED', async () => {
    const id = newId();
    await handler(await upload(`reports/${id}.json`, reportJson(id)));
    await setStatus(id, 'SENT');
    const before = await store().get(id);
    const { results } = await handler(await upload(`reports/${id}.json`, '{"id": '));
    expect(results).toEqual([expect.objectContaining({ kind: 'rejected', reportId: id, recorded: false })]);
    expect(await store().get(id)).toEqual(before);
  });

  it('ignores other prefixes, folder markers, other buckets and deletions', async () => {
    const id = newId();
    const events = [
      await upload(`rendered/${id}/x.json`, reportJson(id)),
      await upload(`other/${id}.json`, reportJson(id)),
      await upload(`reports${id}.json`, reportJson(id)),
      await upload(`reports/${id}/`, ''),
      s3Event(`reports/${id}.json`, 'someone-elses-bucket'),
      s3Event(`reports/${id}.json`, stack.env.UPLOAD_BUCKET, 'ObjectRemoved:Delete'),
    ];
    for (const e of events) {
      const { results } = await handler(e);
      expect(results).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    }
    expect(await store().get(id)).toBeNull();
    expect(await noticesAbout(id)).toEqual([]);
  });
});

describe('render: drafts', () => {
  it('mails a proof to the editors only, with a dead unsubscribe link, and records nothing', async () => {
    const id = newId();
    const { results } = await handler(
      await upload(`drafts/${id}.json`, reportJson(id, { title: `校正テスト ${id}` })),
    );
    expect(results).toEqual([{ kind: 'proof', key: `drafts/${id}.json`, reportId: id, editors: 1 }]);
    const [proof, ...more] = await noticesAbout(id);
    expect(more).toEqual([]);
    expect(proof!.subject).toContain('校正刷り');
    expect(proof!.body.html).toContain(`unsubscribe?token=${PROOF_TOKEN}`);
    expect(`${proof!.body.html}${proof!.body.text}`).not.toContain('KAWARABAN_UNSUBSCRIBE_TOKEN');
    expect(verifyUnsubscribeToken(Buffer.from(testSecret), PROOF_TOKEN)).toBeNull();
    expect(await store().get(id)).toBeNull();
  });

  it('sends a rejected notice for an invalid draft and leaves the report of that id alone', async () => {
    const id = newId();
    await handler(await upload(`reports/${id}.json`, reportJson(id)));
    const before = await store().get(id);
    const { results } = await handler(await upload(`drafts/${id}.json`, invalidSample));
    expect(results).toEqual([expect.objectContaining({ kind: 'rejected', reportId: id, recorded: false })]);
    expect(await store().get(id)).toEqual(before);
    expect((await noticesAbout(`drafts/${id}.json`)).map((m) => m.subject.includes('差し戻し'))).toEqual([
      true,
    ]);
  });
});

describe('render: races', () => {
  it('ignores an event whose object was deleted before it could be read', async () => {
    const id = newId();
    const { results } = await handler(s3Event(`reports/${id}.json`));
    expect(results).toEqual([
      expect.objectContaining({ kind: 'ignored', reason: 'deleted before it was read' }),
    ]);
    expect(await noticesAbout(id)).toEqual([]);
  });

  it('refuses the upload when the dispatcher starts the report between the check and the write', async () => {
    const { acceptReport } = await import('../../functions/core/use-cases/accept-report.ts');
    const { renderReportEmail } = await import('../../emails/render.ts');
    const { dynamoAudience } = await import('../../functions/adapters/dynamo-audience.ts');
    const { dynamoUploadReceipts } = await import('../../functions/adapters/dynamo-upload-receipts.ts');
    const { editorNotifier, newsletterContext } = await import('../../functions/adapters/editor-notifier.ts');
    const { sesMailer } = await import('../../functions/adapters/ses-mailer.ts');
    const { sesv2 } = await import('../../functions/adapters/aws/sesv2.ts');
    const id = newId();
    await handler(await upload(`reports/${id}.json`, reportJson(id)));
    const before = await store().get(id);
    // The dispatcher takes the lease right after the render function read SCHEDULED.
    const racing = { ...store(), replace: async () => ({ ok: false as const, status: 'SENDING' as const }) };
    const mailer = sesMailer(sesv2, { from: stack.config.from });
    await upload(`reports/${id}.json`, reportJson(id, { title: '直前の差し替え' }));

    const outcome = await acceptReport(
      {
        bucket: stack.config.bucket,
        blobs: s3BlobStore(leanS3, stack.config.bucket),
        reports: racing,
        audience: dynamoAudience(doc, stack.config.tables.subscribers),
        renderer: {
          render: (r, l, o) => renderReportEmail(r, newsletterContext(stack.config), l, o),
          renderWeb: async () => '',
        },
        issueNumbers: { next: async () => 999 },
        notifier: editorNotifier(mailer, stack.config),
        mailer,
        editors: stack.config.editors,
        receipts: dynamoUploadReceipts(doc, stack.config.tables.reports),
        clock: { now: () => new Date() },
        lang: 'ja',
      },
      { bucket: stack.config.bucket, key: `reports/${id}.json`, sequencer: 'race', eTag: 'race' },
    );

    expect(outcome).toMatchObject({ kind: 'rejected', reportId: id, recorded: false });
    expect(await store().get(id)).toEqual(before);
    const rejected = (await noticesAbout(id)).filter((m) => m.subject.includes('差し戻し'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.body.text).toContain('(SENDING)');
  });
});
