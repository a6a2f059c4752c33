/**
 * Token rules: confirmation links expire (CONFIRM_TTL_HOURS), are single use, and are replaced
 * by a newer one; an expired link offers a new one; confirming twice is harmless; unsubscribe
 * tokens are HMACs checked in constant time (forged, truncated or altered → refused);
 * GET of any link, however often, changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { statusShard } from '../../functions/core/subscriber.ts';
import { newSubscriberId, unsubscribeToken } from '../../functions/core/tokens.ts';
import { formBody } from '../helpers/api-events.ts';
import { harness, HOUR, MINUTE, type Harness } from '../helpers/subscription.ts';
import { testSecret } from '../helpers/stack.ts';

const h = await harness();
const key = Buffer.from(testSecret, 'utf8');

const getConfirm = (hh: Harness, token: string) => hh.call({ path: '/confirm', query: { token } });
const postConfirm = (hh: Harness, token: string, extra: Record<string, string> = {}) =>
  hh.call({ method: 'POST', path: '/confirm', ...formBody({ token, ...extra }) });

/** Fetches a link five times, as a chain of mail scanners would, and checks the row is byte-identical. */
async function fetchFiveTimes(hh: Harness, email: string, path: string, token: string): Promise<number[]> {
  const before = await hh.rawItem(email);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await hh.call({ path, query: { token } })).statusCode);
  expect(await hh.rawItem(email)).toBe(before);
  return statuses;
}

describe('confirmation link lifetime', () => {
  it('works until 48 hours, then shows a friendly expired page that sends a new link', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const token = await h.latestConfirmToken(email);
    const sentAt = h.clock.now().getTime();

    h.clock.set(new Date(sentAt + 48 * HOUR - 1000).toISOString());
    expect((await getConfirm(h, token)).statusCode).toBe(200);

    h.clock.set(new Date(sentAt + 48 * HOUR).toISOString());
    expect(await fetchFiveTimes(h, email, '/confirm', token)).toEqual([410, 410, 410, 410, 410]);
    const expired = await getConfirm(h, token);
    expect(expired.body).toContain('リンクの有効期限が切れています');
    expect(expired.body).toContain('name="action" value="new-link"');
    const before = await h.rawItem(email);
    expect((await postConfirm(h, token)).statusCode).toBe(410);
    expect(await h.rawItem(email)).toBe(before);

    const again = await postConfirm(h, token, { action: 'new-link' });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('新しい確認メールをお送りしました');
    const fresh = await h.latestConfirmToken(email);
    expect(fresh).not.toBe(token);
    expect(fresh.slice(0, 22)).toBe(token.slice(0, 22)); // same subscriber id
    expect((await postConfirm(h, token)).statusCode).toBe(400); // the old link is replaced
    expect((await postConfirm(h, fresh)).statusCode).toBe(200);
    expect((await h.item(email))?.status).toBe('confirmed');
  });

  it('follows CONFIRM_TTL_HOURS', async () => {
    const short = await harness({ CONFIRM_TTL_HOURS: '2' });
    const email = short.stack.address();
    await short.subscribe(email);
    const token = await short.latestConfirmToken(email);
    short.clock.advance(2 * HOUR - 1000);
    expect((await getConfirm(short, token)).statusCode).toBe(200);
    short.clock.advance(1000);
    expect((await postConfirm(short, token)).statusCode).toBe(410);
    expect((await short.item(email))?.status).toBe('pending');
  });

  it('a "new link" request cannot be made with a token that is not the current one', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const first = await h.latestConfirmToken(email);
    h.clock.advance(11 * MINUTE);
    await h.subscribe(email);
    const mails = (await h.mails(email)).length;
    const res = await postConfirm(h, first, { action: 'new-link' });
    expect(res.statusCode).toBe(400);
    expect((await h.mails(email)).length).toBe(mails);
  });
});

