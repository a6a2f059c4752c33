/** API Gateway v2 events → HttpRequest and request bodies → form fields. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readBody } from '../../functions/http/body.ts';
import { MAX_BODY_BYTES, toHttpRequest } from '../../functions/http/request.ts';
import { apiEvent } from '../helpers/api-events.ts';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/aws-events/${name}`, import.meta.url), 'utf8'),
  ) as APIGatewayProxyEventV2;

describe('toHttpRequest', () => {
  it('reads the real samples: method, path, first query value, lower-cased headers, source IP', () => {
    const req = toHttpRequest(fixture('apigw-httpapi-v2__powertools-python.json'));
    expect(req).toMatchObject({
      method: 'POST',
      path: '/my/path',
      sourceIp: '192.168.0.1/32',
      userAgent: 'agent',
    });
    expect(req.query.get('parameter1')).toBe('value1');
    expect(req.headers.header2).toBe('value1,value2');
    expect(req.body.toString()).toBe('{"message": "hello world", "username": "tom"}');
    const other = toHttpRequest(fixture('apigw-httpapi-v2__aws-lambda-go-no-authorizer.json'));
    expect(other.method).toMatch(/^[A-Z]+$/);
  });

  it('decodes base64 bodies and strips a named stage and trailing slashes from the path', () => {
    const event = apiEvent({ method: 'post', path: '/prod/confirm/', body: Buffer.from('token=x') });
    event.requestContext.stage = 'prod';
    const req = toHttpRequest(event);
    expect(req).toMatchObject({ method: 'POST', path: '/confirm' });
    expect(req.body.toString()).toBe('token=x');
  });

  it('survives an event with almost nothing in it', () => {
    const req = toHttpRequest({ rawPath: '', requestContext: {} } as unknown as APIGatewayProxyEventV2);
    expect(req).toMatchObject({ method: 'GET', path: '/', sourceIp: 'unknown' });
  });
});

describe('readBody', () => {
  const req = (body: string | Buffer, type?: string) =>
    toHttpRequest(
      apiEvent({ method: 'POST', path: '/x', body, headers: type ? { 'content-type': type } : {} }),
    );

  it('reads urlencoded, JSON and multipart into the same fields', () => {
    expect(readBody(req('email=a%40b.jp&lang=en', 'application/x-www-form-urlencoded'))).toMatchObject({
      ok: true,
      format: 'form',
    });
    const json = readBody(req('{"email":"a@b.jp","n":1,"o":{}}', 'application/json; charset=utf-8'));
    expect(json.ok && Object.fromEntries(json.fields)).toEqual({ email: 'a@b.jp' });
    const mp = readBody(
      req(
        '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.jp\r\n--b--',
        'multipart/form-data; boundary=b',
      ),
    );
    expect(mp.ok && mp.fields.get('email')).toBe('a@b.jp');
  });

  it('treats a missing type or text/plain as urlencoded, and an empty body as no fields', () => {
    const untyped = readBody(req('List-Unsubscribe=One-Click'));
    expect(untyped.ok && untyped.fields.get('List-Unsubscribe')).toBe('One-Click');
    expect(readBody(req('List-Unsubscribe=One-Click\r\n', 'text/plain'))).toMatchObject({ ok: true });
    expect(readBody(req(''))).toMatchObject({ ok: true, format: 'empty' });
  });

  it('names each refusal', () => {
    expect(readBody(req('x'.repeat(MAX_BODY_BYTES + 1), 'application/x-www-form-urlencoded'))).toEqual({
      ok: false,
      problem: 'too-large',
    });
    expect(readBody(req('<a/>', 'application/xml'))).toEqual({ ok: false, problem: 'unsupported-type' });
    expect(readBody(req('{', 'application/json'))).toEqual({ ok: false, problem: 'malformed' });
    expect(readBody(req('"text"', 'application/json'))).toEqual({ ok: false, problem: 'malformed' });
    expect(readBody(req('null', 'application/json'))).toEqual({ ok: false, problem: 'malformed' });
    expect(readBody(req('x', 'multipart/form-data'))).toEqual({ ok: false, problem: 'malformed' });
  });
});

describe('readBody: text is strict UTF-8', () => {
  const req = (body: string | Buffer, type: string) =>
    toHttpRequest(apiEvent({ method: 'POST', path: '/x', body, headers: { 'content-type': type } }));
  const FORM = 'application/x-www-form-urlencoded';

  it.each([
    ['a percent-escape that is not UTF-8 (%FF)', 'email=a%FF%40example.jp', FORM],
    ['an overlong escape (%C0%AF)', 'email=a%C0%AFb', FORM],
    ['a surrogate escaped as UTF-8 (%ED%A0%80)', 'email=a%ED%A0%80b', FORM],
    ['a raw Shift_JIS byte', Buffer.from('email=a\x82\xa0@example.jp', 'latin1'), FORM],
    [
      'Shift_JIS in a JSON body',
      Buffer.from('{"email":"\x82\xa0@example.jp"}', 'latin1'),
      'application/json',
    ],
    ['UTF-16 in a JSON body', Buffer.from('{"email":"a@example.jp"}', 'utf16le'), 'application/json'],
    [
      'Latin-1 in a multipart field',
      Buffer.from(
        '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\ncaf\xe9@example.jp\r\n--b--\r\n',
        'latin1',
      ),
      'multipart/form-data; boundary=b',
    ],
  ])('refuses %s as malformed, never as U+FFFD', (_, body, type) => {
    expect(readBody(req(body, type))).toEqual({ ok: false, problem: 'malformed' });
  });

  it('still reads valid UTF-8, escaped or not, a literal % and a BOM before JSON', () => {
    const form = readBody(req('email=%E5%B1%B1%E7%94%B0%40example.jp&note=100%+done&x=%zz', FORM));
    expect(form.ok && Object.fromEntries(form.fields)).toEqual({
      email: '山田@example.jp',
      note: '100% done',
      x: '%zz',
    });
    const json = readBody(req(Buffer.from('\uFEFF{"email":"山田@example.jp"}'), 'application/json'));
    expect(json.ok && json.fields.get('email')).toBe('山田@example.jp');
  });
});
