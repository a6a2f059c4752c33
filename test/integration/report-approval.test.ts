/**
 * Two-person approval (APPROVAL_REQUIRED=true, `-c approval=true` on AWS), end to end against
 * the emulators: `report upload` by one editor, the render function (fed the S3 events the local
 * runtime makes, identity and all), `report status`, `report approve` by the same and by a
 * second editor, and the dispatcher's due query. Plus the AWS path: the S3 event's principal
 * decides, whatever name an object's metadata claims.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { EDITOR_METADATA } from '../../functions/core/report.ts';
import { editorFromMetadata, s3EventsToRender } from '../../local/s3-events.ts';
import { doc, s3 } from '../helpers/audience.ts';
import { runCli } from '../helpers/cli.ts';
import { sentTo } from '../helpers/inbox.ts';
import { fixture } from '../helpers/ses-events.ts';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let main: (argv: string[]) => Promise<number>;
let render: (event: S3Event) => Promise<{ results: { kind: string; reason?: string }[] }>;
const work = mkdtempSync(join(tmpdir(), 'kawaraban-approval-'));
const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
);

beforeAll(async () => {
  process.env.KAWARABAN_LOCAL_DIR = join(work, 'no-local-stack');
  stack = await createTestStack({ APPROVAL_REQUIRED: 'true' });
  useStackEnv(stack);
  ({ main } = await import('../../cli/main.ts'));
  ({ handler: render } = (await import('../../functions/render.ts')) as never);
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.KAWARABAN_EDITOR;
});

const as = (editor: string) => (process.env.KAWARABAN_EDITOR = editor);
const cli = (...args: string[]) => runCli(main, args);
const store = () => dynamoReportStore(doc, stack.env.REPORTS_TABLE!);
const newId = () => `appr-${randomBytes(4).toString('hex')}`;
const FAR_FUTURE = new Date('2099-01-01T00:00:00Z');

let sequence = 0;
/** What s3rver emits for a put: a random principal (which must never count as a person). */
function s3rverRecord(key: string) {
  const r = (fixture('s3-objectcreated-put__lambda-docs.json') as { Records: Record<string, any>[] })
    .Records[0]!;
  r.eventName = 'ObjectCreated:Put';
  r.s3.bucket.name = stack.env.UPLOAD_BUCKET;
  r.s3.object.key = key;
  r.s3.object.sequencer = `00${(++sequence).toString(16).padStart(16, '0')}`;
  r.s3.object.eTag = randomBytes(16).toString('hex');
  r.userIdentity = { principalId: `AWS:${randomBytes(10).toString('hex').toUpperCase()}` };
  return r;
}

/** Delivers the object's event the way `npm start` does (identity from the CLI's metadata). */
async function deliverLocally(key: string): Promise<{ kind: string; reason?: string }> {
  return new Promise((resolve, reject) => {
    const onResult = (r: unknown) => resolve((r as { results: { kind: string }[] }).results[0]!);
    s3EventsToRender(
      stack.env.UPLOAD_BUCKET!,
      render as never,
      onResult,
      editorFromMetadata(stack.env.UPLOAD_BUCKET!),
    )({
      Records: [s3rverRecord(key)],
    });
    setTimeout(() => reject(new Error(`no render result for ${key}`)), 20_000).unref();
  });
}

