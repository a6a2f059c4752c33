/**
 * The local twin keeps up (issue 6, item 9): the mailbox simulator reads only what is new from
 * the SES emulator and never stacks its looks; the dispatcher ticker never stacks ticks; the
 * tick setting is checked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localCredentials, localRegion, startSes, type Running } from '../../local/emulators.ts';
import { freePort } from '../../local/ports.ts';
import { checkedTickMs, startTicker, tickMsFromEnv } from '../../local/schedule.ts';
import { StoreCursor, startSimulator, type StoredEmail } from '../../local/ses-simulator.ts';
import { singleFlight } from '../../local/single-flight.ts';
import { type SesV2, sesClient } from '../../functions/adapters/aws/sesv2.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';

/** A gate a test opens by hand, to hold a run in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const mail = (messageId: string, at: number): StoredEmail => ({
  messageId,
  at,
  from: 'a@example.jp',
  subject: 's',
  destination: { to: ['success@simulator.amazonses.com'] },
});

describe('singleFlight', () => {
  it('skips a timer run while one is going, and gives callers who need it one fresh run, shared', async () => {
    const g = gate();
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    const job = singleFlight(async () => {
      runs++;
      most = Math.max(most, ++inFlight);
      if (runs === 1) await g.opened;
      inFlight--;
      return runs;
    });
    job.whenIdle();
    for (let i = 0; i < 5; i++) job.whenIdle();
    const a = job.fresh();
    const b = job.fresh();
    expect(runs).toBe(1);
    g.open();
    expect(await a).toBe(2);
    expect(await b).toBe(2);
    await job.idle();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('a failed run does not stop the next one', async () => {
    let n = 0;
    const job = singleFlight(async () => {
      if (++n === 1) throw new Error('boom');
      return n;
    });
    await expect(job.fresh()).rejects.toThrow('boom');
    expect(await job.fresh()).toBe(2);
  });
});

describe('StoreCursor', () => {
  it('asks from the newest second seen and passes on each mail once, whatever the emulator repeats', () => {
    const c = new StoreCursor();
    expect(c.query).toBe('since=0');
    expect(c.take([mail('a', 100), mail('b', 101)]).map((m) => m.messageId)).toEqual(['a', 'b']);
    expect(c.query).toBe('since=101');
    // The emulator answers `at >= since`: the second already read comes back with a newcomer.
    expect(c.take([mail('b', 101), mail('c', 101), mail('d', 102)]).map((m) => m.messageId)).toEqual([
      'c',
      'd',
    ]);
    expect(c.take([mail('d', 102)])).toEqual([]);
    // Older mail (a store that was not filtered) is not passed on again.
    expect(
      c.take([mail('a', 100), mail('b', 101), mail('d', 102), mail('e', 102)]).map((m) => m.messageId),
    ).toEqual(['e']);
  });
});

describe('the mailbox simulator against its own SES emulator', () => {
  let ses: Running;
  let client: SesV2;
  beforeAll(async () => {
    ses = await startSes({ port: await freePort() });
    client = sesClient({ endpoint: ses.url, region: localRegion, credentials: () => localCredentials });
  });
  afterAll(async () => {
    await ses.stop();
  });

  it('publishes one event per simulator recipient, reading the store with since=, and never stacks looks', async () => {
    const send = (to: string) =>
      sesMailer(client, { from: 'a@example.jp' }).send({ to, subject: 's', html: '<p>x</p>', text: 'x' });
    const urls: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      urls.push(String(input));
      return realFetch(input, init);
    });
    const g = gate();
    let handled = 0;
    let inFlight = 0;
    let most = 0;
    const events: string[] = [];
    const sim = startSimulator(
      ses.url,
      async (event) => {
        most = Math.max(most, ++inFlight);
        events.push(event['detail-type']);
        await g.opened;
        inFlight--;
        return ++handled;
      },
      5,
      () => undefined,
    );
    try {
      await send('reader@example.jp');
      await send('bounce@simulator.amazonses.com');
      // The timer fires every 5 ms while the handler holds the first look open.
      while (events.length === 0) await new Promise((r) => setTimeout(r, 20));
      const fetchesWhileHeld = urls.length;
      await new Promise((r) => setTimeout(r, 200));
      expect(urls.length).toBe(fetchesWhileHeld);
      g.open();
      await send('complaint+x@simulator.amazonses.com');
      await sim.poll();
      await sim.poll();
    } finally {
      await sim.stop();
      spy.mockRestore();
    }
    expect(events).toEqual(['Email Bounced', 'Email Complaint Received']);
    expect(most).toBe(1);
    expect(urls.every((u) => /\/store\?since=\d+$/.test(u))).toBe(true);
    expect(urls.some((u) => !u.endsWith('since=0'))).toBe(true);
  });
});

describe('the dispatcher ticker', () => {
  it('skips ticks while one runs; tick() runs one more after it; stop waits for it', async () => {
    const g = gate();
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const ticker = startTicker(
      async () => {
        calls++;
        most = Math.max(most, ++inFlight);
        if (calls === 1) await g.opened;
        inFlight--;
        return calls;
      },
      100,
      () => undefined,
    );
    const first = ticker.tick();
    await new Promise((r) => setTimeout(r, 450));
    expect(calls).toBe(1);
    const next = ticker.tick();
    g.open();
    expect(await first).toBe(1);
    expect(await next).toBe(2);
    await ticker.stop();
    await settle();
    expect(most).toBe(1);
  });

  it('refuses a tick that setInterval would turn into 1 ms', () => {
    for (const bad of [Number.NaN, 0, 50, 1.5, -1000, 2 ** 31, Number.POSITIVE_INFINITY]) {
      expect(() => checkedTickMs(bad)).toThrow(/KAWARABAN_TICK_MS/);
    }
    expect(checkedTickMs(2 ** 31 - 1)).toBe(2 ** 31 - 1);
    expect(() =>
      startTicker(
        async () => 0,
        Number.NaN,
        () => undefined,
      ),
    ).toThrow(/100/);
  });

  it('reads KAWARABAN_TICK_MS as plain digits only, with a message in both languages', () => {
    expect(tickMsFromEnv({})).toBe(3000);
    expect(tickMsFromEnv({ KAWARABAN_TICK_MS: ' ' })).toBe(3000);
    expect(tickMsFromEnv({ KAWARABAN_TICK_MS: '500' })).toBe(500);
    for (const raw of ['abc', '1e3', '0x10', '3s', '-5', '0', '2147483648', '99999999999999999999']) {
      expect(() => tickMsFromEnv({ KAWARABAN_TICK_MS: raw })).toThrow(
        new RegExp(`ミリ秒.*must be.*"${raw}"`),
      );
    }
  });
});
