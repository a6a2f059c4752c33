/**
 * Behind the CloudFront edge (edgeWaf=true), through the local HTTP adapter and DynamoDB Local:
 * the per-client sign-up counters count CloudFront's viewer address only on requests carrying
 * the origin secret; a spoofed viewer header without it is counted by the real peer, and without
 * the edge configured nothing changes. (The local runtime has no CloudFront: the test plays it.)
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/http/app.ts';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/edge.ts';
import { CLIENT_LIMITS } from '../../functions/core/use-cases/rate-limits.ts';
import { serveApi } from '../../local/http-server.ts';
import { formBody } from '../helpers/api-events.ts';
import { harness, type Harness } from '../helpers/subscription.ts';

const SECRET = 'edge-origin-secret-for-the-integration-test-0123';
const perTenMinutes = CLIENT_LIMITS[0]!.max;

async function serve(
  h: Harness,
): Promise<{ server: Server; post(headers: Record<string, string>): Promise<number> }> {
  const server = await serveApi(createHandler(h.deps), 0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    async post(headers) {
      // The honeypot answers neutrally without mailing anyone, after the client was counted.
      const { body, headers: form } = formBody({ email: h.stack.address(), website: 'bot' });
      const res = await fetch(`${base}/subscribe`, {
        method: 'POST',
        body,
        headers: { ...form, ...headers },
      });
      await res.arrayBuffer();
      return res.status;
    },
  };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('with the edge configured (EDGE_ORIGIN_SECRET)', () => {
  let h: Harness;
  let post: (headers: Record<string, string>) => Promise<number>;
  beforeAll(async () => {
    h = await harness({ EDGE_ORIGIN_SECRET: SECRET });
    const s = await serve(h);
    servers.push(s.server);
    post = s.post;
  });

  it('counts spoofed viewer addresses without the secret against the real peer', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= perTenMinutes; i++) {
      const forged: Record<string, string> = i % 2 === 0 ? { [ORIGIN_SECRET_HEADER]: 'not-the-secret' } : {};
      statuses.push(await post({ [VIEWER_ADDRESS_HEADER]: `203.0.113.${i + 1}:4000`, ...forged }));
    }
    expect(statuses.slice(0, perTenMinutes).every((s) => s === 200)).toBe(true);
    expect(statuses[perTenMinutes]).toBe(429);
  });

  it('counts each viewer on its own when the secret proves the request came through CloudFront', async () => {
    // The peer (127.0.0.1, playing the edge location) is spent by the test above; viewers are not.
    expect(
      await post({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: '198.51.100.20:5000' }),
    ).toBe(200);
    expect(
      await post({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: '2001:db8:7::1:5000' }),
    ).toBe(200);
    const statuses: number[] = [];
    for (let i = 1; i <= perTenMinutes; i++) {
      statuses.push(
        await post({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: `198.51.100.20:${5000 + i}` }),
      );
    }
    // One viewer still gets its own budget, no more: 20 counted, the 21st refused.
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('records the viewer address as consent evidence', async () => {
    const email = h.stack.address();
    const edge = { [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: '192.0.2.44:6000' };
    expect((await h.subscribe(email, {}, { headers: { ...formBody({}).headers, ...edge } })).statusCode).toBe(
      200,
    );
    const token = await h.latestConfirmToken(email);
    const { body, headers } = formBody({ token });
    expect(
      (await h.call({ method: 'POST', path: '/confirm', body, headers: { ...headers, ...edge } })).statusCode,
    ).toBe(200);
    expect((await h.item(email))?.consent?.sourceIp).toBe('192.0.2.44');
  });
});

describe('without the edge (the default, and the local runtime)', () => {
  it('never reads the viewer header, even with a secret-looking origin header', async () => {
    const h = await harness();
    expect(h.deps.edgeOriginSecret).toBeUndefined();
    const s = await serve(h);
    servers.push(s.server);
    const statuses: number[] = [];
    for (let i = 0; i <= perTenMinutes; i++) {
      statuses.push(
        await s.post({ [ORIGIN_SECRET_HEADER]: SECRET, [VIEWER_ADDRESS_HEADER]: `203.0.113.${i + 1}:4000` }),
      );
    }
    expect(statuses.slice(0, perTenMinutes).every((st) => st === 200)).toBe(true);
    expect(statuses[perTenMinutes]).toBe(429);
  });
});
