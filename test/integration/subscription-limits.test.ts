/** The DynamoDB rate-limit counters: exact windows, atomic under concurrency, no reliance on TTL. */
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import {
  addressKey,
  clientCounters,
  clientKey,
  clientNetwork,
  CONFIRMATION_EMAIL_LIMIT,
  type FixedWindow,
} from '../../functions/core/use-cases/rate-limits.ts';
import { createTestStack } from '../helpers/stack.ts';

const stack = await createTestStack();
const limits = dynamoRateLimitStore(dynamo, stack.env.SUBSCRIBERS_TABLE!);
const at = (iso: string) => new Date(iso);
const minutes = (base: Date, m: number) => new Date(base.getTime() + m * 60_000);

describe('confirmation emails per address (1 per 10 min, 3 per 24 h, sliding)', () => {
  it('allows one, refuses within 10 minutes, allows again at 10 minutes', async () => {
    const key = addressKey(stack.address());
    const t0 = at('2030-01-01T00:00:00Z');
    expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, t0)).toEqual({ allowed: true });
    const early = await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 9.9));
    expect(early).toMatchObject({ allowed: false });
    expect(early.allowed === false && early.retryAfterSeconds).toBe(6);
    expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 10))).toEqual({
      allowed: true,
    });
  });

  it('allows a fourth email only when the first has left the 24-hour window', async () => {
    const key = addressKey(stack.address());
    const t0 = at('2030-01-02T00:00:00Z');
    for (const m of [0, 10, 20]) {
      expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, m))).toEqual({
        allowed: true,
      });
    }
    const fourth = await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 23 * 60));
    expect(fourth).toEqual({ allowed: false, retryAfterSeconds: 3600 });
    // Refused attempts are not recorded, so the window slides from the first accepted email.
    expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 24 * 60))).toEqual({
      allowed: true,
    });
    expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 24 * 60 + 10))).toEqual({
      allowed: true,
    });
    // Now 0:20, 24:00 and 24:10 are the last three: the next one waits for 0:20 to be 24 h old.
    expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 24 * 60 + 19))).toEqual({
      allowed: false,
      retryAfterSeconds: 60,
    });
    expect(await limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, minutes(t0, 24 * 60 + 20))).toEqual({
      allowed: true,
    });
  });

  it('lets exactly one of ten concurrent requests through', async () => {
    const key = addressKey(stack.address());
    const t0 = at('2030-01-03T00:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => limits.recordSpaced(key, CONFIRMATION_EMAIL_LIMIT, t0)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
  });

  it('keys the counter by a hash and gives it a TTL', async () => {
    const email = stack.address();
    await limits.recordSpaced(addressKey(email), CONFIRMATION_EMAIL_LIMIT, at('2030-01-04T00:00:00Z'));
    const out = await dynamo.get({
      TableName: stack.env.SUBSCRIBERS_TABLE!,
      Key: { email: `rl#${addressKey(email)}` },
    });
    expect(JSON.stringify(out.Item)).not.toContain(email);
    expect(out.Item?.expiresAt).toBe(Date.parse('2030-01-05T00:01:00Z') / 1000);
  });
});

describe('requests per client (fixed windows)', () => {
  const windows: FixedWindow[] = [
    { seconds: 600, max: 3 },
    { seconds: 86_400, max: 5 },
  ];

  it('counts up to the limit of the short window, then refuses until it ends', async () => {
    const key = clientKey('203.0.113.7');
    const t0 = at('2030-02-01T00:00:00Z');
    for (let i = 0; i < 3; i++)
      expect(await limits.countRequest(key, windows, t0)).toEqual({ allowed: true });
    expect(await limits.countRequest(key, windows, minutes(t0, 5))).toEqual({
      allowed: false,
      retryAfterSeconds: 300,
    });
    expect(await limits.countRequest(key, windows, minutes(t0, 10))).toEqual({ allowed: true });
    expect(await limits.countRequest(key, windows, minutes(t0, 10))).toEqual({ allowed: true });
    // Five in the day now: the daily window refuses even in a fresh short window.
    expect(await limits.countRequest(key, windows, minutes(t0, 30))).toMatchObject({ allowed: false });
    expect(await limits.countRequest(key, windows, minutes(t0, 24 * 60))).toEqual({ allowed: true });
  });

  it('is exact under concurrency', async () => {
    const key = clientKey('203.0.113.8');
    const t0 = at('2030-02-02T00:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => limits.countRequest(key, windows, t0)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it('groups an IPv6 client by its /64 and strips a prefix length', () => {
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe(clientNetwork('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientNetwork('2001:db8:1:3::1')).not.toBe(clientNetwork('2001:db8:1:2::1'));
    expect(clientNetwork('192.168.0.1/32')).toBe('192.168.0.1');
    expect(clientNetwork('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientNetwork('not an ip')).toBe('unknown');
  });

  it('counts an IPv6 client in its /64 and its /48, an IPv4 client once', () => {
    const keys = (ip: string) => clientCounters(ip).map((c) => c.key);
    expect(keys('192.0.2.1')).toEqual([clientKey('192.0.2.1')]);
    expect(keys('::ffff:192.0.2.1')).toEqual([clientKey('192.0.2.1')]);
    const [net, site] = keys('2001:db8:1:2::1');
    expect(net).toBe(clientKey('2001:db8:1:2::9'));
    expect(site).toBe(keys('2001:0db8:0001:ffff::1')[1]);
    expect(site).not.toBe(keys('2001:db8:2:2::1')[1]);
  });
});
