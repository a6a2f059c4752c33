/**
 * `kawaraban subscribers import` against DynamoDB Local, driven through the command line entry:
 * every outcome, every refusal, all-or-nothing, races with a live unsubscribe / erasure /
 * bounce / sign-up, re-runs, the dispatcher's audience, and a 5,000-row list.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { dynamoAudience } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoImportStore } from '../../functions/adapters/dynamo-import-store.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import { addressKey } from '../../functions/core/use-cases/rate-limits.ts';
import {
  importSubscribers,
  ImportInterrupted,
  type ImportStore,
} from '../../functions/core/use-cases/import-subscribers.ts';
import { IMPORT_OUTCOMES, type ImportOutcome } from '../../functions/core/import-decision.ts';
import type { ImportRow } from '../../functions/core/import-rules.ts';
import { shardOf, statusShard, tombstoneKey } from '../../functions/core/subscriber.ts';
import { newSubscriberId, sha256Hex } from '../../functions/core/tokens.ts';
import { systemClock } from '../../functions/core/ports.ts';
import { formBody } from '../helpers/api-events.ts';
import { putSubscribers, subscriber } from '../helpers/audience.ts';
import { runCli } from '../helpers/cli.ts';
import { harness } from '../helpers/subscription.ts';
import { useStackEnv } from '../helpers/stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'kawaraban-import-'));
// Never a developer's running local stack: only this file's tables.
process.env.KAWARABAN_LOCAL_DIR = join(dir, 'no-local-stack');
const h = await harness();
useStackEnv(h.stack);
const table = h.stack.env.SUBSCRIBERS_TABLE!;
const audience = dynamoAudience(dynamo, table);
const marks = dynamoRateLimitStore(dynamo, table);
let main: (argv: string[]) => Promise<number>;

beforeAll(async () => {
  ({ main } = await import('../../cli/main.ts'));
});
afterEach(() => vi.restoreAllMocks());

let files = 0;
function csvFile(text: string | Buffer): string {
  const path = join(dir, `list-${++files}.csv`);
  writeFileSync(path, text);
  return path;
}
const importCli = (...args: string[]) => runCli(main, ['subscribers', 'import', ...args]);

/** The count printed for an outcome in the summary. */
function count(out: string, outcome: ImportOutcome): number {
  const m = new RegExp(`^\\s+${outcome}\\s+(\\d+)\\s`, 'm').exec(out);
  if (!m) throw new Error(`no count for ${outcome} in:\n${out}`);
  return Number(m[1]);
}

function counts(out: string): Record<ImportOutcome, number> {
  return Object.fromEntries(IMPORT_OUTCOMES.map((o) => [o, count(out, o)])) as Record<ImportOutcome, number>;
}

const only = (o: Partial<Record<ImportOutcome, number>>) => ({
  ...Object.fromEntries(IMPORT_OUTCOMES.map((k) => [k, 0])),
  ...o,
});

function reportRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));
}

