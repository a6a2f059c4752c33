/**
 * RFC 8058 one-click unsubscribe as mailbox providers send it: urlencoded (§8.1) and
 * multipart/form-data (§8.3, exactly as printed, with its bare-boundary delimiter lines, and
 * as corrected by errata 5117/8927), base64-encoded by API Gateway or not; no cookie, no
 * redirect, 200 with a short body; a repeat is harmless.
 */
import { describe, expect, it } from 'vitest';
import { apiEvent } from '../helpers/api-events.ts';
import { harness } from '../helpers/subscription.ts';

const h = await harness();

/** A confirmed subscriber and the one-click URL's token. */
async function reader() {
  const email = h.stack.address();
  await h.confirmed(email);
  return { email, token: await h.unsubscribeTokenOf(email) };
}

// RFC 8058 §8.3 as printed: the delimiter lines are the bare declared boundary (124 bytes).
const RFC_MULTIPART_BODY = [
  '---FormBoundaryjWmhtjORrn',
  'Content-Disposition: form-data; name="List-Unsubscribe"',
  '',
  'One-Click',
  '---FormBoundaryjWmhtjORrn--',
].join('\r\n');

const requests: { name: string; contentType: string; body: Buffer | string; base64?: boolean }[] = [
  {
    name: '§8.1 urlencoded',
    contentType: 'application/x-www-form-urlencoded',
    body: 'List-Unsubscribe=One-Click',
  },
  {
    name: '§8.1 urlencoded, base64 as API Gateway passes it',
    contentType: 'application/x-www-form-urlencoded',
    body: Buffer.from('List-Unsubscribe=One-Click'),
  },
  {
    name: '§8.3 multipart exactly as printed',
    contentType: 'multipart/form-data; boundary=---FormBoundaryjWmhtjORrn',
    body: RFC_MULTIPART_BODY,
  },
  {
    name: '§8.3 multipart as printed, base64',
    contentType: 'multipart/form-data; boundary=---FormBoundaryjWmhtjORrn',
    body: Buffer.from(RFC_MULTIPART_BODY),
  },
  {
    name: '§8.3 multipart with the errata boundary parameter',
    contentType: 'multipart/form-data; boundary=-FormBoundaryjWmhtjORrn',
    body: RFC_MULTIPART_BODY,
  },
  {
    name: '§8.3 multipart with bare LF line ends and a trailing newline',
    contentType: 'multipart/form-data; boundary=---FormBoundaryjWmhtjORrn',
    body: `${RFC_MULTIPART_BODY.replace(/\r\n/g, '\n')}\n`,
  },
  {
    name: 'multipart with a quoted boundary and a charset',
    contentType: 'multipart/form-data; charset=utf-8; boundary="b1 2"',
    body: '--b1 2\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\nContent-Type: text/plain\r\n\r\nOne-Click\r\n--b1 2--\r\n',
  },
];

