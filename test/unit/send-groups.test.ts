/**
 * The send phase in groups (send-run/send.ts with a mailer that has `sendBulk`): one request
 * carries up to a second of the run's rate, half the crash bound and SES's 50; every row's answer
 * is its own. On in-memory ports and a virtual clock; against the emulators in
 * test/integration/dispatch-bulk.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MessageRejected, SendingPausedException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import fc from 'fast-check';
import { InFlightWindow } from '../../functions/core/in-flight.ts';
import { SendPacer } from '../../functions/core/pacing.ts';
import { evenGroup, SendPhase } from '../../functions/core/use-cases/send-run/send.ts';
import type { SettlePhase } from '../../functions/core/use-cases/send-run/settle.ts';
import type { RunState } from '../../functions/core/use-cases/send-run/state.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';
import { busiest } from '../helpers/windows.ts';
import { MemoryBulkMailer, type MemoryMailer, memorySending, runOnce } from '../helpers/memory-sending.ts';

/** A setup at MaxSendRate `rate` whose mailer sends in bulk, its requests stamped on the virtual clock. */
function bulkSetup(n: number, rate: number, mailer = new MemoryBulkMailer(), concurrency = 32) {
  const s = memorySending(n, { concurrency, pageSize: 100 }, mailer);
  mailer.now = () => s.clock.now().getTime();
  s.deps.quota = {
    getQuota: async () => ({
      maxSendRate: rate,
      max24HourSend: 1_000_000,
      sentLast24Hours: 0,
      sendingEnabled: true,
    }),
  };
  return { ...s, mailer };
}

/** Each request's messages as sends at its admission: what SES counts against the rate. */
const sendTimes = (requests: { size: number; at: number }[]) =>
  requests.flatMap((r) => Array<number>(r.size).fill(r.at));

const sentTo = (mailer: MemoryMailer) => mailer.sent.map((m) => m.to).sort();