describe('subscribers import', () => {
  it("imports new readers as confirmed with the old tool's consent, into the dispatcher's audience; they can unsubscribe; a re-run changes nothing and brings nobody back", async () => {
    const before = await audience.countConfirmed();
    const [a, b, c] = [h.stack.address('imp'), h.stack.address('imp'), h.stack.address('imp')];
    const file = csvFile(
      '\uFEFFemail,consentAt,locale,consentSource\r\n' +
        `${a},2023-04-01T09:30:00+09:00,,legacy form 2023\r\n` +
        `${b.toUpperCase().replace('EXAMPLE.COM', 'Example.COM')},2023-05-02,en,\r\n` +
        `${c},2023-06-03,ja,"Seminar, Osaka"\r\n`,
    );
    // b's local part is kept as typed; the domain is lower-cased, as the form does.
    const bStored = `${b.split('@')[0]!.toUpperCase()}@example.com`;
    const run = await importCli(file, '--source', 'old newsletter tool', '--policy-version', '2023-01');
    expect(run.code).toBe(0);
    expect(counts(run.out)).toEqual(only({ imported: 3 }));
    expect(run.out).toMatch(/^取り込み完了: 3 行（同意文面のバージョン 2023-01）$/m);

    const rowA = await h.item(a);
    expect(rowA).toMatchObject({
      status: 'confirmed',
      locale: 'ja',
      statusShard: statusShard('confirmed', shardOf(a)),
      shard: shardOf(a),
      consent: {
        at: '2023-04-01T00:30:00.000Z',
        source: 'legacy form 2023',
        policyVersion: '2023-01',
        sourceIp: 'import',
        userAgent: 'kawaraban import',
      },
    });
    expect(rowA!.confirmedAt).toBe(rowA!.createdAt);
    expect(rowA!.expiresAt).toBeUndefined();
    expect(rowA!.consent).not.toHaveProperty('signup');
    expect(await h.item(bStored)).toMatchObject({
      locale: 'en',
      consent: { at: '2023-05-02', source: 'old newsletter tool' },
    });
    expect(await h.item(c)).toMatchObject({ consent: { source: 'Seminar, Osaka' } });

    // The dispatcher sees them: the confirmed count and the page of their shard.
    expect(await audience.countConfirmed()).toBe(before + 3);
    const page = await audience.page(shardOf(a), undefined, 1000);
    expect(page.items).toContainEqual({ email: a, id: rowA!.id, locale: 'ja' });

    // An imported reader leaves through the newsletter's ordinary one-click unsubscribe.
    const token = await h.unsubscribeTokenOf(a);
    const res = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(res.statusCode).toBe(200);
    expect(await h.item(a)).toMatchObject({
      status: 'unsubscribed',
      statusShard: statusShard('unsubscribed', shardOf(a)),
    });
    expect(await audience.countConfirmed()).toBe(before + 2);

    // The same list again: nothing changes, and the reader who left stays gone.
    const untouched = await h.rawItem(bStored);
    const again = await importCli(file, '--source', 'old newsletter tool', '--policy-version', '2023-01');
    expect(again.code).toBe(0);
    expect(counts(again.out)).toEqual(only({ 'already-confirmed': 2, 'skipped-unsubscribed': 1 }));
    expect(await h.rawItem(bStored)).toBe(untouched);
    expect(await h.item(a)).toMatchObject({ status: 'unsubscribed' });
    expect(await audience.countConfirmed()).toBe(before + 2);
  });

  it('never brings back in another case a reader who said no (unsubscribed, bounced, complained)', async () => {
    h.clock.advance(11 * 60_000);
    const left = h.stack.address('CaseLeft');
    await h.confirmed(left);
    await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: await h.unsubscribeTokenOf(left) },
    });
    const bounced = subscriber(h.stack.address('CaseBounced'), 'bounced');
    await putSubscribers(h.stack, [bounced]);
    const lower = (e: string) => e.toLowerCase();
    const upper = (e: string) => e.replace(/^[^@]+/, (l) => l.toUpperCase());
    const fresh = h.stack.address('casefresh');
    const file = csvFile(
      `email,consentAt\n${[lower(left), upper(bounced.email), fresh].map((e) => `${e},2023-04-01`).join('\n')}\n`,
    );
    const report = join(dir, 'case-outcomes.csv');
    const run = await importCli(file, '--report', report, '--lang', 'en');
    expect(run.code).toBe(0);
    expect(reportRows(report).slice(1)).toEqual([
      ['2', lower(left), 'skipped-unsubscribed'],
      ['3', upper(bounced.email), 'skipped-bounced'],
      ['4', fresh, 'imported'],
    ]);
    expect(await h.item(lower(left))).toBeUndefined();
    expect(await h.item(upper(bounced.email))).toBeUndefined();
    expect((await h.item(left))?.status).toBe('unsubscribed');
  });

  it("gives each known address its outcome, changes none of the ones it skips, and writes each line's outcome to --report", async () => {
    const fresh = h.stack.address('new');
    const confirmed = h.stack.address('conf');
    await h.confirmed(confirmed);
    const unsubscribed = h.stack.address('unsub');
    await h.confirmed(unsubscribed);
    h.clock.advance(11 * 60_000);
    await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: await h.unsubscribeTokenOf(unsubscribed) },
    });
    const [bounced, complained] = [
      subscriber(h.stack.address('bounce'), 'bounced'),
      subscriber(h.stack.address('compl'), 'complained'),
    ];
    await putSubscribers(h.stack, [bounced, complained]);
    const erased = h.stack.address('erased');
    // Exit 1: there was no subscriber to delete; the tombstone is written all the same.
    expect((await runCli(main, ['subscribers', 'delete', erased])).code).toBe(1);
    // SES marked the mailbox after a bounce to one spelling; the list has another.
    const markedMailbox = h.stack.address('marked');
    await marks.markMailboxSuppressed(addressKey(markedMailbox), new Date());
    const otherSpelling = markedMailbox
      .replace('@', '+news@')
      .toUpperCase()
      .replace('@EXAMPLE.COM', '@example.com');
    const pending = h.stack.address('pending');
    await h.subscribe(pending, { lang: 'en' });
    const pendingBefore = await h.item(pending);
    expect(pendingBefore).toMatchObject({ status: 'pending', locale: 'en' });
    expect(pendingBefore!.expiresAt).toBeGreaterThan(0);

    const skipped = [confirmed, unsubscribed, bounced.email, complained.email];
    const rawBefore = await Promise.all(skipped.map((e) => h.rawItem(e)));
    const lines = [
      fresh,
      confirmed,
      unsubscribed,
      bounced.email,
      complained.email,
      erased,
      otherSpelling,
      pending,
    ];
    const file = csvFile(`email,consentAt\n${lines.map((e) => `${e},2022-12-24`).join('\n')}\n`);
    const report = join(dir, 'outcomes.csv');
    const run = await importCli(file, '--report', report, '--lang', 'en');
    expect(run.code).toBe(0);
    expect(counts(run.out)).toEqual(
      only({
        imported: 1,
        'already-confirmed': 1,
        'skipped-unsubscribed': 1,
        'skipped-bounced': 1,
        'skipped-complained': 1,
        'skipped-erased': 1,
        'skipped-suppressed-mailbox': 1,
        'confirmed-pending': 1,
      }),
    );
    expect(run.out).toMatch(/^imported 8 rows \(consent policy version 1\)$/m);
    expect(reportRows(report)).toEqual([
      ['line', 'email', 'outcome'],
      ['2', fresh, 'imported'],
      ['3', confirmed, 'already-confirmed'],
      ['4', unsubscribed, 'skipped-unsubscribed'],
      ['5', bounced.email, 'skipped-bounced'],
      ['6', complained.email, 'skipped-complained'],
      ['7', erased, 'skipped-erased'],
      ['8', otherSpelling, 'skipped-suppressed-mailbox'],
      ['9', pending, 'confirmed-pending'],
    ]);

    // Skipped rows are byte for byte as they were; no row for the erased or the marked mailbox.
    expect(await Promise.all(skipped.map((e) => h.rawItem(e)))).toEqual(rawBefore);
    expect(await h.item(erased)).toBeUndefined();
    expect(await h.item(otherSpelling)).toBeUndefined();
    expect(await h.rawItem(tombstoneKey(erased))).toContain('deletedAt');

    // The pending sign-up is confirmed on the imported consent, consistently: same id and
    // locale, the confirmed index partition, no TTL, no outstanding token.
    const after = await h.item(pending);
    expect(after).toMatchObject({
      id: pendingBefore!.id,
      status: 'confirmed',
      locale: 'en',
      statusShard: statusShard('confirmed', pendingBefore!.shard),
      consent: {
        at: '2022-12-24',
        source: 'import',
        sourceIp: 'import',
        userAgent: 'kawaraban import',
        policyVersion: '1',
      },
      usedConfirmTokenHash: pendingBefore!.confirmTokenHash,
    });
    for (const gone of ['expiresAt', 'confirmTokenHash', 'confirmExpiresAt', 'signup'])
      expect(after).not.toHaveProperty(gone);
    // Their confirmation email's link now says "already confirmed" and changes nothing.
    const link = await h.latestConfirmToken(pending);
    const res = await h.call({ method: 'POST', path: '/confirm', ...formBody({ token: link }) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('購読はすでに確定しています');
    expect(await h.item(pending)).toEqual(after);
  });

  it('validates the whole list first: one bad row and nothing is written; every problem is listed with its line and column', async () => {
    const good = [h.stack.address('good'), h.stack.address('good'), h.stack.address('good')];
    const file = csvFile(
      [
        'email,consentAt,locale,consentSource',
        `${good[0]},2023-04-01,ja,`,
        `${good[1]},2023-04-01,ja,`,
        'someone@,2023-04-01,ja,',
        `${good[2]},2099-01-01,xx,`,
        `${good[0]},2023-04-01T09:00,ja,`,
      ].join('\r\n'),
    );
    const before = await audience.countConfirmed();
    const ja = await importCli(file);
    expect(ja.code).toBe(1);
    expect(ja.err.split('\n')).toEqual([
      'line 4: email: メールアドレスには「@」と、その前後の文字が必要です',
      'line 5: consentAt: 同意日時が未来です（2099-01-01）',
      'line 5: locale: ja か en を書いてください（空なら既定の言語になります。書かれている値: xx）',
      'line 6: email: 同じアドレスが 2 行目にもあります',
      'line 6: consentAt: 時差（+09:00 など）が必要です。日本時間なら 2023-04-01T09:00+09:00 のように書いてください',
      `${file}: 5件の問題があります。何も取り込んでいません`,
    ]);
    expect(ja.out).toBe('');
    const en = await importCli(file, '--lang', 'en');
    expect(en.code).toBe(1);
    expect(en.err).toContain('line 4: email: an address needs an "@" with text on both sides');
    expect(en.err).toContain(`${file}: 5 problems; nothing was imported`);
    for (const e of good) expect(await h.item(e)).toBeUndefined();
    expect(await audience.countConfirmed()).toBe(before);

    // A typo in a column name is never taken as an extra column to ignore.
    const typo = await importCli(
      csvFile(`email,consentAt,consent_source\n${good[0]},2023-04-01,x\n`),
      '--lang',
      'en',
    );
    expect(typo.code).toBe(1);
    expect(typo.err).toContain(
      "line 1: consent_source: unknown column 'consent_source' — did you mean 'consentSource'?",
    );
    expect(await h.item(good[0]!)).toBeUndefined();
  });

  it('refuses a Shift_JIS file (Excel\'s plain "CSV") at the line where it stops being UTF-8', async () => {
    // 「購読者」 in Shift_JIS, in a consentSource on line 3.
    const sjis = Buffer.from([0x8d, 0x77, 0x93, 0xc7, 0x8e, 0xd2]);
    const email = h.stack.address('sjis');
    const file = csvFile(
      Buffer.concat([
        Buffer.from(
          `email,consentAt,consentSource\r\n${h.stack.address()},2023-04-01,\r\n${email},2023-04-01,`,
        ),
        sjis,
        Buffer.from('\r\n'),
      ]),
    );
    const run = await importCli(file);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^line 3: UTF-8 として読めません（おそらく Shift_JIS）。/);
    expect(await h.item(email)).toBeUndefined();
  });

  it('refuses a UTF-16 file (Excel\'s "Unicode text"), with or without a BOM, naming it', async () => {
    const text = `email,consentAt\r\n${h.stack.address('utf16')},2023-04-01\r\n`;
    for (const bytes of [
      Buffer.from(text, 'utf16le'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    ]) {
      const run = await importCli(csvFile(bytes));
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/^line 1: UTF-8 として読めません（おそらく UTF-16 LE）。/);
    }
  });

  it('refuses bad options, a missing file, an unwritable report and missing settings, writing nothing', async () => {
    const email = h.stack.address('opts');
    const file = csvFile(`email,consentAt\n${email},2023-04-01\n`);
    const long = await importCli(file, '--source', 'x'.repeat(201), '--lang', 'en');
    expect(long).toMatchObject({ code: 1, err: '--source: must be at most 200 characters (it has 201)' });
    const policy = await importCli(file, '--policy-version', 'x'.repeat(65), '--lang', 'en');
    expect(policy).toMatchObject({
      code: 1,
      err: '--policy-version: must be one line of 1 to 64 characters',
    });
    const missing = await importCli(join(dir, 'nope.csv'), '--lang', 'en');
    expect(missing).toMatchObject({ code: 1, err: `no such file: ${join(dir, 'nope.csv')}` });
    const report = await importCli(file, '--report', join(dir, 'no-such-dir', 'r.csv'), '--lang', 'en');
    expect(report.code).toBe(1);
    expect(report.err).toContain('cannot write the --report file');
    const saved = process.env.SUBSCRIBERS_TABLE;
    delete process.env.SUBSCRIBERS_TABLE;
    try {
      const unset = await importCli(file);
      expect(unset.code).toBe(1);
      expect(unset.err).toContain('SUBSCRIBERS_TABLE is not set');
    } finally {
      process.env.SUBSCRIBERS_TABLE = saved;
    }
    expect(await h.item(email)).toBeUndefined();
  });

  it('a storage error stops the import with exit 1, says how far it got and that a re-run is safe', async () => {
    const file = csvFile(`email,consentAt\n${h.stack.address('gone')},2023-04-01\n`);
    const report = join(dir, 'stopped.csv');
    const saved = process.env.SUBSCRIBERS_TABLE;
    process.env.SUBSCRIBERS_TABLE = `${saved}-no-such-table`;
    try {
      const run = await importCli(file, '--report', report, '--lang', 'en');
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/the import stopped part-way \(0 of 1 rows done\): .*non-existent table/i);
      expect(run.err).toContain('run it again with the same file');
      expect(counts(run.out)).toEqual(only({}));
      expect(reportRows(report)).toEqual([['line', 'email', 'outcome']]);
    } finally {
      process.env.SUBSCRIBERS_TABLE = saved;
    }
  });

  it('--dry-run looks up and counts what would happen, and writes nothing', async () => {
    const confirmed = h.stack.address('dry');
    await h.confirmed(confirmed);
    const fresh = [h.stack.address('dry'), h.stack.address('dry')];
    const file = csvFile(
      `email,consentAt\n${[confirmed, ...fresh].map((e) => `${e},2023-04-01`).join('\n')}\n`,
    );
    const report = join(dir, 'dry.csv');
    const run = await importCli(file, '--dry-run', '--report', report, '--lang', 'en');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^dry run: 3 rows, nothing written/m);
    expect(counts(run.out)).toEqual(only({ imported: 2, 'already-confirmed': 1 }));
    expect(reportRows(report).map((r) => r[2])).toEqual([
      'outcome',
      'already-confirmed',
      'imported',
      'imported',
    ]);
    for (const e of fresh) expect(await h.item(e)).toBeUndefined();
  });

  it('imports a 5,000-row list in one run, and a second run finds every reader already confirmed', async () => {
    const n = 5000;
    const emails = Array.from({ length: n }, (_, i) => h.stack.address(`bulk${i}`));
    const file = csvFile(
      `email,consentAt,locale\r\n${emails.map((e, i) => `${e},2021-01-01T00:00:00Z,${i % 3 ? 'ja' : 'en'}`).join('\r\n')}\r\n`,
    );
    const before = await audience.countConfirmed();
    const started = performance.now();
    const run = await importCli(file, '--source', 'bulk');
    const took = performance.now() - started;
    expect(run.code).toBe(0);
    expect(counts(run.out)).toEqual(only({ imported: n }));
    expect(await audience.countConfirmed()).toBe(before + n);
    expect(await h.item(emails[4321]!)).toMatchObject({
      status: 'confirmed',
      locale: 'ja',
      consent: { source: 'bulk' },
    });
    const againStarted = performance.now();
    const again = await importCli(file, '--source', 'bulk');
    const againTook = performance.now() - againStarted;
    expect(counts(again.out)).toEqual(only({ 'already-confirmed': n }));
    expect(await audience.countConfirmed()).toBe(before + n);
    console.log(`import of ${n} rows: ${Math.round(took)} ms (re-run: ${Math.round(againTook)} ms)`);
  }, 180_000);
});