describe('RFC 8058 one-click POST', () => {
  it("the printed §8.3 body is the RFC's 124 bytes", () => {
    expect(Buffer.byteLength(RFC_MULTIPART_BODY)).toBe(124);
  });

  it.each(requests)('$name unsubscribes at once with a short 200', async ({ contentType, body }) => {
    const { email, token } = await reader();
    const res = await h.call(
      apiEvent({
        method: 'POST',
        path: '/unsubscribe',
        query: { token },
        headers: { 'content-type': contentType },
        body,
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers.Location).toBeUndefined();
    expect(res.headers['Set-Cookie']).toBeUndefined();
    expect(res.cookies).toBeUndefined();
    expect(res.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect(Buffer.byteLength(res.body!)).toBeLessThan(64);
    const row = await h.item(email);
    expect(row?.status).toBe('unsubscribed');

    const repeat = await h.call(
      apiEvent({
        method: 'POST',
        path: '/unsubscribe',
        query: { token },
        headers: { 'content-type': contentType },
        body,
      }),
    );
    expect(repeat.statusCode).toBe(200);
    expect(await h.item(email)).toEqual(row);
  });

  it('a multipart body produced by a real FormData encoder works', async () => {
    const { email, token } = await reader();
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const encoded = new Request('https://x.invalid/', { method: 'POST', body: form });
    const res = await h.call(
      apiEvent({
        method: 'POST',
        path: '/unsubscribe',
        query: { token },
        headers: { 'content-type': encoded.headers.get('content-type')! },
        body: Buffer.from(await encoded.arrayBuffer()),
      }),
    );
    expect(res.statusCode).toBe(200);
    expect((await h.item(email))?.status).toBe('unsubscribed');
  });

  it('needs no cookie, and ignores one if a client sends it anyway', async () => {
    const { email, token } = await reader();
    const event = apiEvent({
      method: 'POST',
      path: '/unsubscribe',
      query: { token },
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'session=forged' },
      body: 'List-Unsubscribe=One-Click',
    });
    event.cookies = ['session=forged'];
    expect((await h.call(event)).statusCode).toBe(200);
    expect((await h.item(email))?.status).toBe('unsubscribed');
  });

  const oddBodies: [string, { type?: string; body?: string }, 'text' | 'page'][] = [
    ['no body, no content type', {}, 'page'],
    ['an empty urlencoded body', { type: 'application/x-www-form-urlencoded', body: '' }, 'page'],
    [
      'the one-click field plus extra fields',
      {
        type: 'application/x-www-form-urlencoded',
        body: 'foo=bar&List-Unsubscribe=One-Click&List-Unsubscribe=x&lang=en',
      },
      'text',
    ],
    [
      'a wrong value',
      { type: 'application/x-www-form-urlencoded', body: 'List-Unsubscribe=Two-Clicks' },
      'page',
    ],
    ['an unrelated field', { type: 'application/x-www-form-urlencoded', body: 'unsubscribe=yes' }, 'page'],
    ['JSON', { type: 'application/json', body: '{"List-Unsubscribe":"One-Click"}' }, 'text'],
    ['the body as text/plain', { type: 'text/plain', body: 'List-Unsubscribe=One-Click\r\n' }, 'text'],
    [
      'multipart with a file part and an extra field',
      {
        type: 'multipart/form-data; boundary=XyZ',
        body: '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"; filename="a.txt"\r\n\r\nnope\r\n--XyZ\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
      },
      'text',
    ],
  ];

  it.each(oddBodies)(
    'a POST with %s still unsubscribes (a POST is a deliberate act), without redirect or cookie',
    async (_name, { type, body }, answer) => {
      const { email, token } = await reader();
      const res = await h.call(
        apiEvent({
          method: 'POST',
          path: '/unsubscribe',
          query: { token },
          headers: type ? { 'content-type': type } : {},
          ...(body === undefined ? {} : { body }),
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.headers['Content-Type']).toBe(
        answer === 'text' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
      );
      expect(Object.keys(res.headers).filter((k) => /^(location|set-cookie|refresh)$/i.test(k))).toEqual([]);
      expect(res.cookies).toBeUndefined();
      expect((await h.item(email))?.status).toBe('unsubscribed');
    },
  );

  it('a one-click POST with a bad token is a short 400 and changes nothing', async () => {
    const { email, token } = await reader();
    const before = await h.rawItem(email);
    for (const bad of [token.slice(0, -1), `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, '']) {
      const res = await h.call(
        apiEvent({
          method: 'POST',
          path: '/unsubscribe',
          query: { token: bad },
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.headers['Content-Type']).toBe('text/plain; charset=utf-8');
      expect(Buffer.byteLength(res.body!)).toBeLessThan(64);
    }
    expect(await h.rawItem(email)).toBe(before);
  });

  it('GET of the same URL only shows the page', async () => {
    const { email, token } = await reader();
    const before = await h.rawItem(email);
    const res = await h.call(apiEvent({ path: '/unsubscribe', query: { token } }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<button type="submit">配信を停止する</button>');
    expect(await h.rawItem(email)).toBe(before);
  });
});