describe('group sizes', () => {
  /** The group size of a run at `rate` with crash bound `bound`. */
  function sizeAt(rate: number, bound: number) {
    const clock = new VirtualClock();
    const run = {
      deps: { mailer: new MemoryBulkMailer() },
      pacer: new SendPacer(rate, clock),
      window: new InFlightWindow(rate, bound),
    } as unknown as RunState;
    return new SendPhase(run, {} as SettlePhase, () => undefined).groupSize();
  }

  it('a second of sends where the crash bound holds two or more, else a third of the bound; SES takes 50', () => {
    expect(sizeAt(14, 32)).toBe(14);
    expect(sizeAt(16, 32)).toBe(16);
    expect(sizeAt(17, 32)).toBe(8); // a third is 10: two groups of 8 fill 16 of 17
    expect(sizeAt(100, 32)).toBe(10);
    expect(sizeAt(124, 32)).toBe(10); // 12 of 10 fill 120
    expect(sizeAt(2000, 200)).toBe(50);
    expect(sizeAt(14, 1)).toBe(1);
  });

  it('whole groups fill the window: the most of it from half the largest size to the largest', () => {
    expect(evenGroup(124, 16)).toBe(11); // 11 × 11 = 121, where 7 × 16 = 112
    expect(evenGroup(500, 33)).toBe(25); // 20 × 25 = 500
    expect(evenGroup(14, 14)).toBe(14);
    expect(evenGroup(13, 8)).toBe(6); // 2 × 6 = 12, where 8 alone is 8
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 50 }), (limit, wanted) => {
        const most = Math.min(limit, wanted);
        const k = evenGroup(limit, most);
        const fill = (g: number) => g * Math.floor(limit / g);
        expect(k).toBeLessThanOrEqual(most);
        expect(k).toBeGreaterThanOrEqual(Math.ceil(most / 2));
        for (let g = Math.ceil(most / 2); g <= most; g++) expect(fill(k)).toBeGreaterThanOrEqual(fill(g));
        // Never less than half the window is lost to rounding, and usually nearly none.
        expect(fill(k)).toBeGreaterThan(limit / 2);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the in-flight window with groups', () => {
  it('claims once a group is left and takes a whole group each time, within the crash bound', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 2000, noNaN: true }),
        fc.integer({ min: 2, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 400 }),
        (rate, bound, wanted, latency) => {
          const w = new InFlightWindow(rate, bound);
          w.observe(latency);
          // As send-run/send.ts groupSize: never more than half the bound.
          w.group = Math.max(1, Math.min(wanted, Math.floor(bound / 2)));
          expect(w.claimAt).toBeGreaterThanOrEqual(w.group);
          expect(w.fillTo).toBeLessThanOrEqual(bound);
          // A claim at claimAt rows left brings a whole group more: the next group is ready in time.
          expect(w.fillTo - w.claimAt).toBeGreaterThanOrEqual(w.group);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the send phase in groups', () => {
  it('at 14/s: groups of 14, one request every 1.01 s, never more than 14 in any second, every reader once', async () => {
    const s = bulkSetup(98, 14);
    const { tally } = await runOnce(s);
    expect(tally).toMatchObject({ outcome: 'sent', sent: 98 });
    expect(sentTo(s.mailer)).toEqual(s.audience.recipients.map((r) => r.email).sort());
    // 98 readers over 16 shards (pages of 6 or 7 rows): a group waits for the next claim rather
    // than leave short at a page's end.
    expect(s.mailer.requests.map((r) => r.size)).toEqual(Array(7).fill(14));
    expect(busiest(sendTimes(s.mailer.requests))).toBeLessThanOrEqual(14);
    // Full groups leave a window (and its guard) apart: the limit of 14 is used, not passed.
    const full = s.mailer.requests;
    for (let i = 1; i < full.length; i++) expect(full[i]!.at - full[i - 1]!.at).toBeGreaterThanOrEqual(1010);
  });

  it('at 100/s: groups of a third of the crash bound (it holds under two seconds), never more than 100 in any second', async () => {
    const s = bulkSetup(400, 100);
    const { tally } = await runOnce(s);
    expect(tally).toMatchObject({ outcome: 'sent', sent: 400 });
    expect(Math.max(...s.mailer.requests.map((r) => r.size))).toBe(10);
    expect(busiest(sendTimes(s.mailer.requests))).toBeGreaterThanOrEqual(90);
    expect(busiest(sendTimes(s.mailer.requests))).toBeLessThanOrEqual(100);
    expect(new Set(s.mailer.sent.map((m) => m.to)).size).toBe(400);
  });

  it('a mailer without sendBulk, or a crash bound of 1, sends one row per request', async () => {
    const single = memorySending(20, { concurrency: 32 });
    await runOnce(single);
    expect(single.mailer.calls).toBe(20);
    const narrow = bulkSetup(20, 14, new MemoryBulkMailer(), 1);
    await runOnce(narrow);
    expect(narrow.mailer.requests).toEqual([]);
    expect(narrow.mailer.sent).toHaveLength(20);
  });

  it('settles each row by its own answer: throttled rows retried as a smaller group, a refusal failed, the rest sent once', async () => {
    const throttledOnce = new Set<string>();
    const mailer = new MemoryBulkMailer((_n, m) => {
      if (m.to.endsWith('3@example.com') && !throttledOnce.has(m.to)) {
        throttledOnce.add(m.to);
        return new TooManyRequestsException({ message: 'slow', $metadata: {} });
      }
      if (m.to === 'r0007@example.com') return new MessageRejected({ message: 'no', $metadata: {} });
      return undefined;
    });
    const s = bulkSetup(40, 14, mailer);
    const { tally } = await runOnce(s);
    expect(tally).toMatchObject({ outcome: 'sent', sent: 39, failed: 1 });
    expect(s.ledger.rows.get('r0007@example.com')).toMatchObject({ state: 'failed' });
    const sent = sentTo(mailer);
    expect(sent).toHaveLength(39);
    expect(new Set(sent).size).toBe(39);
    // r0003, r0013, r0023, r0033: each throttled once, then sent in a retry of its own group.
    expect(throttledOnce.size).toBe(4);
    expect(mailer.requests.some((r) => r.size < 14 && r.size > 0)).toBe(true);
    expect(s.clock.slept).toBeGreaterThan(0);
  });

  it('a whole request throttled is retried whole; a paused account drops every claim not sent and pauses', async () => {
    const throttled = new MemoryBulkMailer(undefined, (n) =>
      n === 2 ? new TooManyRequestsException({ message: 'slow', $metadata: {} }) : undefined,
    );
    const t = bulkSetup(30, 14, throttled);
    expect((await runOnce(t)).tally).toMatchObject({ outcome: 'sent', sent: 30 });
    expect(new Set(sentTo(throttled)).size).toBe(30);
    expect(throttled.sent).toHaveLength(30);

    const paused = new MemoryBulkMailer(undefined, (n) =>
      n >= 2 ? new SendingPausedException({ message: 'paused', $metadata: {} }) : undefined,
    );
    const p = bulkSetup(40, 14, paused);
    const { tally } = await runOnce(p);
    expect(tally.outcome).toBe('paused');
    expect(paused.sent).toHaveLength(14);
    // Nothing is left claimed: the refused rows were never sent, so the next run claims them afresh.
    expect([...p.ledger.rows.values()].map((r) => r.state).sort()).toEqual(Array(14).fill('sent'));
  });

  it('an answer that may or may not have gone out keeps every claim of the request and ends the run in an error', async () => {
    const mailer = new MemoryBulkMailer(undefined, (n) =>
      n === 2 ? Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }) : undefined,
    );
    const s = bulkSetup(40, 14, mailer);
    const { tally } = await runOnce(s);
    expect(tally).toMatchObject({ outcome: 'error', reason: 'TimeoutError: socket hang up' });
    const claimed = [...s.ledger.rows.values()].filter((r) => r.state === 'claimed');
    // The request's 14 rows stay claimed (the next run re-sends them); the group behind it is released.
    expect(claimed).toHaveLength(14);
    expect(mailer.sent).toHaveLength(14);
  });
});
