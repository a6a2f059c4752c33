/**
 * The whole local stack, as `npm run demo` runs it: its own emulators on free ports, the real
 * handlers, the demo's double opt-in, upload, dispatch and simulated bounce/complaint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { runDemo, demoLeavers, demoReaders, type DemoResult } from '../../local/demo.ts';
import { freePort } from '../../local/ports.ts';
import { verifyUnsubscribeToken } from '../../functions/core/tokens.ts';

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

describe('local stack end to end', () => {
  let stack: LocalStack;
  let demo: DemoResult;
  let dir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kawaraban-e2e-'));
    stack = await startLocalStack({
      ports: { api: await freePort(), ses: await freePort(), s3: await freePort(), dynamo: await freePort() },
      dir,
      reset: true,
      tickMs: 500,
      log: (l) => lines.push(l),
    });
    demo = await runDemo(stack, resolve('examples/sample-report.json'), (l) => lines.push(l));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const mailable = demoReaders.filter((e) => !/^(bounce|complaint)@/.test(e));

  it('subscribes, confirms, sends the sample report to every confirmed reader', () => {
    expect(demo.problems).toEqual([]);
    expect(demo.confirmed).toBe(mailable.length);
    expect(demo.status).toBe('SENT');
    expect(demo.delivered.sort()).toEqual([...mailable].sort());
    expect(demo.ok).toBe(true);
  });

  it('turns simulated bounces and complaints into subscriber state, and never mails them the report', () => {
    expect(demo.subscriberStatus['bounce@simulator.amazonses.com']).toBe('bounced');
    expect(demo.subscriberStatus['complaint@simulator.amazonses.com']).toBe('complained');
    expect(demo.delivered).not.toContain('bounce@simulator.amazonses.com');
    expect(demo.delivered).not.toContain('complaint@simulator.amazonses.com');
    expect(demo.subscriberStatus['tanaka.hanako@example.co.jp']).toBe('confirmed');
  });

  it('lets one reader leave with one click and another by mail, each from their own newsletter', () => {
    expect(demoLeavers).toEqual({ 'analyst@example.com': 'one-click', 'security-team@example.jp': 'mailto' });
    expect(demo.subscriberStatus['analyst@example.com']).toBe('unsubscribed');
    expect(demo.outcomes['analyst@example.com']).toContain('one click');
    expect(demo.subscriberStatus['security-team@example.jp']).toBe('unsubscribed');
    expect(demo.outcomes['security-team@example.jp']).toContain('inbound-unsubscribe');
    expect(lines.some((l) => l.startsWith('[inbound-unsubscribe] {"outcomes":["unsubscribed"]}'))).toBe(true);
  });

  it('sends each newsletter with one-click unsubscribe headers that work', async () => {
    const { emails } = (await (await fetch(`${stack.urls.inbox}/store`)).json()) as { emails: StoredEmail[] };
    const reader = 'analyst@example.com';
    const mine = emails.filter((m) => m.destination.to.includes(reader) && m.subject.includes(demo.title));
    expect(mine).toHaveLength(1);
    const mail = mine[0]!;
    const h = (name: string) => mail.headers?.find((x) => x.name.toLowerCase() === name.toLowerCase())?.value;
    expect(h('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const https = /<(http[^>]+\/unsubscribe\?token=([A-Za-z0-9_-]+))>/.exec(h('List-Unsubscribe') ?? '');
    expect(https).not.toBeNull();
    expect(h('List-Unsubscribe')).toMatch(/<mailto:[^>]+>/);
    const token = https![2]!;
    expect(
      verifyUnsubscribeToken(
        Buffer.from(readFileSync(stack.env.UNSUBSCRIBE_SECRET_FILE!, 'utf8').trim()),
        token,
      ),
    ).not.toBeNull();
    // The visible link in both parts carries the same per-recipient token, not the placeholder.
    expect(mail.body.html).toContain(token);
    expect(mail.body.text).toContain(token);
    expect(mail.body.html).not.toContain('KAWARABAN_UNSUBSCRIBE_TOKEN');

    // RFC 8058: a POST with the one-click body unsubscribes at once, no redirect (the demo did
    // it already for this reader: a repeat is harmless and answers the same).
    const res = await fetch(https![1]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    const status = await fetch(`${stack.urls.api}/unsubscribe?token=${token}`);
    expect(status.status).toBe(200);
  });

  it('logs no subscriber address and no token', () => {
    const log = lines.join('\n');
    for (const email of demoReaders) expect(log).not.toContain(email);
    expect(log).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);
  });
});
