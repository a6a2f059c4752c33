/**
 * The sign-up form cannot be used to mail-bomb strangers or to learn who subscribes:
 * honeypot, per-address email limit (1 / 10 min, 3 / 24 h), per-client limit, one neutral
 * answer for every state, fresh double opt-in for unsubscribed/bounced/complained addresses,
 * and nothing the requester typed in any email except their own address.
 */
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { dynamoSubscriberFeedback } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import { dynamoLedger } from '../../functions/adapters/dynamo-ledger.ts';
import { dynamoSubscriberStore } from '../../functions/adapters/dynamo-subscriber-store.ts';
import { parseSesLambdaEvent } from '../../functions/core/ses-event.ts';
import { recordSesEvent } from '../../functions/core/use-cases/record-ses-event.ts';
import { fixture, viaEventBridge } from '../helpers/ses-events.ts';
import { statusShard, type SubscriberStatus } from '../../functions/core/subscriber.ts';
import { CLIENT_LIMITS, IPV6_SITE_LIMITS } from '../../functions/core/use-cases/rate-limits.ts';
import { formBody, jsonBody, multipartBody } from '../helpers/api-events.ts';
import { harness, HOUR, MINUTE, virtualTimer, type Harness } from '../helpers/subscription.ts';

const h = await harness();

async function setStatus(hh: Harness, email: string, status: SubscriberStatus) {
  const row = await hh.item(email);
  await dynamo.update({
    TableName: hh.stack.env.SUBSCRIBERS_TABLE!,
    Key: { email },
    UpdateExpression: 'SET #s = :s, statusShard = :ss',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':s': status, ':ss': statusShard(status, row!.shard) },
  });
}

/** What `subscribers delete` does: the row goes, a hashed tombstone stays. */
async function eraseSubscriber(hh: Harness, email: string) {
  await dynamoSubscriberStore(dynamo, hh.stack.env.SUBSCRIBERS_TABLE!).erase(
    email,
    hh.clock.now().toISOString(),
  );
  expect(await hh.item(email)).toBeUndefined();
}

/** A distinct client address per call, so the per-client limit stays out of the way. */
let ipCounter = 0;
const freshIp = () => `10.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}.1`;

describe('honeypot', () => {
  it('a filled hidden field gets the normal answer, and nothing is stored or sent', async () => {
    const email = h.stack.address();
    const normal = await h.subscribe(h.stack.address(), {}, { sourceIp: freshIp() });
    const bot = await h.subscribe(email, { website: 'https://spam.example' }, { sourceIp: freshIp() });
    expect(bot.statusCode).toBe(200);
    expect(bot.body).toBe(normal.body);
    expect(await h.item(email)).toBeUndefined();
    expect(await h.mails(email)).toHaveLength(0);
  });

  it('the hosted form has the field, hidden from people and out of the tab order', async () => {
    const page = await h.call({ path: '/' });
    expect(page.body).toMatch(
      /<div class="hp" aria-hidden="true">.*<input id="website" name="website" type="text" tabindex="-1" autocomplete="off">/s,
    );
  });
});

