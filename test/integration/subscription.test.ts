/**
 * The double opt-in and unsubscribe paths end to end, through the real handler, DynamoDB
 * Local and the SES emulator: subscribe → read the email → GET the link (changes nothing) →
 * POST confirm → GET unsubscribe (changes nothing) → RFC 8058 one-click POST.
 */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/core/tokens.ts';
import { createHandler } from '../../functions/http/app.ts';
import { apiEvent, formBody, jsonBody } from '../helpers/api-events.ts';
import { header } from '../helpers/inbox.ts';
import { harness } from '../helpers/subscription.ts';

const h = await harness();

describe('subscribe', () => {
  it('stores a pending subscriber with only the token hash, and mails the confirmation link', async () => {
    const email = h.stack.address();
    const res = await h.subscribe(email, { lang: 'ja', source: 'hosted-form' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('確認メールをお送りしました');

    const row = await h.item(email);
    expect(row).toMatchObject({ email, status: 'pending', locale: 'ja' });
    expect(row!.statusShard).toBe(`pending#${String(row!.shard).padStart(2, '0')}`);
    expect(row!.id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const [mail, ...more] = await h.mails(email);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toContain('テスト脅威レポート');
    const token = await h.latestConfirmToken(email);
    expect(token.startsWith(row!.id)).toBe(true);
    expect(mail!.body.html).toContain(`https://news.example.jp/confirm?token=${token}`);
    // The table holds the hash of the secret part, never the token itself.
    expect(row!.confirmTokenHash).toBe(sha256Hex(token.slice(22)));
    expect(await h.rawItem(email)).not.toContain(token.slice(22));
  });

  it('answers JSON with JSON and normalises the domain to lower case', async () => {
    const local = `Reader.${Date.now()}`;
    const res = await h.call({
      method: 'POST',
      path: '/subscribe',
      ...jsonBody({ email: `  ${local}@Example.COM ` }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body!)).toMatchObject({ ok: true, status: 'accepted' });
    expect(await h.item(`${local}@example.com`)).toMatchObject({ status: 'pending' });
  });

  it('stores the requested language and mails in it', async () => {
    const email = h.stack.address();
    expect((await h.subscribe(email, { lang: 'en' })).body).toContain('Check your inbox');
    expect((await h.item(email))?.locale).toBe('en');
    const [mail] = await h.mails(email);
    expect(mail!.body.text).toMatch(/confirm/i);
  });
});

describe('confirm', () => {
  it('GET shows a button and changes nothing, however often; POST confirms and records consent', async () => {
    const email = h.stack.address();
    await h.subscribe(
      email,
      { source: 'hosted-form' },
      { sourceIp: '203.0.113.50', userAgent: 'Signup/1.0' },
    );
    const token = await h.latestConfirmToken(email);
    const before = await h.rawItem(email);

    for (let i = 0; i < 5; i++) {
      const page = await h.call({ path: '/confirm', query: { token } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('購読を確定する');
      expect(page.body).toMatch(/<form method="post" action="confirm">/);
    }
    expect(await h.rawItem(email)).toBe(before);

    const res = await h.call({
      method: 'POST',
      path: '/confirm',
      ...formBody({ token }),
      sourceIp: '203.0.113.51',
      userAgent: 'Confirm/2.0',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('購読が確定しました');
    const row = await h.item(email);
    expect(row).toMatchObject({
      status: 'confirmed',
      statusShard: `confirmed#${String(row!.shard).padStart(2, '0')}`,
      confirmedAt: h.clock.now().toISOString(),
      consent: {
        at: h.clock.now().toISOString(),
        sourceIp: '203.0.113.51',
        userAgent: 'Confirm/2.0',
        source: 'hosted-form',
        policyVersion: '1',
        signup: { sourceIp: '203.0.113.50', userAgent: 'Signup/1.0', source: 'hosted-form' },
      },
    });
    expect(row!.confirmTokenHash).toBeUndefined();
    expect(row!.confirmExpiresAt).toBeUndefined();
    expect(row!.expiresAt).toBeUndefined();
  });
});

describe('unsubscribe', () => {
  it('GET shows a button and changes nothing; the one-click POST unsubscribes at once', async () => {
    const email = h.stack.address();
    const row = await h.confirmed(email);
    const token = await h.unsubscribeTokenOf(email);
    const before = await h.rawItem(email);
    for (let i = 0; i < 5; i++) {
      const page = await h.call({ path: '/unsubscribe', query: { token } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('配信を停止する');
      expect(page.body).toContain(`action="unsubscribe?token=${token}"`);
    }
    expect(await h.rawItem(email)).toBe(before);

    const res = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect(res.headers.Location).toBeUndefined();
    expect(res.headers['Set-Cookie']).toBeUndefined();
    expect(Buffer.byteLength(res.body!)).toBeLessThan(100);
    expect(await h.item(email)).toMatchObject({
      status: 'unsubscribed',
      statusShard: `unsubscribed#${String(row.shard).padStart(2, '0')}`,
      unsubscribedAt: h.clock.now().toISOString(),
    });
  });

  it("the page's own form unsubscribes too, and a repeat is harmless", async () => {
    const email = h.stack.address();
    await h.confirmed(email);
    const token = await h.unsubscribeTokenOf(email);
    const page = await h.call({ path: '/unsubscribe', query: { token, lang: 'en' } });
    expect(page.body).toContain('<html lang="en">');
    const res = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      ...formBody({ lang: 'en' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('You have been unsubscribed');
    const after = await h.rawItem(email);
    h.clock.advance(60_000);
    const again = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(again.statusCode).toBe(200);
    expect(await h.rawItem(email)).toBe(after);
  });

  it('a link that does not check out still offers a way to stop the mails: the unsubscribe mailbox, and the contact', async () => {
    // The mailbox comes from UNSUBSCRIBE_MAILTO through the site settings.
    const handle = createHandler({
      ...h.deps,
      site: { ...h.deps.site, unsubscribeMailto: h.stack.config.unsubscribeMailto },
    });
    const email = h.stack.address();
    await h.confirmed(email);
    const good = await h.unsubscribeTokenOf(email);
    const forged = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    const before = await h.rawItem(email);
    const answers = [
      await handle(apiEvent({ path: '/unsubscribe', query: { token: forged } })),
      await handle(apiEvent({ path: '/unsubscribe', query: { token: good.slice(0, 30), lang: 'en' } })),
      await handle(
        apiEvent({
          method: 'POST',
          path: '/unsubscribe',
          query: { token: forged },
          ...formBody({ lang: 'en' }),
        }),
      ),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(
        '<a href="mailto:unsubscribe@example.jp?subject=unsubscribe">unsubscribe@example.jp</a>',
      );
      expect(res.body!.replaceAll('<wbr>', '')).toMatch(
        /(ご不明な点は|If you need help, contact) <a href="mailto:contact@example.jp">contact@example.jp<\/a>/,
      );
    }
    expect(answers[0]!.body!.replaceAll('<wbr>', '')).toContain('ニュースレターを受け取っているアドレスから');
    expect(answers[2]!.body).toContain('from the address that receives them');
    expect(await h.rawItem(email)).toBe(before);
  });

  it('does not offer the mailbox once a function reads it (INBOUND_UNSUBSCRIBE): a mail without a token would do nothing', async () => {
    const inbound = await harness({ INBOUND_UNSUBSCRIBE: 'true' });
    const email = inbound.stack.address();
    await inbound.confirmed(email);
    const forged = (await inbound.unsubscribeTokenOf(email)).slice(0, 40);
    for (const lang of ['ja', 'en']) {
      const res = await inbound.call({ path: '/unsubscribe', query: { token: forged, lang } });
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('unsubscribe@example.jp');
      expect(res.body!.replaceAll('<wbr>', '')).toMatch(
        /(ご不明な点は|If you need help, contact) <a href="mailto:contact@example.jp">contact@example.jp<\/a>/,
      );
    }
  });
});

describe('the confirmation email', () => {
  it('is sent with our From and no List-Unsubscribe (nobody is subscribed yet)', async () => {
    const email = h.stack.address();
    await h.subscribe(email);
    const [mail] = await h.mails(email);
    expect(mail!.from).toContain('news@example.jp');
    expect(header(mail!, 'List-Unsubscribe')).toBeUndefined();
  });
});