describe('an import racing with the live system', () => {
  const row = (email: string, line = 2): ImportRow => ({
    line,
    email,
    consentAt: '2023-04-01',
    locale: 'ja',
    source: 'race',
  });
  const deps = (store: ImportStore) => ({ store, clock: systemClock, newId: newSubscriberId });

  /** The real store, with `between` run once: after the first lookup, before the write. */
  function raced(between: () => Promise<void>): ImportStore {
    const real = dynamoImportStore(dynamo, table);
    let fired = false;
    return {
      ...real,
      async lookup(emails) {
        const states = await real.lookup(emails);
        if (!fired) {
          fired = true;
          await between();
        }
        return states;
      },
    };
  }

  it('an unsubscribe that lands between the read and the write wins: the row stays unsubscribed', async () => {
    const email = h.stack.address('race');
    h.clock.advance(11 * 60_000);
    await h.subscribe(email);
    const token = await h.unsubscribeTokenOf(email);
    const store = raced(async () => {
      const res = await h.call({ method: 'POST', path: '/unsubscribe', query: { token } });
      expect(res.statusCode).toBe(200);
    });
    const results = await importSubscribers(deps(store), [row(email)], { policyVersion: '1', dryRun: false });
    expect(results).toEqual([{ line: 2, email, outcome: 'skipped-unsubscribed' }]);
    expect(await h.item(email)).toMatchObject({
      status: 'unsubscribed',
      statusShard: statusShard('unsubscribed', shardOf(email)),
    });
    expect(await h.item(email)).not.toHaveProperty('consent');
  });

  it('an erasure, a bounce mark or a sign-up that lands between the read and the write is respected', async () => {
    const [erased, marked, signedUp] = [
      h.stack.address('race'),
      h.stack.address('race'),
      h.stack.address('race'),
    ];
    const store = raced(async () => {
      expect((await runCli(main, ['subscribers', 'delete', erased])).code).toBe(1); // no row: tombstone only
      await marks.markMailboxSuppressed(addressKey(marked), new Date());
      h.clock.advance(11 * 60_000);
      await h.subscribe(signedUp);
    });
    const results = await importSubscribers(deps(store), [row(erased, 2), row(marked, 3), row(signedUp, 4)], {
      policyVersion: '1',
      dryRun: false,
    });
    expect(results.map((r) => r.outcome)).toEqual([
      'skipped-erased',
      'skipped-suppressed-mailbox',
      'confirmed-pending',
    ]);
    expect(await h.item(erased)).toBeUndefined();
    expect(await h.item(marked)).toBeUndefined();
    expect(await h.item(signedUp)).toMatchObject({ status: 'confirmed', consent: { source: 'race' } });
    // The tombstone holds no address: only its hash.
    expect(await h.rawItem(`tomb#${sha256Hex(erased)}`)).toContain('deletedAt');
  });

  it('stops at a storage error, reports exactly the rows it finished, and a re-run completes the rest', async () => {
    const emails = Array.from({ length: 40 }, () => h.stack.address('fail'));
    const real = dynamoImportStore(dynamo, table);
    let writes = 0;
    const failing: ImportStore = {
      ...real,
      async createConfirmed(s) {
        if (++writes === 25)
          throw Object.assign(new Error('Throughput exceeds the current capacity'), {
            name: 'ThrottlingException',
          });
        return real.createConfirmed(s);
      },
    };
    const rows = emails.map((e, i) => row(e, i + 2));
    const err = await importSubscribers(deps(failing), rows, {
      policyVersion: '1',
      dryRun: false,
      chunkSize: 10,
      chunksInFlight: 2,
      writesPerChunk: 3,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportInterrupted);
    const done = (err as ImportInterrupted).results;
    expect(done.length).toBeGreaterThanOrEqual(24);
    expect(done.length).toBeLessThan(40);
    expect(done.every((r) => r.outcome === 'imported')).toBe(true);
    const stored = await Promise.all(emails.map(async (e) => (await h.item(e)) !== undefined));
    expect(emails.filter((_, i) => stored[i])).toEqual(done.map((r) => r.email));

    const rerun = await importSubscribers(deps(real), rows, { policyVersion: '1', dryRun: false });
    expect(rerun.filter((r) => r.outcome === 'already-confirmed').map((r) => r.email)).toEqual(
      done.map((r) => r.email),
    );
    expect(rerun.filter((r) => r.outcome === 'imported')).toHaveLength(40 - done.length);
  });
});

describe('the imported rows', () => {
  it('sit in the byStatus index under confirmed#NN, never as a pending or unsubscribed partition', async () => {
    const email = h.stack.address('gsi');
    const run = await importCli(csvFile(`email,consentAt\n${email},2023-04-01\n`));
    expect(run.code).toBe(0);
    const shard = shardOf(email);
    const inPartition = async (status: 'confirmed' | 'pending') => {
      const out = await dynamo.query({
        TableName: table,
        IndexName: 'byStatus',
        KeyConditionExpression: 'statusShard = :ss AND email = :e',
        ExpressionAttributeValues: { ':ss': statusShard(status, shard), ':e': email },
      });
      return out.Count ?? 0;
    };
    expect(await inPartition('confirmed')).toBe(1);
    expect(await inPartition('pending')).toBe(0);
  });
});
