/**
 * Every bad request gets a clear 4xx (HTML page, or JSON when the request was JSON) and
 * changes nothing: routes, methods, bodies, tokens, addresses.
 */
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import { dynamoSubscriberStore } from '../../functions/adapters/dynamo-subscriber-store.ts';
import { MAX_BODY_BYTES } from '../../functions/http/request.ts';
import { apiEvent, formBody, jsonBody, multipartBody, type EventInit } from '../helpers/api-events.ts';
import { aroundDynamo, dynamoError } from '../helpers/faulty-dynamo.ts';
import { harness, type Harness } from '../helpers/subscription.ts';

const h = await harness();
const table = h.stack.env.SUBSCRIBERS_TABLE!;

/**
 * Everything stored except the per-client request counters: a request is counted before it is
 * judged (so a client sending garbage spends its own budget), and that count is all it may change.
 */
async function tableSnapshot(): Promise<string> {
  const out = await dynamo.scan({ TableName: table, ConsistentRead: true });
  const kept = (out.Items ?? []).filter((i) => !/^rl#(client|site)#/.test(String(i.email)));
  return JSON.stringify(kept.sort((a, b) => String(a.email).localeCompare(String(b.email))));
}

const email = h.stack.address();
await h.confirmed(email);
const unsubscribe = await h.unsubscribeTokenOf(email);
const confirmToken = await h.latestConfirmToken(email);

interface Case {
  name: string;
  status: number;
  request: Parameters<typeof h.call>[0];
  json?: boolean;
}

const longBody = `email=${'a'.repeat(MAX_BODY_BYTES)}`;
const badCases: Case[] = [
  { name: 'unknown path', status: 404, request: { path: '/admin' } },
  {
    name: 'unknown path, JSON',
    status: 404,
    request: { path: '/nope', headers: { accept: 'application/json' } },
    json: true,
  },
  { name: 'prototype key as path', status: 404, request: { path: '/constructor' } },
  { name: 'DELETE /subscribe', status: 405, request: { method: 'DELETE', path: '/subscribe' } },
  {
    name: 'PUT /confirm',
    status: 405,
    request: { method: 'PUT', path: '/confirm', ...formBody({ token: confirmToken }) },
  },
  { name: 'POST /', status: 405, request: { method: 'POST', path: '/', ...formBody({ email }) } },
  {
    name: 'oversized body',
    status: 413,
    request: { method: 'POST', path: '/subscribe', ...formBody({}), body: longBody },
  },
  {
    name: 'unsupported content type',
    status: 415,
    request: {
      method: 'POST',
      path: '/subscribe',
      body: '<email/>',
      headers: { 'content-type': 'application/xml' },
    },
  },
  {
    name: 'malformed JSON',
    status: 400,
    request: {
      method: 'POST',
      path: '/subscribe',
      body: '{"email": ',
      headers: { 'content-type': 'application/json' },
    },
    json: true,
  },
  {
    name: 'JSON array',
    status: 400,
    request: { method: 'POST', path: '/subscribe', ...jsonBody([email]) },
    json: true,
  },
  {
    name: 'multipart without boundary',
    status: 400,
    request: {
      method: 'POST',
      path: '/subscribe',
      body: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    },
  },
  {
    name: 'truncated multipart',
    status: 400,
    request: {
      method: 'POST',
      path: '/unsubscribe',
      query: { token: unsubscribe },
      body: multipartBody({ 'List-Unsubscribe': 'One-Click' }).body.slice(0, 60),
      headers: multipartBody({}).headers,
    },
  },
  {
    name: 'bad email',
    status: 400,
    request: { method: 'POST', path: '/subscribe', ...formBody({ email: 'not-an-address' }) },
  },
  {
    name: 'bad email, JSON',
    status: 400,
    request: { method: 'POST', path: '/subscribe', ...jsonBody({ email: 42 }) },
    json: true,
  },
  { name: 'GET /confirm without token', status: 400, request: { path: '/confirm' } },
  {
    name: 'GET /confirm with garbage token',
    status: 400,
    request: { path: '/confirm', query: { token: '../../etc/passwd' } },
  },
  {
    name: 'POST /confirm without token',
    status: 400,
    request: { method: 'POST', path: '/confirm', ...formBody({}) },
  },
  {
    name: 'POST /confirm, forged secret',
    status: 400,
    request: {
      method: 'POST',
      path: '/confirm',
      ...formBody({ token: confirmToken.slice(0, 22) + 'A'.repeat(43) }),
    },
  },
  { name: 'GET /unsubscribe without token', status: 400, request: { path: '/unsubscribe' } },
  {
    name: 'one-click with a forged token',
    status: 400,
    request: {
      method: 'POST',
      path: '/unsubscribe',
      query: { token: unsubscribe.slice(0, 22) + 'B'.repeat(43) },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    },
  },
  {
    name: 'one-click without a token',
    status: 400,
    request: { method: 'POST', path: '/unsubscribe', ...formBody({ 'List-Unsubscribe': 'One-Click' }) },
  },
];

describe('bad requests', () => {
  it.each(badCases)('$name → $status, nothing changes', async ({ status, request, json }) => {
    const before = await tableSnapshot();
    const res = await h.call(request);
    expect(res.statusCode).toBe(status);
    const type = res.headers['Content-Type'];
    if (json) {
      expect(type).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body!)).toMatchObject({ ok: false });
    } else {
      expect(type).toMatch(/^text\/(html|plain); charset=utf-8$/);
      if (type!.startsWith('text/html')) expect(res.body).toMatch(/<html lang="(ja|en)">[\s\S]*<h1>/);
    }
    expect(await tableSnapshot()).toBe(before);
  });

  it('405 names the allowed methods', async () => {
    const res = await h.call({ method: 'PATCH', path: '/unsubscribe' });
    expect(res.headers.Allow).toBe('GET, HEAD, POST');
  });

  it('HEAD answers like GET without a body', async () => {
    const res = await h.call({ method: 'HEAD', path: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it('an unreachable dependency gives a 503 page, not a 500, and no internals', async () => {
    const broken = await (await import('../helpers/subscription.ts')).harness(
      {},
      {
        sendConfirmation: async () => {
          throw new Error('SES said no for victim@example.com');
        },
      },
    );
    const res = await broken.subscribe(broken.stack.address());
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('30');
    expect(res.body).not.toContain('SES said no');
    expect(res.body).not.toContain('victim@');
  });
});

/**
 * A DynamoDB client that throttles the calls `fails(input)` picks and passes the rest to
 * DynamoDB Local (throttling is a fault the emulator cannot produce).
 */
type CallInput = { Key?: Record<string, unknown>; IndexName?: string };

function throttling(fails: (input: CallInput) => boolean) {
  const fault = () =>
    dynamoError('ProvisionedThroughputExceededException', { message: 'Throughput exceeded' });
  const unless = <I extends CallInput, O>(input: I, real: (i: I) => Promise<O>): Promise<O> =>
    fails(input) ? Promise.reject(fault()) : real(input);
  return aroundDynamo({ update: unless, get: unless, query: unless });
}

const keyOf = (input: CallInput) => String(input.Key?.email ?? '');

describe('when DynamoDB fails', () => {
  async function faulty(fails: Parameters<typeof throttling>[0]): Promise<Harness> {
    const base = await harness();
    const client = throttling(fails);
    const table = base.stack.env.SUBSCRIBERS_TABLE!;
    return harness(base.stack.env, {
      limits: dynamoRateLimitStore(client, table),
      subscribers: dynamoSubscriberStore(client, table),
    });
  }

  it.each([
    ['the per-client counter', (i: CallInput) => keyOf(i).startsWith('rl#client#')],
    ['the per-address email limit', (i: CallInput) => keyOf(i).startsWith('rl#address#')],
  ])(
    'a sign-up fails closed when %s cannot be counted: 503 with Retry-After, nothing stored, nothing sent',
    async (_name, fails) => {
      const f = await faulty(fails);
      const email = f.stack.address();
      const page = await f.subscribe(email);
      expect(page.statusCode).toBe(503);
      expect(page.headers['Retry-After']).toBe('30');
      expect(page.body).toContain('一時的にご利用いただけません');
      const json = await f.call({ method: 'POST', path: '/subscribe', ...jsonBody({ email, lang: 'en' }) });
      expect(json.statusCode).toBe(503);
      expect(JSON.parse(json.body!)).toEqual({
        ok: false,
        error: 'unavailable',
        message: 'Temporarily unavailable',
      });
      expect(await f.item(email)).toBeUndefined();
      expect(await f.mails(email)).toHaveLength(0);
    },
  );

  it('confirm and unsubscribe answer 503, and change nothing, when the subscriber cannot be read', async () => {
    const base = await harness();
    const email = base.stack.address();
    await base.subscribe(email);
    const confirmToken = await base.latestConfirmToken(email);
    const unsubToken = await base.unsubscribeTokenOf(email);
    const before = await base.rawItem(email);
    const table = base.stack.env.SUBSCRIBERS_TABLE!;
    const client = throttling((i) => i.IndexName === 'byId');
    const f = await harness(base.stack.env, { subscribers: dynamoSubscriberStore(client, table) });
    const requests = [
      { path: '/confirm', query: { token: confirmToken } },
      { method: 'POST', path: '/confirm', ...formBody({ token: confirmToken }) },
      {
        method: 'POST',
        path: '/unsubscribe',
        query: { token: unsubToken },
        ...formBody({ 'List-Unsubscribe': 'One-Click' }),
      },
    ];
    for (const r of requests) expect((await f.call(r)).statusCode).toBe(503);
    expect(await base.rawItem(email)).toBe(before);
  });
});

describe('hostile bodies and headers', () => {
  const sjisDomain = Buffer.concat([
    Buffer.from('{"email":"info@'),
    Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]),
    Buffer.from('.jp"}'),
  ]);
  const refused: Case[] = [
    {
      name: 'CR/LF and a Bcc header inside the address',
      status: 400,
      request: { method: 'POST', path: '/subscribe', ...formBody({ email: `a@b.example\r\nBcc: ${email}` }) },
    },
    {
      name: 'Shift_JIS bytes declared as such (the domain cannot be read as UTF-8)',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: sjisDomain,
        base64: true,
        headers: { 'content-type': 'application/json; charset=shift_jis' },
      },
      json: true,
    },
    {
      name: 'invalid UTF-8 in a urlencoded address',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: 'email=%FF%FEtaro@example.jp',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    },
    {
      name: 'raw invalid UTF-8 bytes, base64-encoded by API Gateway',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xff, 0xc0, 0x40, 0x78, 0x2e, 0x6a, 0x70]),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    },
    {
      name: 'a body flagged base64 that is not',
      status: 400,
      request: {
        ...apiEvent({
          method: 'POST',
          path: '/subscribe',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        body: `email=${email}`,
        isBase64Encoded: true,
      },
    },
    {
      name: 'JSON whose address is an object, with __proto__ and constructor keys',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: '{"__proto__":{"email":"x@y.example","polluted":1},"constructor":{"prototype":{"polluted":1}},"email":{"toString":"a@b.example"}}',
        headers: { 'content-type': 'application/json' },
      },
      json: true,
    },
    {
      name: 'deeply nested JSON',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: '['.repeat(4000) + ']'.repeat(4000),
        headers: { 'content-type': 'application/json' },
      },
      json: true,
    },
    {
      name: 'thousands of form fields without an address',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: 'a=&'.repeat(2700),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    },
    {
      name: 'an 8 KiB address',
      status: 413,
      request: {
        method: 'POST',
        path: '/subscribe',
        ...jsonBody({ email: `${'a'.repeat(MAX_BODY_BYTES)}@example.jp` }),
      },
      json: true,
    },
    {
      name: 'a 4 KiB address that fits the body limit',
      status: 400,
      request: {
        method: 'POST',
        path: '/subscribe',
        ...jsonBody({ email: `${'a'.repeat(4096)}@example.jp` }),
      },
      json: true,
    },
    {
      name: 'an 8 KiB token',
      status: 400,
      request: { path: '/confirm', query: { token: 'A'.repeat(8192) } },
    },
    {
      name: 'a list of content types',
      status: 415,
      request: {
        method: 'POST',
        path: '/subscribe',
        body: `email=${email}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded, application/json' },
      },
    },
  ];

  it.each(refused)('$name → $status, nothing stored, nothing sent', async ({ status, request, json }) => {
    const before = await tableSnapshot();
    const res = await h.call(request);
    expect(res.statusCode).toBe(status);
    expect(res.headers['Content-Type']).toBe(
      json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    );
    expect(await tableSnapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a CR/LF-laden lang or Accept-Language picks a language and reaches no header', async () => {
    const target = h.stack.address();
    const res = await h.call({
      method: 'POST',
      path: '/subscribe',
      ...formBody({ email: target, lang: 'en\r\nBcc: x@evil.example' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'accept-language': 'en\r\nSet-Cookie: a=b, ja;q=0.1',
      },
    });
    expect(res.statusCode).toBe(200);
    for (const value of Object.values(res.headers)) expect(value).not.toMatch(/evil|a=b|[\r\n]/);
    expect(res.body).toContain('<html lang="ja">'); // neither value names a language cleanly: the default
    const [mail] = await h.mails(target);
    expect(JSON.stringify(mail)).not.toContain('evil.example');
    expect(mail!.destination).toEqual({ to: [target], cc: [], bcc: [] });
  });

  it('an ASCII address under a declared non-UTF-8 charset, or with no content type, is read as what it is', async () => {
    const a = h.stack.address();
    const sjis = await h.call({
      method: 'POST',
      path: '/subscribe',
      body: JSON.stringify({ email: a }),
      headers: { 'content-type': 'application/json; charset=shift_jis' },
    });
    expect(sjis.statusCode).toBe(200);
    const b = h.stack.address();
    const bare = await h.call({ method: 'POST', path: '/subscribe', body: `email=${encodeURIComponent(b)}` });
    expect(bare.statusCode).toBe(200);
    expect((await h.item(a))?.status).toBe('pending');
    expect((await h.item(b))?.status).toBe('pending');
  });

  it('JSON with a repeated key reads the last value, as JSON.parse does; a form reads the first', async () => {
    const [first, last] = [h.stack.address(), h.stack.address()];
    await h.call({
      method: 'POST',
      path: '/subscribe',
      body: `{"email":"${first}","email":"${last}"}`,
      headers: { 'content-type': 'application/json' },
    });
    const [f2, l2] = [h.stack.address(), h.stack.address()];
    await h.call({
      method: 'POST',
      path: '/subscribe',
      body: `email=${f2}&email=${l2}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(
      [await h.item(first), await h.item(last), await h.item(f2), await h.item(l2)].map((r) => r?.status),
    ).toEqual([undefined, 'pending', 'pending', undefined]);
  });
});

