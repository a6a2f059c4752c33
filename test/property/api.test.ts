/**
 * Property: any request to any endpoint — random method, path, query, headers and body, in any
 * encoding — gets a 2xx or 4xx answer, never a 5xx, and never changes the state of a subscriber
 * it holds no valid link for. Runs against DynamoDB Local and the SES emulator.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { statusShard } from '../../functions/core/subscriber.ts';
import { apiEvent } from '../helpers/api-events.ts';
import { harness } from '../helpers/subscription.ts';

const h = await harness();

// Bystanders in every state, with the links they hold.
const pending = h.stack.address('pending');
await h.subscribe(pending);
const pendingConfirm = await h.latestConfirmToken(pending);
const confirmed = h.stack.address('confirmed');
await h.confirmed(confirmed);
const confirmedUnsub = await h.unsubscribeTokenOf(confirmed);
const bounced = h.stack.address('bounced');
const bouncedRow = await h.confirmed(bounced);
await dynamo.update({
  TableName: h.stack.env.SUBSCRIBERS_TABLE!,
  Key: { email: bounced },
  UpdateExpression: 'SET #s = :s, statusShard = :ss',
  ExpressionAttributeNames: { '#s': 'status' },
  ExpressionAttributeValues: { ':s': 'bounced', ':ss': statusShard('bounced', bouncedRow.shard) },
});
const bystanders = [pending, confirmed, bounced];

/** Near misses of the bystanders' real links: what an attacker could guess or damage. */
const nearMiss = fc
  .tuple(
    fc.constantFrom(pendingConfirm, confirmedUnsub),
    fc.nat(),
    fc.constantFrom('cut', 'flip', 'extend', 'case'),
  )
  .map(([token, n, how]) => {
    const i = n % token.length;
    if (how === 'cut') return token.slice(0, i);
    if (how === 'extend') return `${token}${token[i]}`;
    if (how === 'case') return token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase();
    return token.slice(0, i) + (token[i] === 'x' ? 'y' : 'x') + token.slice(i + 1);
  })
  .filter((t) => t !== pendingConfirm && t !== confirmedUnsub);

const b64 = (n: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: n,
    maxLength: n,
  });
const tokenValue = fc.oneof(
  fc.string(),
  fc.oneof(b64(65), b64(43), fc.integer({ min: 0, max: 80 }).chain(b64)),
  // A bystander's real id with a guessed secret or MAC: found in the table, refused by the hash check.
  fc
    .tuple(fc.constantFrom(pendingConfirm, confirmedUnsub), b64(43))
    .map(([t, guess]) => t.slice(0, 22) + guess),
  nearMiss,
);
const emailValue = fc.oneof(
  fc.string(),
  fc.emailAddress().map((e) => e.replace(/@.*/, '@prop.example.jp')),
  fc.emailAddress().map((e) => e.replace(/@.*/, '@prop.example.jp')),
  fc.constant(confirmed), // a confirmed address may be named: it must not change
  fc.constant(`  ${confirmed.replace('example.com', 'EXAMPLE.COM')}`),
);
const fieldName = fc.oneof(
  fc.constantFrom('email', 'token', 'lang', 'website', 'source', 'action', 'List-Unsubscribe'),
  fc.string({ maxLength: 12 }),
);
const fieldValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  tokenValue,
  emailValue,
  fc.constantFrom('new-link', 'One-Click', 'en', 'ja'),
);
const lang = fc.constantFrom('ja', 'en', 'fr', '');
const subscribeFields = fc.record(
  {
    email: emailValue,
    lang,
    website: fc.constantFrom('', '', 'http://bot'),
    source: fc.string({ maxLength: 45 }),
  },
  { requiredKeys: ['email'] },
);
const confirmFields = fc.record(
  { token: tokenValue, action: fc.constantFrom('new-link', 'confirm', ''), lang },
  { requiredKeys: [] },
);
const unsubscribeFields = fc.record(
  { 'List-Unsubscribe': fc.constantFrom('One-Click', 'one-click', ''), token: tokenValue, lang },
  { requiredKeys: [] },
);
const anyFields = fc.dictionary(fieldName, fieldValue, { maxKeys: 5 });

