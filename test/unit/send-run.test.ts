/**
 * The send run's phases (claim, send, settle a page, checkpoint, finish) and its window, on
 * in-memory ports (test/helpers/memory-sending.ts) and a virtual clock. The same run against
 * DynamoDB Local and the SES emulator is tested in test/integration/dispatch*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MessageRejected, SendingPausedException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { InFlightWindow } from '../../functions/core/in-flight.ts';
import { PageBook } from '../../functions/core/use-cases/send-pages.ts';
import { rateShare, reportScope, SendRun } from '../../functions/core/use-cases/send-run.ts';
import { SendPacer } from '../../functions/core/pacing.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';
import { reserveFor } from '../../functions/core/send-load.ts';
import type { ReportRunSummary } from '../../functions/core/use-cases/dispatch-due.ts';
import { MemoryMailer, memorySending, runOnce } from '../helpers/memory-sending.ts';

type Setup = ReturnType<typeof memorySending>;

const sentTo = (s: Setup) => s.mailer.sent.map((m) => m.to).sort();

describe('InFlightWindow', () => {
  it("keeps rate × latency in flight (Little's law) with headroom, between 1 and the maximum", () => {
    const w = new InFlightWindow(500, 64, 80);
    expect(w.target).toBe(Math.ceil(500 * 0.08 * 1.25) + 1); // 51
    expect(new InFlightWindow(500, 32, 80).target).toBe(32);
    expect(new InFlightWindow(1, 64, 80).target).toBe(2);
  });

  it('follows the observed latency', () => {
    const w = new InFlightWindow(100, 64, 150);
    const wide = w.target;
    for (let i = 0; i < 100; i++) w.observe(40);
    expect(w.meanLatencyMs).toBeCloseTo(40, 0);
    expect(w.target).toBeLessThan(wide);
    expect(w.target).toBe(Math.ceil(100 * (w.meanLatencyMs / 1000) * 1.25) + 1);
    w.observe(Number.NaN);
    w.observe(-5);
    expect(w.meanLatencyMs).toBeCloseTo(40, 0);
  });

  it('refuses a rate or maximum that cannot work', () => {
    expect(() => new InFlightWindow(0, 8)).toThrow(RangeError);
    expect(() => new InFlightWindow(10, 0)).toThrow(RangeError);
    expect(() => new InFlightWindow(10, 2.5)).toThrow(RangeError);
  });
});

describe('PageBook (settle a page)', () => {
  it('lets a page be saved only when every row is claimed, settled and marked, and only in cursor order', () => {
    const book = new PageBook();
    const a = book.add({ shard: 0, lastKey: { email: 'a' } }, 2);
    const b = book.add({ shard: 1 }, 1);
    b.started = 1;
    book.settle(b, 'skipped');
    expect(book.saveable()).toBeUndefined(); // b is done, a is not: the cursor cannot skip a
    a.started = 2;
    book.settle(a, 'sent');
    book.settle(a, 'settled-failed');
    expect(book.saveable()).toBeUndefined(); // a's sent row is not marked yet
    book.marked(a);
    expect(book.saveable()).toBe(a);
    expect(a.delta).toEqual({ sent: 1, failed: 1 });
    book.saved(a);
    expect(book.saveable()).toBe(b);
    expect(() => book.saved(a)).toThrow();
  });

  it('never saves a page with an unresolved row', () => {
    const book = new PageBook();
    const a = book.add({ shard: 2 }, 1);
    a.started = 1;
    book.settle(a, 'unresolved');
    expect(book.saveable()).toBeUndefined();
    expect(book.openPages).toBe(1);
  });
});

describe('SendRun', () => {
  it('start: pauses when SES sending is disabled, waits when the 24-hour budget is spent, pauses without rendered output', async () => {
    const off = memorySending(5);
    off.deps.quota = {
      getQuota: async () => ({
        maxSendRate: 10,
        max24HourSend: 100,
        sentLast24Hours: 0,
        sendingEnabled: false,
      }),
    };
    expect((await runOnce(off)).tally.outcome).toBe('paused');
    expect(off.reports.record.pauseReason).toMatch(/SendingEnabled = false/);

    const spent = memorySending(5, { dailyHeadroom: 10 });
    spent.deps.quota = {
      getQuota: async () => ({
        maxSendRate: 10,
        max24HourSend: 100,
        sentLast24Hours: 90,
        sendingEnabled: true,
      }),
    };
    expect((await runOnce(spent)).tally.outcome).toBe('quota');
    expect(spent.reports.record.status).toBe('SENDING');

    const blank = memorySending(5);
    blank.deps.blobs = {
      getText: async () => '{"placeholder":""}',
      getBytes: async () => new TextEncoder().encode('{"placeholder":""}'),
      putText: async () => undefined,
      list: async () => [],
    };
    expect((await runOnce(blank)).tally.outcome).toBe('paused');
    expect(blank.mailer.sent).toHaveLength(0);
  });

  it('claim: takes a full window first, then claims while sends are out, never more than `concurrency` claimed and unmarked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        async (concurrency, n) => {
          const s = memorySending(n, { concurrency, pageSize: 7 });
          const { tally } = await runOnce(s);
          expect(tally).toMatchObject({ outcome: 'sent', sent: n });
          expect(sentTo(s)).toEqual(s.audience.recipients.map((r) => r.email).sort());
          expect(Math.max(...s.ledger.heldAfterWrite)).toBeLessThanOrEqual(concurrency);
          expect(s.mailer.peak).toBeLessThanOrEqual(concurrency);
          expect(s.ledger.heldAfterWrite.at(-1)).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('claim: skips a reader no longer confirmed, and stops claiming at a page whose report is no longer SENDING', async () => {
    const s = memorySending(30, { pageSize: 5, concurrency: 2 });
    const gone = s.audience.recipients[3]!.email;
    s.ledger.confirmed.delete(gone);
    let sends = 0;
    const real = s.deps.mailer;
    s.deps.mailer = {
      async send(m) {
        if (++sends === 6) s.reports.record.status = 'CANCELED';
        return real.send(m);
      },
    };
    const { tally } = await runOnce(s);
    expect(tally.outcome).toBe('lease-lost');
    expect(sentTo(s)).not.toContain(gone);
    // What was claimed before the next page's check still went out; nothing after it.
    expect(s.mailer.sent.length).toBeLessThan(30);
    expect(s.mailer.sent.length).toBe([...s.ledger.rows.values()].filter((r) => r.state === 'sent').length);
  });

  it('send: retries throttling itself, marks a permanent refusal failed, and pauses on a paused account without keeping the claim', async () => {
    const s = memorySending(
      6,
      { concurrency: 1 },
      new MemoryMailer((n) =>
        n <= 2 ? new TooManyRequestsException({ message: 'slow down', $metadata: {} }) : undefined,
      ),
    );
    const throttled = await runOnce(s);
    expect(throttled.tally).toMatchObject({ outcome: 'sent', sent: 6 });
    expect(s.clock.slept).toBeGreaterThan(0);

    const victim = 'r0002@example.com';
    const r = memorySending(
      6,
      { concurrency: 1 },
      new MemoryMailer((_n, m) =>
        m.to === victim ? new MessageRejected({ message: 'no', $metadata: {} }) : undefined,
      ),
    );
    const refused = await runOnce(r);
    expect(refused.tally).toMatchObject({ outcome: 'sent', sent: 5, failed: 1 });
    expect(r.ledger.rows.get(victim)).toMatchObject({ state: 'failed' });

    const p = memorySending(
      6,
      { concurrency: 1 },
      new MemoryMailer((n) =>
        n >= 3 ? new SendingPausedException({ message: 'paused', $metadata: {} }) : undefined,
      ),
    );
    const paused = await runOnce(p);
    expect(paused.tally.outcome).toBe('paused');
    expect([...p.ledger.rows.values()].every((row) => row.state === 'sent')).toBe(true);
  });

  it('send: an answer that may or may not have gone out keeps its claim and ends the run in an error', async () => {
    const s = memorySending(
      6,
      { concurrency: 1 },
      new MemoryMailer((n) =>
        n === 3 ? Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }) : undefined,
      ),
    );
    const { tally } = await runOnce(s);
    expect(tally).toMatchObject({ outcome: 'error', reason: 'TimeoutError: socket hang up' });
    expect([...s.ledger.rows.values()].filter((r) => r.state === 'claimed')).toHaveLength(1);
  });

  it('checkpoint: saves pages in cursor order with their counts, and a later run resumes after the last one', async () => {
    const s = memorySending(40, { pageSize: 3, concurrency: 4 });
    s.deps.quota = {
      getQuota: async () => ({
        maxSendRate: 10,
        max24HourSend: 1_000_000,
        sentLast24Hours: 0,
        sendingEnabled: true,
      }),
    };
    const first = await runOnce(s, 1_500);
    expect(first.tally.outcome).toBe('continues');
    const saved = s.reports.checkpointsSaved;
    expect(saved.length).toBeGreaterThan(0);
    // Cursors only move forward.
    const order = saved.map((c) => c.cursor.shard * 1e6 + (c.cursor.lastKey ? 0 : 1));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(s.reports.record.counts.sent).toBe(saved.reduce((n, c) => n + (c.add.sent ?? 0), 0));

    const second = await runOnce(s);
    expect(second.tally.outcome).toBe('sent');
    expect(sentTo(s)).toEqual(s.audience.recipients.map((r) => r.email).sort());
    expect(s.reports.record.counts.sent).toBe(40);
  });

  it('finish: SENT and exactly one notice; a run that lost the lease before the end sends none', async () => {
    const s = memorySending(12);
    const { tally } = await runOnce(s);
    expect(tally.outcome).toBe('sent');
    expect(s.reports.record.status).toBe('SENT');
    expect(s.notices).toEqual([expect.objectContaining({ kind: 'sent', sent: 12, failed: 0 })]);

    const lost = memorySending(3);
    const finish = lost.reports.finish.bind(lost.reports);
    lost.reports.finish = async (id, _owner, now) => finish(id, 'someone-else', now);
    expect((await runOnce(lost)).tally.outcome).toBe('lease-lost');
    expect(lost.notices).toEqual([]);
  });
});

describe('SendRun: one quota for everyone', () => {
  const load = (peakPerSecond: number, last24h: number) => ({
    record: async () => undefined,
    recent: async () => ({ peakPerSecond, last24h }),
  });

  it('reserves twice the recent confirmations (at least one a second, at least DAILY_HEADROOM a day)', () => {
    expect(reserveFor({ peakPerSecond: 0, last24h: 0 }, 100)).toEqual({ rate: 1, daily: 100 });
    expect(reserveFor({ peakPerSecond: 2.5, last24h: 400 }, 100)).toEqual({ rate: 5, daily: 800 });
  });

  it('leaves the 24-hour budget confirmations have been using, and waits when the rest is spent', async () => {
    const s = memorySending(300, { concurrency: 4, dailyHeadroom: 10 });
    s.deps.quota = {
      getQuota: async () => ({
        maxSendRate: 1000,
        max24HourSend: 1000,
        sentLast24Hours: 0,
        sendingEnabled: true,
      }),
    };
    s.deps.confirmations = load(0, 400);
    const { tally } = await runOnce(s);
    expect(tally).toMatchObject({ outcome: 'quota', sent: 200 });
  });

  it("sends at the rate minus the confirmations' reserve, and workers split what is left", async () => {
    const elapsedFor = async (share: number) => {
      const s = memorySending(61, { concurrency: 1 });
      s.deps.quota = {
        getQuota: async () => ({
          maxSendRate: 20,
          max24HourSend: 1_000_000,
          sentLast24Hours: 0,
          sendingEnabled: true,
        }),
      };
      s.deps.confirmations = load(2, 0); // reserve 4/s: 16/s for newsletters
      const owner = `o-share-${share}-${Math.random()}`;
      const report = (await s.reports.acquireLease(
        s.reports.record.reportId,
        owner,
        s.clock.now(),
        new Date(s.clock.now().getTime() + 3_600_000),
      ))!;
      const scope = { ...reportScope(s.deps, report, owner), share };
      const tally: ReportRunSummary = {
        reportId: report.reportId,
        outcome: 'busy',
        sent: 0,
        failed: 0,
        skipped: 0,
        pages: 0,
      };
      const start = s.clock.now().getTime();
      await new SendRun({
        deps: s.deps,
        settings: s.settings,
        owner,
        report,
        scope,
        deadline: start + 3_600_000,
        tally,
      }).execute();
      expect(tally.sent).toBe(61);
      return (s.clock.now().getTime() - start) / 1000;
    };
    // 60 intervals at 16/s: 3.75 s of pacing; one of four workers gets 4/s of the 16.
    expect(await elapsedFor(1)).toBeGreaterThanOrEqual(60 / 16);
    expect(await elapsedFor(1)).toBeLessThan(60 / 15);
    const oneOfFour = await elapsedFor(4);
    expect(oneOfFour).toBeGreaterThanOrEqual(60 / 4);
    expect(oneOfFour).toBeLessThan(60 / 4 + 1);
  });
});

describe('rateShare and SendPacer', () => {
  it('gives workers whole sends per second that add up to the rate, fractions only below one each', () => {
    expect([0, 1, 2, 3].map((i) => rateShare(13, 4, i))).toEqual([4, 3, 3, 3]);
    expect([0, 1, 2].map((i) => rateShare(499.5, 3, i)).reduce((a, b) => a + b, 0)).toBe(499);
    expect(rateShare(13.5, 1, 0)).toBe(13.5);
    expect(rateShare(2, 4, 3)).toBe(0.5);
  });

  it('admits no more than floor(rate) real starts in any one-second window, however late the callers come', async () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(5, clock);
    const starts: number[] = [];
    // Callers that were kept waiting arrive together: the window holds them back.
    for (let i = 0; i < 12; i++) {
      for (let w = pacer.admit(); w > 0; w = pacer.admit()) await clock.sleep(w);
      starts.push(clock.now().getTime());
    }
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
  });

  it('never starts more than floor(rate) sends in any one-second window, whatever the callers do', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 60, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 150 }),
        (rate, gaps) => {
          const clock = new VirtualClock();
          const pacer = new SendPacer(rate, clock);
          const starts: number[] = [];
          for (const gap of gaps) {
            clock.advance(gap);
            starts.push(clock.now().getTime() + pacer.reserve());
          }
          starts.sort((a, b) => a - b);
          const limit = Math.max(1, Math.floor(rate));
          for (let i = limit; i < starts.length; i++)
            expect(starts[i]! - starts[i - limit]!).toBeGreaterThanOrEqual(1000);
        },
      ),
    );
  });
});
