/**
 * Every bad request gets a clear 4xx (HTML page, or JSON when the request was JSON) and
 * changes nothing: routes, methods, bodies, tokens, addresses.
 */
import { describe, expect, it } from 'vitest';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type GetCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamo } from '../../functions/adapters/clients.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import { dynamoSubscriberStore } from '../../functions/adapters/dynamo-subscriber-store.ts';
import { MAX_BODY_BYTES } from '../../functions/http/request.ts';
import { formBody, jsonBody, multipartBody } from '../helpers/api-events.ts';
import { harness, type Harness } from '../helpers/subscription.ts';

const h = await harness();
const table = h.stack.env.SUBSCRIBERS_TABLE!;

async function tableSnapshot(): Promise<string> {
  const out = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return JSON.stringify((out.Items ?? []).sort((a, b) => String(a.email).localeCompare(String(b.email))));
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

const longBody = 'email=' + 'a'.repeat(MAX_BODY_BYTES);
const badCases: Case[] = [
  { name: 'unknown path', status: 404, request: { path: '/admin' } },
  { name: 'unknown path, JSON', status: 404, request: { path: '/nope', headers: { accept: 'application/json' } }, json: true },
  { name: 'prototype key as path', status: 404, request: { path: '/constructor' } },
  { name: 'DELETE /subscribe', status: 405, request: { method: 'DELETE', path: '/subscribe' } },
  { name: 'PUT /confirm', status: 405, request: { method: 'PUT', path: '/confirm', ...formBody({ token: confirmToken }) } },
  { name: 'POST /', status: 405, request: { method: 'POST', path: '/', ...formBody({ email }) } },
  { name: 'oversized body', status: 413, request: { method: 'POST', path: '/subscribe', ...formBody({}), body: longBody } },
  {
    name: 'unsupported content type',
    status: 415,
    request: { method: 'POST', path: '/subscribe', body: '<email/>', headers: { 'content-type': 'application/xml' } },
  },
  {
    name: 'malformed JSON',
    status: 400,
    request: { method: 'POST', path: '/subscribe', body: '{"email": ', headers: { 'content-type': 'application/json' } },
    json: true,
  },
  { name: 'JSON array', status: 400, request: { method: 'POST', path: '/subscribe', ...jsonBody([email]) }, json: true },
  {
    name: 'multipart without boundary',
    status: 400,
    request: { method: 'POST', path: '/subscribe', body: 'x', headers: { 'content-type': 'multipart/form-data' } },
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
  { name: 'bad email', status: 400, request: { method: 'POST', path: '/subscribe', ...formBody({ email: 'not-an-address' }) } },
  { name: 'bad email, JSON', status: 400, request: { method: 'POST', path: '/subscribe', ...jsonBody({ email: 42 }) }, json: true },
  { name: 'GET /confirm without token', status: 400, request: { path: '/confirm' } },
  { name: 'GET /confirm with garbage token', status: 400, request: { path: '/confirm', query: { token: '../../etc/passwd' } } },
  { name: 'POST /confirm without token', status: 400, request: { method: 'POST', path: '/confirm', ...formBody({}) } },
  {
    name: 'POST /confirm, forged secret',
    status: 400,
    request: { method: 'POST', path: '/confirm', ...formBody({ token: confirmToken.slice(0, 22) + 'A'.repeat(43) }) },
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
    const broken = await (await import('../helpers/subscription.ts')).harness({}, {
      sendConfirmation: async () => {
        throw new Error('SES said no for victim@example.com');
      },
    });
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
  const client = DynamoDBDocumentClient.from(dynamo);
  const mock = mockClient(client);
  const fault = () => new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} });
  mock.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
    if (fails(input)) throw fault();
    return dynamo.send(new UpdateCommand(input));
  });
  mock.on(GetCommand).callsFake(async (input: GetCommandInput) => {
    if (fails(input)) throw fault();
    return dynamo.send(new GetCommand(input));
  });
  mock.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
    if (fails(input)) throw fault();
    return dynamo.send(new QueryCommand(input));
  });
  return client;
}

const keyOf = (input: CallInput) => String(input.Key?.email ?? '');

describe('when DynamoDB fails', () => {
  async function faulty(fails: Parameters<typeof throttling>[0]): Promise<Harness> {
    const base = await harness();
    const client = throttling(fails);
    const table = base.stack.env.SUBSCRIBERS_TABLE!;
    return harness(base.stack.env, { limits: dynamoRateLimitStore(client, table), subscribers: dynamoSubscriberStore(client, table) });
  }

  it.each([
    ['the per-client counter', (i: CallInput) => keyOf(i).startsWith('rl#client#')],
    ['the per-address email limit', (i: CallInput) => keyOf(i).startsWith('rl#address#')],
  ])('a sign-up fails closed when %s cannot be counted: 503 with Retry-After, nothing stored, nothing sent', async (_name, fails) => {
    const f = await faulty(fails);
    const email = f.stack.address();
    const page = await f.subscribe(email);
    expect(page.statusCode).toBe(503);
    expect(page.headers['Retry-After']).toBe('30');
    expect(page.body).toContain('一時的にご利用いただけません');
    const json = await f.call({ method: 'POST', path: '/subscribe', ...jsonBody({ email, lang: 'en' }) });
    expect(json.statusCode).toBe(503);
    expect(JSON.parse(json.body!)).toEqual({ ok: false, error: 'unavailable', message: 'Temporarily unavailable' });
    expect(await f.item(email)).toBeUndefined();
    expect(await f.mails(email)).toHaveLength(0);
  });

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
      { method: 'POST', path: '/unsubscribe', query: { token: unsubToken }, ...formBody({ 'List-Unsubscribe': 'One-Click' }) },
    ];
    for (const r of requests) expect((await f.call(r)).statusCode).toBe(503);
    expect(await base.rawItem(email)).toBe(before);
  });
});