type Body = { type: string; text: string } | undefined;
const boundary = fc.string({ minLength: 1, maxLength: 20 }).filter((b) => !/[\r\n"]/.test(b));
/** The same fields as a browser form, as JSON, or as multipart. */
const encoded = (f: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<Body> =>
  fc.oneof(
    f.map((x) => ({ type: 'application/x-www-form-urlencoded', text: new URLSearchParams(x).toString() })),
    f.map((x) => ({ type: 'application/json', text: JSON.stringify(x) })),
    fc.tuple(f, boundary).map(([x, b]) => ({
      type: `multipart/form-data; boundary="${b}"`,
      text: `${Object.entries(x)
        .map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('')}--${b}--`,
    })),
  );
const noise: fc.Arbitrary<Body> = fc.oneof(
  encoded(anyFields),
  fc.record({
    type: fc.oneof(fc.string(), fc.constantFrom('application/json', 'multipart/form-data', 'text/plain')),
    text: fc.string({ maxLength: 300 }),
  }),
  fc.record({
    type: fc.constant('application/octet-stream'),
    text: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
  }),
  fc.constant(undefined),
);

const anyQuery = fc.oneof(
  fc
    .dictionary(fc.constantFrom('token', 'lang', 'x'), fc.oneof(tokenValue, fc.string()))
    .map((q) => new URLSearchParams(q).toString()),
  fc.string(),
);
const tokenQuery = fc
  .record({ token: tokenValue, lang }, { requiredKeys: [] })
  .map((q) => new URLSearchParams(q).toString());
const common = {
  headers: fc.record(
    {
      accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
      'accept-language': fc.oneof(fc.string(), fc.constantFrom('en', 'ja-JP,en;q=0.5', 'en;q=abc')),
      cookie: fc.string(),
    },
    { requiredKeys: [] },
  ),
  base64: fc.boolean(),
  sourceIp: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 })),
  userAgent: fc.string({ maxLength: 100 }),
};
const shaped = (method: fc.Arbitrary<string>, path: string, body: fc.Arbitrary<Body>, query = anyQuery) =>
  fc.record({ method, path: fc.constant(path), body, query, ...common });

/** Requests each endpoint would plausibly see, with hostile values, plus pure noise. */
const request = fc.oneof(
  { weight: 3, arbitrary: shaped(fc.constant('POST'), '/subscribe', encoded(subscribeFields)) },
  { weight: 3, arbitrary: shaped(fc.constant('POST'), '/confirm', encoded(confirmFields)) },
  {
    weight: 3,
    arbitrary: shaped(
      fc.constant('POST'),
      '/unsubscribe',
      fc.oneof(encoded(unsubscribeFields), fc.constant(undefined)),
      tokenQuery,
    ),
  },
  {
    weight: 2,
    arbitrary: shaped(fc.constantFrom('GET', 'HEAD'), '/confirm', fc.constant(undefined), tokenQuery),
  },
  {
    weight: 2,
    arbitrary: shaped(fc.constantFrom('GET', 'HEAD'), '/unsubscribe', fc.constant(undefined), tokenQuery),
  },
  { weight: 1, arbitrary: shaped(fc.constantFrom('GET', 'HEAD'), '/', noise) },
  {
    weight: 2,
    arbitrary: fc.record({
      method: fc.oneof(
        fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'),
        fc.string({ minLength: 1, maxLength: 8 }),
      ),
      path: fc.oneof(
        fc.constantFrom(
          '/',
          '/subscribe',
          '/confirm',
          '/unsubscribe',
          '/robots.txt',
          '/confirm/',
          '//confirm',
        ),
        fc.webPath(),
      ),
      body: noise,
      query: anyQuery,
      ...common,
    }),
  },
);

describe('any request', () => {
  it('gets 2xx or 4xx and never changes a bystander', async () => {
    const before = await Promise.all(bystanders.map((e) => h.rawItem(e)));
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const event = apiEvent({
          method: r.method,
          path: r.path,
          query: r.query,
          headers: { ...r.headers, ...(r.body ? { 'content-type': r.body.type } : {}) },
          ...(r.body ? { body: r.base64 ? Buffer.from(r.body.text, 'utf8') : r.body.text } : {}),
          sourceIp: r.sourceIp,
          userAgent: r.userAgent,
        });
        const res = await h.call(event);
        expect(res.statusCode).toBeGreaterThanOrEqual(200);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['Content-Type']).toMatch(/charset=utf-8$/);
        expect(res.headers['Cache-Control']).toBe('no-store');
        // No redirect, no cookie, ever (RFC 8058 one-click must not redirect or need one).
        expect(Object.keys(res.headers).filter((k) => /^(location|set-cookie|refresh)$/i.test(k))).toEqual(
          [],
        );
        expect(res.cookies).toBeUndefined();
        expect(res.statusCode < 300 || res.statusCode >= 400).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect(await Promise.all(bystanders.map((e) => h.rawItem(e)))).toEqual(before);
  }, 120_000);
});