describe('confirmation emails per address', () => {
  it('one per 10 minutes and three per 24 hours, whatever the requests', async () => {
    const email = h.stack.address();
    const start = h.clock.now().getTime();
    const at = (ms: number) => h.clock.set(new Date(start + ms).toISOString());
    const count = async () => (await h.mails(email)).length;
    const ask = async () =>
      expect((await h.subscribe(email, {}, { sourceIp: freshIp() })).statusCode).toBe(200);

    await ask();
    expect(await count()).toBe(1);
    at(9 * MINUTE);
    await ask();
    await ask();
    expect(await count()).toBe(1);
    at(10 * MINUTE);
    await ask();
    expect(await count()).toBe(2);
    at(20 * MINUTE);
    await ask();
    expect(await count()).toBe(3);
    at(60 * MINUTE);
    await ask();
    at(23 * HOUR);
    await ask();
    expect(await count()).toBe(3);
    at(24 * HOUR);
    await ask();
    expect(await count()).toBe(4);
  });

  it('counts per mailbox: case, +tag and Gmail-dot variants of one address share the limit', async () => {
    const tag = `${Date.now().toString(36)}${ipCounter}`;
    const corp = [
      `taro.${tag}@corp.example.jp`,
      `Taro.${tag}@corp.example.jp`,
      `TARO.${tag.toUpperCase()}@CORP.example.jp`,
      `taro.${tag}+news@corp.example.jp`,
      `taro.${tag}+1@corp.example.jp`,
      `"taro.${tag}+2"@corp.example.jp`,
    ];
    const gmail = [
      `hanako.${tag}@gmail.com`,
      `hanako${tag}@gmail.com`,
      `h.a.n.a.k.o.${tag}+x@googlemail.com`,
      `Hanako.${tag}@GMail.com`,
    ];
    for (const variants of [corp, gmail]) {
      for (const v of variants)
        expect((await h.subscribe(v, {}, { sourceIp: freshIp() })).statusCode).toBe(200);
      const stored = new Set(
        variants.map((v) => v.replace(/^"(.*)"@/, '$1@').replace(/@.*/, (d) => d.toLowerCase())),
      );
      let mails = 0;
      for (const v of stored) mails += (await h.mails(v)).length;
      expect(mails).toBe(1);
    }
  });

  it('ten simultaneous requests for variants of one mailbox, from ten clients, send one email', async () => {
    const local = `burst.${Date.now().toString(36)}${ipCounter}`;
    const variants = Array.from(
      { length: 10 },
      (_, i) => `${i % 2 ? local.toUpperCase() : local}+${i}@corp.example.jp`,
    );
    const answers = await Promise.all(variants.map((v) => h.subscribe(v, {}, { sourceIp: freshIp() })));
    expect(answers.map((a) => a.statusCode)).toEqual(variants.map(() => 200));
    let mails = 0;
    for (const v of variants) mails += (await h.mails(v)).length;
    expect(mails).toBe(1);
  });

  it('the "new link" button obeys the same limit, and its page says so instead of "sent"', async () => {
    const email = h.stack.address();
    await h.subscribe(email, {}, { sourceIp: freshIp() });
    const token = await h.latestConfirmToken(email);
    const res = await h.call({
      method: 'POST',
      path: '/confirm',
      ...formBody({ token, action: 'new-link' }),
    });
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('新しい確認メールはまだお送りできません');
    expect(await h.mails(email)).toHaveLength(1);
  });
});

