/**
 * The edges of sign-up (issue 7, items 6, 7, 10): addresses that can never be delivered are
 * refused with a reason and nothing stored or sent; a client is counted before anything about
 * its request is judged; and "send me a new link" says so when the mailbox's limit refused it.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_LIMITS } from '../../functions/core/use-cases/rate-limits.ts';
import { formBody, jsonBody } from '../helpers/api-events.ts';
import { harness, HOUR, MINUTE } from '../helpers/subscription.ts';

const h = await harness();
let ipCounter = 1;
const freshIp = () => `10.77.${ipCounter++ & 255}.${(ipCounter >> 8) & 255}`;

describe('undeliverable addresses at sign-up', () => {
  const undeliverable: [string, string][] = [
    ['taro@mail.test', 'reserved-domain'],
    ['Taro@News.Example', 'reserved-domain'],
    ['taro@nowhere.invalid', 'reserved-domain'],
    ['root@app.localhost', 'reserved-domain'],
    ['taro@printer.local', 'reserved-domain'],
    ['taro@duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion', 'reserved-domain'],
    ['taro@nas.home.arpa', 'reserved-domain'],
    ['taro@ad.corp', 'reserved-domain'],
    ['victim%target.example.jp@relay.example.jp', 'source-route'],
    ['relay!victim@uucp.example.jp', 'source-route'],
    ['taro@[203.0.113.5]', 'address-literal'],
    ['taro@203.0.113.5', 'address-literal'],
    ['taro@[IPv6:2001:db8::5]', 'address-literal'],
    ['taro@localhost', 'domain'],
  ];

  it.each(undeliverable)(
    'refuses %j (%s): 400 with the reason, nothing stored, nothing sent',
    async (address, problem) => {
      const json = await h.call({
        method: 'POST',
        path: '/subscribe',
        ...jsonBody({ email: address }),
        sourceIp: freshIp(),
      });
      expect(json.statusCode).toBe(400);
      expect(JSON.parse(json.body ?? '{}')).toMatchObject({ error: 'invalid_email', problem });
      const page = await h.subscribe(address, { lang: 'en' }, { sourceIp: freshIp() });
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('role="alert"');
      const stored = address.replace(/@(.*)$/, (_, d: string) => `@${d.toLowerCase()}`);
      expect(await h.item(stored)).toBeUndefined();
      expect(await h.mails(stored)).toEqual([]);
    },
  );

  it('explains each new refusal in Japanese by default', async () => {
    const problems = new Map<string, string>();
    for (const [address, problem] of [
      ['taro@mail.test', 'reserved-domain'],
      ['a%b@example.jp', 'source-route'],
      ['taro@[192.0.2.1]', 'address-literal'],
    ]) {
      const res = await h.subscribe(address!, {}, { sourceIp: freshIp() });
      expect(res.statusCode).toBe(400);
      const message = /role="alert">([^<]+)</.exec(res.body ?? '')?.[1];
      expect(message, address).toMatch(/[ぁ-んァ-ン一-龯]/);
      problems.set(problem!, message!);
    }
    expect(new Set(problems.values()).size).toBe(3);
  });

  it('still accepts addresses whose labels only look reserved, and the SES mailbox simulator', async () => {
    for (const address of [
      `t${Date.now()}@test.com`,
      `t${Date.now()}@local.example.jp`,
      `success+${Date.now()}@simulator.amazonses.com`,
    ]) {
      expect((await h.subscribe(address, {}, { sourceIp: freshIp() })).statusCode, address).toBe(200);
      expect(await h.mails(address)).toHaveLength(1);
    }
  });
});

describe('per-client fairness: the client is counted before its request is judged', () => {
  const max = CLIENT_LIMITS[0]!.max;

  it(`${max} invalid addresses from one client use up its budget; its next valid sign-up is refused, another client's is not`, async () => {
    const ip = freshIp();
    for (let i = 0; i < max; i++) {
      const bad = ['not-an-address', 'taro@mail.test', `x%${i}@example.jp`, ''][i % 4]!;
      expect((await h.subscribe(bad, {}, { sourceIp: ip })).statusCode).toBe(400);
    }
    const email = h.stack.address();
    const refused = await h.subscribe(email, {}, { sourceIp: ip });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['Retry-After']).toMatch(/^\d+$/);
    expect(await h.item(email)).toBeUndefined();
    expect((await h.subscribe(email, {}, { sourceIp: freshIp() })).statusCode).toBe(200);
  });

  it('bot requests (honeypot filled) count too', async () => {
    const ip = freshIp();
    for (let i = 0; i < max; i++) {
      expect(
        (await h.subscribe(h.stack.address(), { website: 'http://bot' }, { sourceIp: ip })).statusCode,
      ).toBe(200);
    }
    expect((await h.subscribe(h.stack.address(), {}, { sourceIp: ip })).statusCode).toBe(429);
  });

  it("a flood of sign-ups from one client never blocks anyone's one-click unsubscribe", async () => {
    const reader = h.stack.address();
    await h.confirmed(reader);
    const token = await h.unsubscribeTokenOf(reader);
    const ip = freshIp();
    for (let i = 0; i <= max; i++) await h.subscribe(h.stack.address(), {}, { sourceIp: ip });
    expect((await h.subscribe(h.stack.address(), {}, { sourceIp: ip })).statusCode).toBe(429);
    const res = await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: `token=${token}`,
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
      sourceIp: ip,
    });
    expect(res.statusCode).toBe(200);
    expect((await h.item(reader))?.status).toBe('unsubscribed');
  });
});

describe('honest pages: a new confirmation link refused by the mailbox limit', () => {
  const postConfirm = (token: string, extra: Record<string, string> = {}) =>
    h.call({ method: 'POST', path: '/confirm', ...formBody({ token, ...extra }), sourceIp: freshIp() });

  it('says to wait (with how long and the button again) instead of "sent", sends nothing, and works after the wait', async () => {
    const email = h.stack.address();
    const [local, domain] = email.split('@') as [string, string];
    await h.subscribe(email, {}, { sourceIp: freshIp() });
    const expired = await h.latestConfirmToken(email);
    h.clock.advance(49 * HOUR);
    // Another spelling of the same mailbox takes the mailbox's one email per 10 minutes.
    const variant = `${local.toUpperCase()}+again@${domain}`;
    expect((await h.subscribe(variant, {}, { sourceIp: freshIp() })).statusCode).toBe(200);
    expect(await h.mails(variant)).toHaveLength(1);
    const mails = (await h.mails(email)).length;

    const ja = await postConfirm(expired, { action: 'new-link' });
    expect(ja.statusCode).toBe(429);
    expect(ja.headers['Retry-After']).toBe('600');
    expect(ja.body).toContain('新しい確認メールはまだお送りできません');
    expect(ja.body).toContain('約10分');
    expect(ja.body).not.toContain('お送りしました');
    expect(ja.body).toContain('name="action" value="new-link"');
    const en = await postConfirm(expired, { action: 'new-link', lang: 'en' });
    expect(en.body).toContain('We cannot send a new confirmation email yet');
    expect(en.body).toMatch(/wait about (9|10) minutes/);
    const json = await h.call({
      method: 'POST',
      path: '/confirm',
      ...jsonBody({ token: expired, action: 'new-link' }),
      sourceIp: freshIp(),
    });
    expect(json.statusCode).toBe(429);
    expect(JSON.parse(json.body ?? '{}')).toMatchObject({ ok: false, error: 'address_limited' });
    expect(await h.mails(email)).toHaveLength(mails);

    h.clock.advance(10 * MINUTE);
    const later = await postConfirm(expired, { action: 'new-link' });
    expect(later.statusCode).toBe(200);
    expect(later.body).toContain('新しい確認メールをお送りしました');
    expect(await h.mails(email)).toHaveLength(mails + 1);
  });

  it("counts the wait in hours when the day's three emails are spent", async () => {
    const email = h.stack.address();
    const [local, domain] = email.split('@') as [string, string];
    await h.subscribe(email, {}, { sourceIp: freshIp() });
    const first = await h.latestConfirmToken(email);
    h.clock.advance(48 * HOUR + MINUTE);
    for (const tag of ['a', 'b', 'c']) {
      await h.subscribe(`${local}+${tag}@${domain}`, {}, { sourceIp: freshIp() });
      h.clock.advance(11 * MINUTE);
    }
    const res = await postConfirm(first, { action: 'new-link', lang: 'en' });
    expect(res.statusCode).toBe(429);
    expect(res.body).toMatch(/wait about 2[34] hours/);
  });
});