async function uploadAs(editor: string, id: string, over: Record<string, unknown> = {}) {
  as(editor);
  const file = join(work, `${id}-${randomBytes(2).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify({ ...sample, id, sendAt: undefined, ...over }));
  const { code } = await cli('report', 'upload', file);
  expect(code).toBe(0);
  return deliverLocally(`reports/${id}.json`);
}

describe('two-person approval, as the local stack runs it', () => {
  it('waits for a second editor: never due, the uploader cannot approve, another editor can, and it is recorded', async () => {
    const id = newId();
    expect(await uploadAs('alice', id)).toMatchObject({ kind: 'scheduled' });
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: `reports/${id}.json` }),
    );
    expect(head.Metadata?.[EDITOR_METADATA]).toBe('alice');

    const waiting = (await store().get(id))!;
    expect(waiting).toMatchObject({ status: 'AWAITING_APPROVAL', uploadedBy: 'local:alice' });
    expect(waiting.approvedBy).toBeUndefined();
    expect(await store().findDue(FAR_FUTURE)).not.toContain(id);
    const notice = (await sentTo(stack.env.EDITORS!)).find((m) =>
      (m.body.text ?? '').includes(`report approve ${id}`),
    );
    expect(notice?.body.text).toContain('別の編集者が承認するまで配信されません');

    const status = await cli('report', 'status', id);
    expect(status.out).toMatch(/status\s+AWAITING_APPROVAL/);
    expect(status.out).toContain(
      `awaited from a second editor (anyone but local:alice): npx kawaraban report approve ${id}`,
    );
    expect((await cli('report', 'list', '--status', 'AWAITING_APPROVAL')).out).toContain(id);

    // The uploader: refused by the CLI before anything is written…
    as('alice');
    const own = await cli('report', 'approve', id, '--wait', '0');
    expect(own.code).toBe(1);
    expect(own.err).toContain('アップロードしたのはあなたです');
    // …and by the function when they write the approval object themselves.
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.env.UPLOAD_BUCKET,
        Key: `approvals/${id}.json`,
        Body: JSON.stringify({ contentHash: waiting.contentHash }),
        Metadata: { [EDITOR_METADATA]: 'alice' },
      }),
    );
    expect(await deliverLocally(`approvals/${id}.json`)).toMatchObject({
      kind: 'refused',
      reason: 'own-upload',
    });
    expect((await store().get(id))!.status).toBe('AWAITING_APPROVAL');

    // A second editor.
    as('bob');
    const approving = cli('report', 'approve', id, '--wait', '20');
    await waitForObject(`approvals/${id}.json`, 'bob');
    expect(await deliverLocally(`approvals/${id}.json`)).toMatchObject({
      kind: 'approved',
      approvedBy: 'local:bob',
    });
    const approved = await approving;
    expect(approved.err).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.out).toContain(`承認されました: ${id}（承認者 local:bob`);

    const scheduled = (await store().get(id))!;
    expect(scheduled).toMatchObject({
      status: 'SCHEDULED',
      uploadedBy: 'local:alice',
      approvedBy: 'local:bob',
    });
    expect(Date.parse(scheduled.approvedAt!)).not.toBeNaN();
    expect(await store().findDue(FAR_FUTURE)).toContain(id);
    expect((await cli('report', 'status', id)).out).toContain(
      `approved by local:bob at ${scheduled.approvedAt}`,
    );

    // Approving again is refused: it is no longer waiting.
    const again = await cli('report', 'approve', id, '--wait', '0');
    expect(again.code).toBe(1);
    expect(again.err).toContain('SCHEDULED');
  });

  it('a replaced report needs a new approval, and an approval of the old version is refused', async () => {
    const id = newId();
    await uploadAs('alice', id);
    const first = (await store().get(id))!;
    // Bob replaces it (before any approval): now Alice may approve, and the old hash is stale.
    expect(await uploadAs('bob', id, { title: `${sample.title}（改訂）` })).toMatchObject({
      kind: 'scheduled',
    });
    const second = (await store().get(id))!;
    expect(second).toMatchObject({ status: 'AWAITING_APPROVAL', uploadedBy: 'local:bob' });
    expect(second.contentHash).not.toBe(first.contentHash);

    as('carol');
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.env.UPLOAD_BUCKET,
        Key: `approvals/${id}.json`,
        Body: JSON.stringify({ contentHash: first.contentHash }),
        Metadata: { [EDITOR_METADATA]: 'carol' },
      }),
    );
    expect(await deliverLocally(`approvals/${id}.json`)).toMatchObject({ kind: 'refused', reason: 'stale' });
    expect((await store().get(id))!.status).toBe('AWAITING_APPROVAL');
  });

  it('refuses approvals it cannot attribute or read, and ones for reports that do not wait', async () => {
    const id = newId();
    await uploadAs('alice', id);
    const hash = (await store().get(id))!.contentHash;
    const put = (key: string, body: string, editor?: string) =>
      s3.send(
        new PutObjectCommand({
          Bucket: stack.env.UPLOAD_BUCKET,
          Key: key,
          Body: body,
          ...(editor ? { Metadata: { [EDITOR_METADATA]: editor } } : {}),
        }),
      );
    await put(`approvals/${id}.json`, JSON.stringify({ contentHash: hash })); // no name: nobody vouches
    expect(await deliverLocally(`approvals/${id}.json`)).toMatchObject({
      kind: 'refused',
      reason: 'no-identity',
    });
    for (const body of ['', 'not json', '{"contentHash":"abc"}', '{"contentHash":null}', '[]']) {
      await put(`approvals/${id}.json`, body, 'bob');
      expect(await deliverLocally(`approvals/${id}.json`), body).toMatchObject({
        kind: 'refused',
        reason: 'unreadable',
      });
    }
    await put('approvals/no-such-report.json', JSON.stringify({ contentHash: hash }), 'bob');
    expect(await deliverLocally('approvals/no-such-report.json')).toMatchObject({
      kind: 'refused',
      reason: 'unknown-report',
    });
    expect((await store().get(id))!.status).toBe('AWAITING_APPROVAL');

    // A waiting report can be canceled like a scheduled one; then there is nothing to approve.
    expect((await cli('report', 'cancel', id)).code).toBe(0);
    await put(`approvals/${id}.json`, JSON.stringify({ contentHash: hash }), 'bob');
    expect(await deliverLocally(`approvals/${id}.json`)).toMatchObject({
      kind: 'refused',
      reason: 'not-awaiting',
    });
  });

  it('asks for a configured name locally before doing anything', async () => {
    const id = newId();
    await uploadAs('alice', id);
    delete process.env.KAWARABAN_EDITOR;
    const res = await cli('report', 'approve', id, '--wait', '0');
    expect(res.code).toBe(1);
    expect(res.err).toContain('KAWARABAN_EDITOR');
  });
});

describe('on AWS the S3 event principal decides, not the metadata', () => {
  /** The event AWS sends: the principal is what S3 authenticated; the metadata is whatever the client wrote. */
  const awsEvent = (key: string, principalId: string) => {
    const r = s3rverRecord(key);
    r.s3.object.key = encodeURIComponent(key).replace(/%2F/g, '/');
    r.userIdentity = { principalId };
    return { Records: [r] } as never;
  };

  it("an approval whose metadata names someone else is still the uploader's own, by principal", async () => {
    const id = newId();
    const file = JSON.stringify({ ...sample, id, sendAt: undefined });
    await s3.send(
      new PutObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: `reports/${id}.json`, Body: file }),
    );
    const alice = 'AROAEXAMPLEALICE00001:alice@corp.example.jp';
    expect((await render(awsEvent(`reports/${id}.json`, `AWS:${alice}`))).results[0]).toMatchObject({
      kind: 'scheduled',
    });
    expect((await store().get(id))!.uploadedBy).toBe(alice);

    const hash = (await store().get(id))!.contentHash;
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.env.UPLOAD_BUCKET,
        Key: `approvals/${id}.json`,
        Body: JSON.stringify({ contentHash: hash }),
        Metadata: { [EDITOR_METADATA]: 'bob' }, // a lie only metadata can tell
      }),
    );
    expect((await render(awsEvent(`approvals/${id}.json`, `AWS:${alice}`))).results[0]).toMatchObject({
      kind: 'refused',
      reason: 'own-upload',
    });
    const bob = 'AROAEXAMPLEALICE00001:bob@corp.example.jp';
    expect((await render(awsEvent(`approvals/${id}.json`, `AWS:${bob}`))).results[0]).toMatchObject({
      kind: 'approved',
      approvedBy: bob,
    });
    expect((await store().get(id))!).toMatchObject({
      status: 'SCHEDULED',
      uploadedBy: alice,
      approvedBy: bob,
    });
  });
});

async function waitForObject(key: string, editor: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: key }));
      if (head.Metadata?.[EDITOR_METADATA] === editor) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${key} never appeared`);
}