describe('requests per client', () => {
  it(`refuses sign-up number ${CLIENT_LIMITS[0]!.max + 1} within 10 minutes from one client with 429, others unaffected`, async () => {
    const ip = '192.0.2.77';
    const max = CLIENT_LIMITS[0]!.max;
    for (let i = 0; i < max; i++)
      expect((await h.subscribe(h.stack.address(), {}, { sourceIp: ip })).statusCode).toBe(200);
    const victim = h.stack.address();
    const refused = await h.subscribe(victim, {}, { sourceIp: ip });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThan(0);
    expect(refused.body).toContain('しばらくしてからお試しください');
    expect(await h.item(victim)).toBeUndefined();
    expect(await h.mails(victim)).toHaveLength(0);

    const json = await h.call({
      method: 'POST',
      path: '/subscribe',
      ...jsonBody({ email: victim }),
      sourceIp: ip,
    });
    expect(json.statusCode).toBe(429);
    expect(JSON.parse(json.body!)).toMatchObject({ ok: false, error: 'rate_limited' });

    expect((await h.subscribe(victim, {}, { sourceIp: '192.0.2.78' })).statusCode).toBe(200);
  });

  it('counts a whole IPv6 /64 as one client', async () => {
    const limited = await harness();
    const max = CLIENT_LIMITS[0]!.max;
    for (let i = 0; i < max; i++) {
      await limited.subscribe(
        limited.stack.address(),
        {},
        { sourceIp: `2001:db8:5:6::${(i + 1).toString(16)}` },
      );
    }
    const res = await limited.subscribe(
      limited.stack.address(),
      {},
      { sourceIp: '2001:db8:5:6:ffff:ffff:ffff:ffff' },
    );
    expect(res.statusCode).toBe(429);
    expect(
      (await limited.subscribe(limited.stack.address(), {}, { sourceIp: '2001:db8:5:7::1' })).statusCode,
    ).toBe(200);
  });

  it('also counts a whole IPv6 /48, so hopping between the /64s of one routed prefix does not escape', async () => {
    const limited = await harness();
    const max = IPV6_SITE_LIMITS[0]!.max;
    // Every request from its own /64, all inside 2001:db8:77::/48.
    const from = (i: number) => `2001:db8:77:${i.toString(16)}::1`;
    for (let i = 0; i < max; i++) {
      expect((await limited.subscribe(limited.stack.address(), {}, { sourceIp: from(i) })).statusCode).toBe(
        200,
      );
    }
    const victim = limited.stack.address();
    expect((await limited.subscribe(victim, {}, { sourceIp: from(max) })).statusCode).toBe(429);
    expect(await limited.mails(victim)).toHaveLength(0);
    expect((await limited.subscribe(victim, {}, { sourceIp: '2001:db8:78::1' })).statusCode).toBe(200);
  });

  it('counts the source IP API Gateway saw, never a forwarding header the client can write', async () => {
    const limited = await harness();
    const max = CLIENT_LIMITS[0]!.max;
    const spoof = (i: number) => {
      const ip = `198.18.${i}.${i + 1}`;
      return {
        'x-forwarded-for': ip,
        'x-real-ip': ip,
        forwarded: `for=${ip}`,
        'true-client-ip': ip,
        'cf-connecting-ip': ip,
      };
    };
    for (let i = 0; i < max; i++) {
      await limited.subscribe(
        limited.stack.address(),
        {},
        { sourceIp: '192.0.2.99', headers: { ...formBody({}).headers, ...spoof(i) } },
      );
    }
    const res = await limited.subscribe(
      limited.stack.address(),
      {},
      { sourceIp: '192.0.2.99', headers: { ...formBody({}).headers, ...spoof(max) } },
    );
    expect(res.statusCode).toBe(429);
    // And the same forged header from another source IP is not blamed for them.
    const other = await limited.subscribe(
      limited.stack.address(),
      {},
      { sourceIp: '192.0.2.100', headers: { ...formBody({}).headers, ...spoof(0) } },
    );
    expect(other.statusCode).toBe(200);
  });

  it('lets the window pass', async () => {
    const limited = await harness();
    const ip = '192.0.2.90';
    for (let i = 0; i <= CLIENT_LIMITS[0]!.max; i++)
      await limited.subscribe(limited.stack.address(), {}, { sourceIp: ip });
    expect((await limited.subscribe(limited.stack.address(), {}, { sourceIp: ip })).statusCode).toBe(429);
    limited.clock.advance(10 * MINUTE);
    expect((await limited.subscribe(limited.stack.address(), {}, { sourceIp: ip })).statusCode).toBe(200);
  });
});

