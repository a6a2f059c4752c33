/**
 * What the API logs, at DEBUG, over every kind of request — the whole double opt-in, one-click
 * unsubscribe, bad tokens, unknown paths that carry an address or a token, odd methods, and
 * failing dependencies whose error messages carry both: never an email address, a token or a
 * link with `token=` in it. Everything written to stdout and stderr is captured and searched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmUrl } from '../../functions/core/links.ts';
import { formBody, jsonBody } from '../helpers/api-events.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { harness, type Harness } from '../helpers/subscription.ts';

const logs = captureLogs();
beforeAll(() => logs.start());
afterAll(() => logs.stop());

const h = await harness();
/** SES fails, quoting the recipient and the link as some SES errors do. */
const failing: Harness = await harness(
  {},
  {
    sendConfirmation: async ({ to, token }) => {
      throw new Error(`Message rejected for ${to}: ${confirmUrl('https://news.example.jp', token)}`);
    },
  },
);

const secrets = { addresses: [] as string[], tokens: [] as string[] };
const address = (hh: Harness) => {
  const a = hh.stack.address();
  secrets.addresses.push(a);
  return a;
};

describe('logs', () => {
  it('carry no address, token or tokened link, whatever the request', async () => {
    const email = address(h);
    await h.subscribe(email);
    await h.call({ method: 'POST', path: '/subscribe', ...jsonBody({ email: address(h) }) });
    await h.subscribe(`  ${address(h).toUpperCase()}  `);
    await h.subscribe(`not an address ${address(h)}`);
    const confirm = await h.latestConfirmToken(email);
    secrets.tokens.push(confirm);
    await h.call({ path: '/confirm', query: { token: confirm } });
    await h.call({ method: 'POST', path: '/confirm', ...formBody({ token: confirm }) });
    await h.call({ method: 'POST', path: '/confirm', ...formBody({ token: confirm, action: 'new-link' }) });
    const unsub = await h.unsubscribeTokenOf(email);
    secrets.tokens.push(unsub);
    await h.call({ path: '/unsubscribe', query: { token: unsub } });
    await h.call({
      method: 'POST',
      path: '/unsubscribe',
      query: { token: unsub },
      ...formBody({ 'List-Unsubscribe': 'One-Click' }),
    });
    await h.call({ method: 'POST', path: '/unsubscribe', query: { token: `${unsub}x` } });
    // Links mangled on the way: the token or the address ends up in the path.
    const victim = address(h);
    for (const path of [
      `/confirm%3Ftoken=${confirm}`,
      `/confirm/${confirm}`,
      `/unsubscribe/token=${unsub}`,
      `/${victim}`,
    ]) {
      await h.call({ path });
      await h.call({ method: 'POST', path, ...formBody({ email: victim }) });
    }
    await h.call({ method: victim.toUpperCase(), path: '/subscribe' });
    await h.call({ method: `X${confirm}`, path: `/x${confirm}` });
    const unlucky = address(failing);
    expect((await failing.subscribe(unlucky)).statusCode).toBe(503);

    const log = logs.text();
    expect(log).toContain('"message":"request"'); // the capture works
    expect(log).toContain('"message":"request failed"');
    for (const a of secrets.addresses) expect(log.toLowerCase()).not.toContain(a.toLowerCase());
    for (const t of secrets.tokens) expect(log).not.toContain(t.slice(22));
    expect(log).not.toMatch(/token=/i);
    expect(log).not.toMatch(/[^\s"<>]+@[^\s"<>]+\.[a-z]{2,}/i);
    expect(log).not.toMatch(/[A-Za-z0-9_-]{43,}/);
  });
});