describe('single use', () => {
  it('confirming twice is harmless and says so; the used link never re-subscribes after an unsubscribe', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const token = await h.latestConfirmToken(email);
    expect((await postConfirm(h, token)).statusCode).toBe(200);
    const confirmedRow = await h.rawItem(email);

    h.clock.advance(HOUR);
    const second = await postConfirm(h, token);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('購読はすでに確定しています');
    expect(await h.rawItem(email)).toBe(confirmedRow);
    expect(await fetchFiveTimes(h, email, '/confirm', token)).toEqual([200, 200, 200, 200, 200]);

    const unsub = await h.unsubscribeTokenOf(email);
    await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: unsub },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    const replay = await postConfirm(h, token);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('このリンクは使用できません');
    expect((await h.item(email))?.status).toBe('unsubscribed');
  });

  it('two confirmations racing each other confirm once', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const token = await h.latestConfirmToken(email);
    const results = await Promise.all([postConfirm(h, token), postConfirm(h, token), postConfirm(h, token)]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(results.filter((r) => r.body!.includes('購読が確定しました'))).toHaveLength(1);
  });

  it('a pending person who unsubscribes kills their confirmation link', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const token = await h.latestConfirmToken(email);
    const unsub = await h.unsubscribeTokenOf(email);
    expect((await h.call({ method: 'POST', path: '/unsubscribe', query: { token: unsub } })).statusCode).toBe(
      200,
    );
    expect((await postConfirm(h, token)).statusCode).toBe(400);
    const row = await h.item(email);
    expect(row).toMatchObject({
      status: 'unsubscribed',
      statusShard: statusShard('unsubscribed', row!.shard),
    });
    expect(row!.confirmTokenHash).toBeUndefined();
  });
});

const email = h.stack.address();
await h.confirmed(email);
const good = await h.unsubscribeTokenOf(email);

const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same bytes, spelled with other values in the unused low bits of the last character. */
const respell = (token: string, bits: number) =>
  token.slice(0, -1) + B64URL_ALPHABET[B64URL_ALPHABET.indexOf(token[token.length - 1]!) ^ bits];

describe('unsubscribe tokens', () => {
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const other = unsubscribeToken(key, newSubscriberId());

  const refused = [
    ['truncated by one character', good.slice(0, -1)],
    ['truncated to the id', good.slice(0, 22)],
    ['last MAC character changed', flip(good, good.length - 1)],
    ['first MAC character changed', flip(good, 22)],
    ['id changed, MAC kept', flip(good, 0)],
    ['another id with this MAC', other.slice(0, 22) + good.slice(22)],
    [
      'signed with another key',
      unsubscribeToken(Buffer.from('another-secret-0123456789abcdef0123'), good.slice(0, 22)),
    ],
    ['extra character', `${good}A`],
    ['base64 padding', `${good}=`],
    ['a character from standard base64', `${good.slice(0, -1)}+`],
    ['percent-encoded character', `${good.slice(0, -1)}%41`],
    ['empty', ''],
    // The MAC's last base64url character carries 4 bits and 2 unused ones: a decoder that
    // ignores the unused bits would take these other spellings of the genuine MAC.
    ...[1, 2, 3].map((bits): [string, string] => [
      `unused bits of the last character set to ${bits}`,
      respell(good, bits),
    ]),
    ['overlong', good.repeat(3)],
    [
      'full-width last character',
      good.slice(0, -1) + String.fromCharCode(good.charCodeAt(good.length - 1) + 0xfee0),
    ],
    ['upper-cased', good.toUpperCase()],
  ].filter(([, t]) => t !== good) as [string, string][];

  it.each(refused)('%s → refused, GET and POST, nothing changes', async (_name, token) => {
    const before = await h.rawItem(email);
    const page = await h.call({ path: '/unsubscribe', query: { token } });
    expect(page.statusCode).toBe(400);
    const post = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(post.statusCode).toBe(400);
    expect(await h.rawItem(email)).toBe(before);
  });

  it('the genuine token GETs a page five times without effect, then the POST works', async () => {
    expect(await fetchFiveTimes(h, email, '/unsubscribe', good)).toEqual([200, 200, 200, 200, 200]);
    const res = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: good },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(res.statusCode).toBe(200);
    expect((await h.item(email))?.status).toBe('unsubscribed');
    expect(await fetchFiveTimes(h, email, '/unsubscribe', good)).toEqual([200, 200, 200, 200, 200]);
  });

  it('a valid token for an erased or unknown subscriber is answered as done', async () => {
    const res = await h.call({ method: 'POST', path: '/unsubscribe', query: { token: other } });
    expect(res.statusCode).toBe(200);
  });

  it('leaves a bounced or complained subscriber in that stronger state', async () => {
    for (const status of ['bounced', 'complained'] as const) {
      const addr = h.stack.address();
      const row = await h.confirmed(addr);
      await dynamo.update({
        TableName: h.stack.env.SUBSCRIBERS_TABLE!,
        Key: { email: addr },
        UpdateExpression: 'SET #s = :s, statusShard = :ss',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':ss': statusShard(status, row.shard) },
      });
      const before = await h.rawItem(addr);
      const token = unsubscribeToken(key, row.id);
      const res = await h.call({
        method: 'POST',
        path: '/unsubscribe',
        query: { token },
        ...formBody({ 'List-Unsubscribe': 'One-Click' }),
      });
      expect(res.statusCode).toBe(200);
      expect(await h.rawItem(addr)).toBe(before);
    }
  });
});