describe('no enumeration', () => {
  it('every state gets one byte-identical answer (status, headers, body, length), as form, JSON and multipart, in ja and en', async () => {
    const states: Record<string, string> = {};
    states.new = h.stack.address();
    states.pending = h.stack.address();
    await h.subscribe(states.pending, {}, { sourceIp: freshIp() });
    states.limited = h.stack.address(); // its first request below sends, the others are inside 10 minutes
    states.confirmed = h.stack.address();
    await h.confirmed(states.confirmed);
    for (const s of ['unsubscribed', 'bounced', 'complained'] as const) {
      states[s] = h.stack.address();
      await h.confirmed(states[s]);
      await setStatus(h, states[s], s);
    }
    states.tombstoned = h.stack.address();
    await h.confirmed(states.tombstoned);
    await eraseSubscriber(h, states.tombstoned);
    states.variant = states.confirmed.toUpperCase().replace('EXAMPLE.COM', 'Example.Com');

    const ask = (email: string, lang: string, format: 'form' | 'json' | 'multipart', website = '') => {
      const fields = { email, lang, ...(website ? { website } : {}) };
      const body =
        format === 'form' ? formBody(fields) : format === 'json' ? jsonBody(fields) : multipartBody(fields);
      return h.call({ method: 'POST', path: '/subscribe', ...body, sourceIp: freshIp() });
    };
    const answerOf = async (email: string, website = '') => {
      const parts: unknown[] = [];
      for (const lang of ['ja', 'en']) {
        for (const format of ['form', 'json', 'multipart'] as const) {
          const res = await ask(email, lang, format, website);
          parts.push([res.statusCode, res.headers, Buffer.byteLength(res.body ?? ''), res.body, res.cookies]);
        }
      }
      return JSON.stringify(parts);
    };
    const answers = new Map<string, string>();
    for (const [state, email] of Object.entries(states)) answers.set(state, await answerOf(email));
    answers.set('bot', await answerOf(h.stack.address(), 'https://spam.example'));
    expect(new Set(answers.values()).size).toBe(1);
    expect(JSON.parse(answers.get('new')!)[0][0]).toBe(200);
  });

  it('a client over its limit gets one identical 429 whatever the address', async () => {
    const limited = await harness();
    const ip = '192.0.2.123';
    const confirmed = limited.stack.address();
    await limited.confirmed(confirmed);
    for (let i = 0; i < CLIENT_LIMITS[0]!.max; i++)
      await limited.subscribe(limited.stack.address(), {}, { sourceIp: ip });
    const answers = new Set<string>();
    for (const email of [limited.stack.address(), confirmed, confirmed.toUpperCase()]) {
      const res = await limited.subscribe(email, {}, { sourceIp: ip });
      expect(res.statusCode).toBe(429);
      answers.add(JSON.stringify([res.headers, res.body]));
    }
    expect(answers.size).toBe(1);
  });

  it('every neutral answer is held to the same floor, so the branch that renders and sends mail does not stand out by latency', async () => {
    const timer = virtualTimer();
    const floorMs = 60_000; // far above any real run time: only the hold can reach it
    const t = await harness({}, { answerFloor: { ms: floorMs, ...timer } });
    const confirmed = t.stack.address();
    await t.confirmed(confirmed);
    const bounced = t.stack.address();
    await t.confirmed(bounced);
    await setStatus(t, bounced, 'bounced');
    const fresh = t.stack.address();
    const cases: [string, () => Promise<unknown>][] = [
      ['new (renders and sends)', () => t.subscribe(fresh, {}, { sourceIp: freshIp() })],
      ['address-limited', () => t.subscribe(fresh, {}, { sourceIp: freshIp() })],
      ['confirmed', () => t.subscribe(confirmed, {}, { sourceIp: freshIp() })],
      ['bounced (sends)', () => t.subscribe(bounced, {}, { sourceIp: freshIp() })],
      ['honeypot', () => t.subscribe(t.stack.address(), { website: 'x' }, { sourceIp: freshIp() })],
      [
        'JSON',
        () =>
          t.call({
            method: 'POST',
            path: '/subscribe',
            ...jsonBody({ email: confirmed }),
            sourceIp: freshIp(),
          }),
      ],
    ];
    for (const [name, request] of cases) {
      const start = timer.now();
      await request();
      expect({ name, held: timer.now() - start >= floorMs }).toEqual({ name, held: true });
    }
    // Answers that do not depend on the address are not held.
    const sleptBefore = timer.slept();
    expect((await t.subscribe('not-an-address', {}, { sourceIp: freshIp() })).statusCode).toBe(400);
    expect(timer.slept()).toBe(sleptBefore);
  });

  it('a confirmed address is not mailed and not changed by a sign-up request', async () => {
    const email = h.stack.address();
    await h.confirmed(email);
    h.clock.advance(HOUR);
    const before = await h.rawItem(email);
    const mails = (await h.mails(email)).length;
    await h.subscribe(email, { lang: 'en' }, { sourceIp: freshIp() });
    expect(await h.rawItem(email)).toBe(before);
    expect(await h.mails(email)).toHaveLength(mails);
  });
});