describe('reflection', () => {
  it('a page reflects nothing of the query but a token that was checked', async () => {
    const junk = 'zqjunk"><svg onload=alert(1)>';
    const requests: EventInit[] = [
      { path: '/', query: { lang: 'en', x: junk, email: `${junk}@example.com` } },
      { path: '/subscribe', query: { x: junk } },
      { path: '/unsubscribe', query: { token: unsubscribe, x: junk, lang: 'en' } },
      { path: '/confirm', query: { token: confirmToken, x: junk } },
      { path: '/confirm', query: { token: `${confirmToken}${junk}` } },
      { path: '/nowhere', query: { x: junk } },
    ];
    for (const request of requests) {
      const res = await h.call(request);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body!.toLowerCase()).not.toContain('zqjunk');
    }
    const page = await h.call({ path: '/unsubscribe', query: { x: junk, token: unsubscribe } });
    expect(page.body).toContain(`href="?token=${unsubscribe}&amp;lang=en"`);
  });
});

describe('language switch', () => {
  const switchOf = (body: string | undefined) =>
    /<p class="lang"><a href="([^"]*)" hreflang="(ja|en)" lang="\2">/.exec(body ?? '')?.slice(1, 3);

  it('404 and 405 link to their own path in the other language, carrying nothing of the request', async () => {
    expect(switchOf((await h.call({ path: '/nowhere', query: { lang: 'en', x: 'zqjunk' } })).body)).toEqual([
      '?lang=ja',
      'ja',
    ]);
    expect(switchOf((await h.call({ path: '/nowhere/deeper' })).body)).toEqual(['?lang=en', 'en']);
    const post = await h.call({ method: 'POST', path: '/', query: { lang: 'en' }, ...formBody({ email }) });
    expect(post.statusCode).toBe(405);
    expect(switchOf(post.body)).toEqual(['?lang=ja', 'ja']);
    const missing = await h.call({ method: 'POST', path: '/confirm', ...formBody({ lang: 'en' }) });
    expect(missing.statusCode).toBe(400);
    expect(switchOf(missing.body)).toEqual(['?lang=ja', 'ja']);
  });

  it('the answer to a POST links to the subscribe page in the other language, never to its token or address', async () => {
    const someone = h.stack.address();
    const answers = [
      await h.subscribe(someone),
      await h.subscribe('not-an-address'),
      await h.call({ method: 'POST', path: '/confirm', ...formBody({ token: confirmToken }) }),
      await h.call({ method: 'POST', path: '/unsubscribe', query: { token: unsubscribe }, ...formBody({}) }),
      await h.call({
        method: 'POST',
        path: '/subscribe',
        body: '{',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ];
    for (const res of answers) {
      expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(switchOf(res.body)).toEqual(['./?lang=en', 'en']);
      expect(res.body).not.toContain(unsubscribe);
      expect(res.body).not.toContain(confirmToken);
      expect(res.body).not.toContain(someone);
    }
  });
});