describe('GET, HEAD and OPTIONS never change anything', () => {
  it('whatever the link, its state, the query, a body or a method-override header; five times each', async () => {
    const g = await harness();
    const table = g.stack.env.SUBSCRIBERS_TABLE!;
    const snapshot = async () =>
      JSON.stringify(
        ((await dynamo.scan({ TableName: table, ConsistentRead: true })).Items ?? []).sort((a, b) =>
          String(a.email).localeCompare(String(b.email)),
        ),
      );
    const expiredEmail = g.stack.address('expired');
    await g.subscribe(expiredEmail);
    const expired = await g.latestConfirmToken(expiredEmail);
    g.clock.advance(49 * HOUR);
    const pendingEmail = g.stack.address('pending');
    await g.subscribe(pendingEmail);
    const pending = await g.latestConfirmToken(pendingEmail);
    const confirmedEmail = g.stack.address('confirmed');
    await g.confirmed(confirmedEmail);
    const used = await g.latestConfirmToken(confirmedEmail);
    const unsubscribedEmail = g.stack.address('unsubscribed');
    await g.confirmed(unsubscribedEmail);
    const gone = await g.unsubscribeTokenOf(unsubscribedEmail);
    await g.call({ method: 'POST', path: '/unsubscribe', query: { token: gone } });
    const stop = await g.unsubscribeTokenOf(confirmedEmail);
    const pendingStop = await g.unsubscribeTokenOf(pendingEmail);
    const emails = [expiredEmail, pendingEmail, confirmedEmail, unsubscribedEmail];
    const mailCount = async () => (await Promise.all(emails.map((e) => g.mails(e)))).map((m) => m.length);

    const variants = (t: string) => [
      `token=${t}`,
      `token=${t}&action=new-link`,
      `token=${t}&List-Unsubscribe=One-Click`,
      `token=${t}&token=AAAA`,
      `token=AAAA&token=${t}`,
      `token=%20${t}%20&lang=en`,
      `token=${t}&_method=POST&method=POST`,
    ];
    const targets: [string, string][] = [
      ...[expired, pending, used].flatMap((t) => variants(t).map((q): [string, string] => ['/confirm', q])),
      ...[stop, pendingStop, gone].flatMap((t) =>
        variants(t).map((q): [string, string] => ['/unsubscribe', q]),
      ),
      ...['/', '/subscribe', '/robots.txt', '/nowhere'].map((p): [string, string] => [
        p,
        `email=${encodeURIComponent(pendingEmail)}&lang=en`,
      ]),
    ];
    const before = await snapshot();
    const mailsBefore = await mailCount();
    for (const [path, query] of targets) {
      const fields = Object.fromEntries(new URLSearchParams(query));
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        for (let i = 0; i < 5; i++) {
          const res = await g.call({
            method,
            path,
            query,
            headers: {
              'x-http-method-override': 'POST',
              'x-method-override': 'POST',
              ...formBody(fields).headers,
            },
            // Some clients send a body even with GET; it must not count either.
            ...(i % 2 ? { body: formBody(fields).body } : {}),
          });
          expect(res.statusCode).toBeLessThan(500);
          if (method === 'HEAD') expect(res.body).toBe('');
        }
      }
    }
    expect(await snapshot()).toBe(before);
    expect(await mailCount()).toEqual(mailsBefore);
  });
});