describe('coming back after unsubscribe, bounce or complaint', () => {
  it.each(['unsubscribed', 'bounced', 'complained'] as const)(
    'a %s address gets a fresh confirmation and stays %s until the person confirms',
    async (status) => {
      const email = h.stack.address();
      const first = await h.confirmed(email);
      await setStatus(h, email, status);
      h.clock.advance(HOUR);
      await h.subscribe(email, {}, { sourceIp: freshIp(), userAgent: 'Again/1.0' });
      const waiting = await h.item(email);
      expect(waiting).toMatchObject({ status, statusShard: statusShard(status, first.shard), id: first.id });
      expect(waiting!.expiresAt).toBeUndefined(); // suppression rows never expire
      const token = await h.latestConfirmToken(email);
      const res = await h.call({
        method: 'POST',
        path: '/confirm',
        ...formBody({ token }),
        userAgent: 'Again/1.0',
      });
      expect(res.statusCode).toBe(200);
      const back = await h.item(email);
      expect(back).toMatchObject({
        status: 'confirmed',
        statusShard: statusShard('confirmed', first.shard),
        confirmedAt: h.clock.now().toISOString(),
        consent: { userAgent: 'Again/1.0', signup: { userAgent: 'Again/1.0' } },
      });
    },
  );
});

describe('a mailbox that bounced or complained', () => {
  /** The real SES sample for this address, through the same use case and stores as the ses-events function. */
  async function sesSays(kind: 'bounce' | 'complaint', email: string) {
    const detail = fixture(`ses-eventpub-via-sns__${kind}.json`) as any;
    if (kind === 'bounce') detail.bounce.bouncedRecipients[0].emailAddress = email;
    else detail.complaint.complainedRecipients[0].emailAddress = email;
    detail.mail.destination = [email];
    const batch = parseSesLambdaEvent(
      viaEventBridge(detail, kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received'),
    );
    expect(batch.events).toHaveLength(1);
    const table = h.stack.env.SUBSCRIBERS_TABLE!;
    await recordSesEvent(
      {
        ledger: dynamoLedger(dynamo, h.stack.config.tables),
        subscribers: dynamoSubscriberFeedback(dynamo, table),
        mailboxes: dynamoRateLimitStore(dynamo, table),
        clock: h.clock,
      },
      batch.events[0]!,
    );
  }

  it.each(['bounce', 'complaint'] as const)(
    'after a %s, sign-ups for it get one confirmation a week, in every spelling of the mailbox',
    async (kind) => {
      const tag = `${kind}${Date.now().toString(36)}${ipCounter}`;
      const email = `taro.${tag}@corp.example.jp`;
      const variant = `Taro.${tag}+again@corp.example.jp`;
      await h.confirmed(email);
      h.clock.advance(HOUR);
      await sesSays(kind, email);
      expect((await h.item(email))?.status).toBe(kind === 'bounce' ? 'bounced' : 'complained');
      const start = h.clock.now().getTime();
      const at = (ms: number) => h.clock.set(new Date(start + ms).toISOString());
      const sent = async () => (await h.mails(email)).length + (await h.mails(variant)).length;
      const ask = async (who: string) =>
        expect((await h.subscribe(who, {}, { sourceIp: freshIp() })).statusCode).toBe(200);
      const before = await sent();

      // The first one after it still goes out: the person may really want back in.
      await ask(email);
      expect(await sent()).toBe(before + 1);
      // The ordinary limit would allow more today; this mailbox gets none, whatever the spelling.
      for (const ms of [11 * MINUTE, 2 * HOUR, 25 * HOUR, 6 * 24 * HOUR]) {
        at(ms);
        await ask(email);
        await ask(variant);
      }
      expect(await sent()).toBe(before + 1);
      at(7 * 24 * HOUR);
      await ask(variant);
      expect(await sent()).toBe(before + 2);
      // The mailbox is still what it was: only pressing the button in such an email brings it back.
      expect((await h.item(email))?.status).toBe(kind === 'bounce' ? 'bounced' : 'complained');
    },
  );

  it('is marked even with no row for it (erased, or a sign-up never stored), and other mailboxes keep the ordinary limit', async () => {
    const tag = `never${Date.now().toString(36)}${ipCounter}`;
    const complained = `hanako.${tag}@corp.example.jp`;
    const other = `jiro.${tag}@corp.example.jp`;
    await sesSays('complaint', complained);
    expect(await h.item(complained)).toBeUndefined();
    const ask = async (who: string) =>
      expect((await h.subscribe(who, {}, { sourceIp: freshIp() })).statusCode).toBe(200);
    for (const who of [complained, other]) {
      await ask(who);
      h.clock.advance(11 * MINUTE);
      await ask(who);
    }
    expect(await h.mails(complained)).toHaveLength(1);
    expect(await h.mails(other)).toHaveLength(2);
    // The mark holds no address: only the mailbox's hash is in its key.
    const marks =
      (await dynamo.scan({ TableName: h.stack.env.SUBSCRIBERS_TABLE!, ConsistentRead: true })).Items ?? [];
    const said = marks.filter((i) => String(i.email).endsWith('#mailbox-said-no'));
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(said)).not.toContain(tag);
  });
});

