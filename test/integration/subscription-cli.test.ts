/**
 * `kawaraban subscribers export` (CSV with status and consent) and `subscribers delete`
 * (erasure with a hashed tombstone), against DynamoDB Local.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { tombstoneKey } from '../../functions/core/subscriber.ts';
import { dynamoSubscriberStore } from '../../functions/adapters/dynamo-subscriber-store.ts';
import { sha256Hex, unsubscribeToken } from '../../functions/core/tokens.ts';
import { csvCell, CSV_COLUMNS } from '../../cli/subscribers.ts';
import { main } from '../../cli/main.ts';
import { formBody } from '../helpers/api-events.ts';
import { harness } from '../helpers/subscription.ts';
import { testSecret, useStackEnv } from '../helpers/stack.ts';

const h = await harness();
useStackEnv(h.stack);
const table = h.stack.env.SUBSCRIBERS_TABLE!;
const dir = mkdtempSync(join(tmpdir(), 'kawaraban-cli-'));

afterEach(() => vi.restoreAllMocks());

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('subscribers export', () => {
  it('writes every subscriber with status and consent evidence, and no counters or tombstones', async () => {
    const confirmedEmail = h.stack.address();
    await h.subscribe(
      confirmedEmail,
      { source: 'partner-site' },
      { sourceIp: '203.0.113.9', userAgent: 'Mozilla, "quoted"' },
    );
    const token = await h.latestConfirmToken(confirmedEmail);
    await h.call({
      method: 'POST',
      path: '/confirm',
      ...formBody({ token }),
      sourceIp: '203.0.113.10',
      userAgent: '=HYPERLINK("x")',
    });
    const pendingEmail = h.stack.address();
    await h.subscribe(pendingEmail, {}, { sourceIp: '203.0.113.11' });
    await dynamo.put({ TableName: table, Item: { email: tombstoneKey('gone@example.com'), deletedAt: 'x' } });

    const out = join(dir, 'all.csv');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'kawaraban', 'subscribers', 'export', '--out', out])).toBe(0);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const byEmail = new Map(
      rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]),
    );
    expect(byEmail.size).toBe(rows.length - 1);
    expect([...byEmail.keys()].every((e) => e?.includes('@'))).toBe(true);
    expect(byEmail.get(confirmedEmail)).toMatchObject({
      status: 'confirmed',
      consentAt: h.clock.now().toISOString(),
      consentSourceIp: '203.0.113.10',
      consentUserAgent: `'=HYPERLINK("x")`,
      consentSource: 'partner-site',
      consentPolicyVersion: '1',
      signupSourceIp: '203.0.113.9',
      signupUserAgent: 'Mozilla, "quoted"',
    });
    expect(byEmail.get(pendingEmail)).toMatchObject({ status: 'pending', consentAt: '' });

    const only = join(dir, 'confirmed.csv');
    expect(
      await main(['node', 'kawaraban', 'subscribers', 'export', '--out', only, '--status', 'confirmed']),
    ).toBe(0);
    const confirmedRows = parseCsv(readFileSync(only, 'utf8')).slice(1);
    expect(confirmedRows.length).toBeGreaterThan(0);
    expect(confirmedRows.every((r) => r[2] === 'confirmed')).toBe(true);

    const excel = join(dir, 'excel.csv');
    expect(await main(['node', 'kawaraban', 'subscribers', 'export', '--out', excel, '--bom'])).toBe(0);
    expect(readFileSync(excel, 'utf8').startsWith('\uFEFFemail,id,status')).toBe(true);
    expect(readFileSync(out, 'utf8').startsWith('email,id,status')).toBe(true);
  });

  it('refuses an unknown status', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'kawaraban', 'subscribers', 'export', '--status', 'everyone'])).toBe(2);
  });

  it('quotes and defuses cells as a spreadsheet needs', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(' =1+1')).toBe("' =1+1");
    expect(csvCell('＝1+1')).toBe("'＝1+1");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell(undefined)).toBe('');
  });

  it('defuses an address built to be a formula: anyone can leave one as a pending row', async () => {
    const tag = Date.now().toString(36);
    const planted = [`=cmd|'/C${tag}'A0@example.com`, `+${tag}+1@example.com`, `-${tag}@example.com`];
    for (const email of planted)
      expect((await h.subscribe(email, {}, { sourceIp: '203.0.113.12' })).statusCode).toBe(200);
    const out = join(dir, 'planted.csv');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(
      await main(['node', 'kawaraban', 'subscribers', 'export', '--out', out, '--status', 'pending']),
    ).toBe(0);
    const cells = parseCsv(readFileSync(out, 'utf8'))
      .slice(1)
      .map((r) => r[0]!);
    for (const email of planted) expect(cells).toContain(`'${email}`);
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
  });
});

describe('subscribers delete', () => {
  it('erases the row and the delivery ledger, keeps a hashed tombstone, and lets the person come back only by double opt-in', async () => {
    const email = h.stack.address();
    const row = await h.confirmed(email);
    const reports = h.stack.env.REPORTS_TABLE!;
    for (const reportId of ['r-1', 'r-2']) {
      await dynamo.put({ TableName: reports, Item: { reportId, item: `to#${email}`, state: 'sent' } });
    }
    const bystander = h.stack.address();
    await dynamo.put({
      TableName: reports,
      Item: { reportId: 'r-1', item: `to#${bystander}`, state: 'sent' },
    });

    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(
      await main([
        'node',
        'kawaraban',
        'subscribers',
        'delete',
        `  ${email.replace('example.com', 'EXAMPLE.com')} `,
      ]),
    ).toBe(0);
    expect(log.mock.calls.flat().join(' ')).toContain('配信記録 2 行を削除しました');

    expect(await h.item(email)).toBeUndefined();
    const everything = JSON.stringify((await dynamo.scan({ TableName: table })).Items);
    expect(everything).not.toContain(email);
    expect(everything).not.toContain(row.id);
    expect(await h.rawItem(`tomb#${sha256Hex(email)}`)).toContain('deletedAt');
    const ledger = await dynamo.query({
      TableName: reports,
      KeyConditionExpression: 'reportId = :r',
      ExpressionAttributeValues: { ':r': 'r-1' },
    });
    expect(ledger.Items?.map((i) => i.item)).toEqual([`to#${bystander}`]);

    // An old newsletter's unsubscribe link still answers calmly.
    const old = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: await tokenFor(row.id) },
    });
    expect(old.statusCode).toBe(200);

    // The person may subscribe again themselves: a new id, pending until they confirm.
    h.clock.advance(11 * 60_000);
    await h.subscribe(email);
    const again = await h.item(email);
    expect(again).toMatchObject({ status: 'pending' });
    expect(again!.id).not.toBe(row.id);
    expect(await h.rawItem(`tomb#${sha256Hex(email)}`)).toContain('deletedAt');
    expect(await h.deps.subscribers.get(email)).toBeTruthy();
  });

  it('records a tombstone for an address that was never subscribed, and exits 1 so a misspelling does not pass for done', async () => {
    const email = h.stack.address();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['node', 'kawaraban', 'subscribers', 'delete', email])).toBe(1);
    expect(log.mock.calls.flat().join(' ')).toContain('見つかりませんでした');
    expect(await h.rawItem(tombstoneKey(email))).toContain('deletedAt');
  });

  it('refuses something that is not an address', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'kawaraban', 'subscribers', 'delete', 'nobody'])).toBe(1);
  });
});

describe('subscribers unsubscribe', () => {
  it('stops mailing a confirmed reader as their link would, keeps the consent record, and says what it was', async () => {
    const email = h.stack.address();
    const row = await h.confirmed(email);
    expect(row.consent?.policyVersion).toBeDefined();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});

    expect(
      await main([
        'node',
        'kawaraban',
        'subscribers',
        'unsubscribe',
        ` ${email.replace('example.com', 'Example.COM')}`,
      ]),
    ).toBe(0);

    expect(log.mock.calls.flat().join(' ')).toContain('配信を停止しました（停止前: confirmed）');
    const after = await h.item(email);
    expect(after).toMatchObject({
      status: 'unsubscribed',
      statusShard: `unsubscribed#${String(row.shard).padStart(2, '0')}`,
      consent: row.consent,
    });
    expect(after!.unsubscribedAt).toEqual(expect.any(String));
    // A second time, or after a bounce, changes nothing.
    const before = await h.rawItem(email);
    expect(await main(['node', 'kawaraban', 'subscribers', 'unsubscribe', email])).toBe(0);
    expect(log.mock.calls.flat().join(' ')).toContain('すでに unsubscribed のため送っていません');
    expect(await h.rawItem(email)).toBe(before);
  });

  it('says so for an address it does not know, writing nothing, exits 1, and refuses something that is not an address', async () => {
    const email = h.stack.address();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'kawaraban', 'subscribers', 'unsubscribe', email])).toBe(1);
    expect(log.mock.calls.flat().join(' ')).toContain('見つかりませんでした');
    expect(await h.rawItem(email)).toBe('null');
    expect(await main(['node', 'kawaraban', 'subscribers', 'unsubscribe', 'nobody'])).toBe(1);
  });
});

describe('per-person requests find the reader in any case and list the other spellings', () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const code = await main(['node', 'kawaraban', 'subscribers', ...args]);
    vi.restoreAllMocks();
    return { code, out: out.join('\n') };
  };
  /** Two case spellings (one reader), a +tag and a dotted spelling of the same mailbox, and a bystander. */
  async function family() {
    h.clock.advance(11 * 60_000); // a fresh per-client window for the sign-ups below
    const base = h.stack.address('case');
    const [local, domain] = base.split('@') as [string, string];
    const f = {
      mixed: `${local.toUpperCase().slice(0, 4)}${local.slice(4)}@${domain}`,
      lower: `${local}@${domain}`,
      tagged: `${local}+news@${domain}`,
      bystander: h.stack.address('bystander'),
    };
    for (const email of Object.values(f)) {
      await h.confirmed(email);
      h.clock.advance(11 * 60_000); // the mailbox limit: one confirmation email per 10 minutes
    }
    return f;
  }

  it('unsubscribe: every case of the address stops, other spellings are listed and left alone, --all-spellings takes them too', async () => {
    const f = await family();
    const before = await h.rawItem(f.tagged);
    const first = await run('unsubscribe', f.mixed.toUpperCase());
    expect(first.code).toBe(0);
    expect((await h.item(f.mixed))?.status).toBe('unsubscribed');
    expect((await h.item(f.lower))?.status).toBe('unsubscribed');
    expect(await h.rawItem(f.tagged)).toBe(before);
    expect((await h.item(f.bystander))?.status).toBe('confirmed');
    expect(first.out).toContain(`${f.mixed}: 配信を停止しました`);
    expect(first.out).toContain(`${f.lower}: 配信を停止しました`);
    expect(first.out).toContain('別表記が 1 件');
    expect(first.out).toContain(`${f.tagged}（confirmed）`);
    expect(first.out).not.toContain(f.bystander);

    const all = await run('unsubscribe', f.lower, '--all-spellings', '--lang', 'en');
    expect(all.code).toBe(0);
    expect(all.out).toContain(`${f.tagged}: unsubscribed (was confirmed)`);
    expect(all.out).toContain(`${f.lower}: already unsubscribed`);
    expect(all.out).toContain('--all-spellings');
    expect((await h.item(f.tagged))?.status).toBe('unsubscribed');
    expect((await h.item(f.bystander))?.status).toBe('confirmed');
  });

  it('unsubscribe: only another spelling known → nothing changes, exit 1, the spelling is named', async () => {
    const f = await family();
    const [local, domain] = f.lower.split('@') as [string, string];
    const other = `${local}+elsewhere@${domain}`;
    const res = await run('unsubscribe', other);
    expect(res.code).toBe(1);
    expect(res.out).toContain('見つかりませんでした');
    expect(res.out).toContain(f.tagged);
    for (const email of [f.mixed, f.lower, f.tagged]) expect((await h.item(email))?.status).toBe('confirmed');
  });

  it('delete: every case of the address is erased with its ledger rows, the tombstone holds for any case, other spellings stay', async () => {
    const f = await family();
    const reports = h.stack.env.REPORTS_TABLE!;
    for (const email of [f.mixed, f.lower, f.tagged]) {
      await dynamo.put({
        TableName: reports,
        Item: { reportId: 'r-case', item: `to#${email}`, state: 'sent' },
      });
    }
    const store = dynamoSubscriberStore(dynamo, table);
    const res = await run('delete', f.lower.toUpperCase());
    expect(res.code).toBe(0);
    expect(await h.item(f.mixed)).toBeUndefined();
    expect(await h.item(f.lower)).toBeUndefined();
    expect((await h.item(f.tagged))?.status).toBe('confirmed');
    expect(res.out).toContain('配信記録 2 行');
    expect(res.out).toContain(`${f.tagged}（confirmed）`);
    const ledger = await dynamo.query({
      TableName: reports,
      KeyConditionExpression: 'reportId = :r',
      ExpressionAttributeValues: { ':r': 'r-case' },
    });
    expect(ledger.Items?.map((i) => i.item)).toEqual([`to#${f.tagged}`]);
    for (const spelling of [
      f.mixed,
      f.lower,
      f.lower.toUpperCase().replace(/@(.*)$/, (_, d: string) => `@${d.toLowerCase()}`),
    ]) {
      expect(await store.isTombstoned(spelling), spelling).toBe(true);
    }
    expect(await store.isTombstoned(f.tagged)).toBe(false);
  });
});

async function tokenFor(id: string): Promise<string> {
  return unsubscribeToken(Buffer.from(testSecret, 'utf8'), id);
}