describe('confirmation tokens that are not the one we sent', () => {
  const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  const wide = (t: string) => t.slice(0, -1) + String.fromCharCode(t.charCodeAt(t.length - 1) + 0xfee0);

  it('forged, truncated, overlong, non-ASCII, re-encoded or duplicated: refused by GET, POST and "new link", nothing changes, nothing is sent', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const good = await h.latestConfirmToken(email);
    const forged: [string, string | Record<string, string>][] = [
      ['truncated by one', good.slice(0, -1)],
      ['only the id', good.slice(0, 22)],
      ['secret changed', flip(good, 40)],
      ['id changed', flip(good, 3)],
      ['one character more', `${good}A`],
      ['overlong', good.repeat(40)],
      ['full-width last character', wide(good)],
      ['Cyrillic homoglyph', good.replace(/[a]/, '\u0430').replace(/[A]/, '\u0410')],
      ['upper-cased', good.toUpperCase()],
      ['standard base64', good.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')).padEnd(68, '=')],
      ['inner space', `${good.slice(0, 30)} ${good.slice(30)}`],
      ['NUL inside', `${good.slice(0, 30)}\u0000${good.slice(31)}`],
      ['forged first, genuine second', `token=${flip(good, 40)}&token=${good}`],
    ].filter(([, t]) => t !== good) as [string, string][];

    const before = await h.rawItem(email);
    const mails = (await h.mails(email)).length;
    h.clock.advance(11 * MINUTE); // the address limit would allow a new email now
    for (const [name, token] of forged) {
      const query =
        typeof token === 'string' && token.startsWith('token=') ? token : { token: token as string };
      const body = typeof query === 'string' ? query : new URLSearchParams(query).toString();
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const got = [
        (await h.call({ path: '/confirm', query })).statusCode,
        (await h.call({ method: 'POST', path: '/confirm', query })).statusCode,
        (await h.call({ method: 'POST', path: '/confirm', body, headers: form })).statusCode,
        (await h.call({ method: 'POST', path: '/confirm', body: `${body}&action=new-link`, headers: form }))
          .statusCode,
      ];
      expect({ name, got }).toEqual({ name, got: [400, 400, 400, 400] });
    }
    expect(await h.rawItem(email)).toBe(before);
    expect(await h.mails(email)).toHaveLength(mails);
    // The genuine token still works afterwards: nothing above burned it.
    expect(
      (await h.call({ method: 'POST', path: '/confirm', ...formBody({ token: good }) })).statusCode,
    ).toBe(200);
  });
});

describe('duplicated unsubscribe tokens', () => {
  it('the first value counts: a forged one first is refused, whatever follows', async () => {
    const addr = h.stack.address();
    const row = await h.confirmed(addr);
    const genuine = unsubscribeToken(key, row.id);
    const forged = genuine.slice(0, 30) + (genuine[30] === 'A' ? 'B' : 'A') + genuine.slice(31);
    const before = await h.rawItem(addr);
    const query = `token=${forged}&token=${genuine}`;
    expect((await h.call({ path: '/unsubscribe', query })).statusCode).toBe(400);
    expect(
      (
        await h.call({
          method: 'POST',
          path: '/unsubscribe',
          query,
          ...formBody({ 'List-Unsubscribe': 'One-Click' }),
        })
      ).statusCode,
    ).toBe(400);
    expect(await h.rawItem(addr)).toBe(before);
  });
});