describe('what reaches an email', () => {
  it('nothing the requester typed except their own address', async () => {
    const marker = 'Zq7ExampleMarker';
    const email = `${marker.toLowerCase()}.reader-${Date.now()}@example.com`;
    const res = await h.subscribe(
      email,
      {
        name: `${marker}Name`,
        company: `<b>${marker}Co</b>`,
        message: `Buy now ${marker}Msg https://spam.example`,
        source: `${marker.toLowerCase()}-src`,
      },
      { sourceIp: freshIp(), userAgent: `${marker}Agent` },
    );
    expect(res.statusCode).toBe(200);
    const [mail] = await h.mails(email);
    const everything = [
      mail!.subject,
      mail!.body.html,
      mail!.body.text,
      JSON.stringify(mail!.headers ?? []),
    ].join('\n');
    const withoutAddress = everything.split(email).join('');
    expect(withoutAddress.toLowerCase()).not.toContain(marker.toLowerCase());
    expect(withoutAddress).not.toContain('spam.example');
  });

  it('an address that is too long, or full-width, is refused with a message saying why', async () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`;
    const tooLong = await h.subscribe(long, {}, { sourceIp: freshIp() });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('メールアドレスが長すぎます');
    const wide = await h.subscribe('ｔａｒｏ＠example.jp', {}, { sourceIp: freshIp() });
    expect(wide.statusCode).toBe(400);
    expect(wide.body).toContain('全角文字が含まれています');
    expect(wide.body).toContain('aria-invalid="true"');
    expect(wide.body).toContain('value="ｔａｒｏ＠example.jp"');
  });

  it('stores the domain lower-cased and the local part as typed', async () => {
    const local = `Mixed.Case+${Date.now()}`;
    await h.subscribe(`${local}@News.EXAMPLE.com`, {}, { sourceIp: freshIp() });
    expect(await h.item(`${local}@news.example.com`)).toBeDefined();
    expect(await h.mails(`${local}@news.example.com`)).toHaveLength(1);
  });
});
