/**
 * Each phase of a send run on its own (functions/core/use-cases/send-run/), on the in-memory
 * ports of test/helpers/memory-sending.ts and a virtual clock: the phase is built over a run
 * state whose limits the test sets, driven by hand, and judged by what it wrote to the ports
 * and to the shared state. The whole run is tested in send-run.test.ts and, against the
 * emulators, in test/integration/dispatch*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MessageRejected, SendingPausedException, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { InFlightWindow } from '../../functions/core/in-flight.ts';
import { SendPacer } from '../../functions/core/pacing.ts';
import type { ReportRunSummary } from '../../functions/core/use-cases/dispatch-due.ts';
import { ClaimPhase } from '../../functions/core/use-cases/send-run/claim.ts';
import { AudienceReader } from '../../functions/core/use-cases/send-run/reader.ts';
import { endRun, notify, pauseRun } from '../../functions/core/use-cases/send-run/finish.ts';
import { reportScope } from '../../functions/core/use-cases/send-run/scope.ts';
import { SendPhase } from '../../functions/core/use-cases/send-run/send.ts';
import { SettlePhase } from '../../functions/core/use-cases/send-run/settle.ts';
import { startRun } from '../../functions/core/use-cases/send-run/start.ts';
import { RunState } from '../../functions/core/use-cases/send-run/state.ts';
import { MemoryMailer, memorySending, RENDERED } from '../helpers/memory-sending.ts';

type Setup = ReturnType<typeof memorySending>;

const OWNER = 'phase-owner';

/**
 * A run state over the setup's report, leased by OWNER. With `limits`, as the start phase
 * would leave it: the given rate, an unlimited allowance and the rendered output.
 */
async function stateFor(
  s: Setup,
  opts: {
    limits?: boolean;
    rate?: number;
    share?: number;
    index?: number;
    weights?: number[];
    budgetMs?: number;
  } = {},
) {
  const report = (await s.reports.acquireLease(
    s.reports.record.reportId,
    OWNER,
    s.clock.now(),
    new Date(s.clock.now().getTime() + 3_600_000),
  ))!;
  const tally: ReportRunSummary = {
    reportId: report.reportId,
    outcome: 'busy',
    sent: 0,
    failed: 0,
    skipped: 0,
    pages: 0,
  };
  const scope = {
    ...reportScope(s.deps, report, OWNER),
    share: opts.share ?? 1,
    index: opts.index ?? 0,
    ...(opts.weights ? { weights: opts.weights } : {}),
  };
  const run = new RunState({
    deps: s.deps,
    settings: s.settings,
    owner: OWNER,
    report,
    scope,
    deadline: s.clock.now().getTime() + (opts.budgetMs ?? 600_000),
    tally,
  });
  if (opts.limits !== false) {
    const rate = opts.rate ?? 100;
    run.rate = rate;
    run.allowance = Number.POSITIVE_INFINITY;
    run.pacer = new SendPacer(rate, s.clock);
    run.window = new InFlightWindow(rate, s.settings.concurrency);
    run.rendered = RENDERED;
  }
  return run;
}

/** The claim phase and the settle phase it reports to. */
async function claimSetup(s: Setup, opts: Parameters<typeof stateFor>[1] = {}) {
  const run = await stateFor(s, opts);
  const pages = new SettlePhase(run);
  return { run, pages, claims: new ClaimPhase(run, pages) };
}

/** The recipients of shard 0 (recipients(n) puts row i in shard i mod 16), in page order. */
const shard0 = (s: Setup) => s.audience.recipients.filter((_, i) => i % 16 === 0).map((r) => r.email);

const rowsIn = (s: Setup, state: string) =>
  [...s.ledger.rows.values()].filter((r) => r.state === state).map((r) => r.email);

describe('start phase', () => {
  const quota = (over: Partial<{ maxSendRate: number; max24HourSend: number; sentLast24Hours: number }>) => ({
    getQuota: async () => ({
      maxSendRate: 20,
      max24HourSend: 1000,
      sentLast24Hours: 0,
      sendingEnabled: true,
      ...over,
    }),
  });

  it("sets the run's limits from the quota, its share of the rate and of the 24-hour budget", async () => {
    const s = memorySending(10, { dailyHeadroom: 100 });
    s.deps.quota = quota({ maxSendRate: 13, max24HourSend: 1000, sentLast24Hours: 500 });
    const run = await stateFor(s, { limits: false, share: 4, index: 1 });
    expect(await startRun(run)).toBe(true);
    expect(run.rate).toBe(3); // whole sends: 4 + 3 + 3 + 3 = 13
    // The same share of the 24-hour budget as of the rate: together the workers' allowances are the budget.
    expect(run.allowance).toBe(((1000 - 500 - 100) * 3) / 13);
    expect(run.window.target).toBeGreaterThanOrEqual(1);
    expect(run.rendered.placeholder).toBe(RENDERED.placeholder);
    // The first run records the audience.
    expect(s.reports.record.counts.audience).toBe(10);
  });

  it("takes a part's share of the rate and the budget in proportion to its readers, when they were counted", async () => {
    const s = memorySending(10, { dailyHeadroom: 100 });
    s.deps.quota = quota({ maxSendRate: 14, max24HourSend: 1000, sentLast24Hours: 500 });
    const big = await stateFor(s, { limits: false, share: 2, index: 0, weights: [36, 12] });
    expect(await startRun(big)).toBe(true);
    expect(big.rate).toBe(10);
    expect(big.allowance).toBe(((1000 - 500 - 100) * 10) / 14);
    const small = await stateFor(s, { limits: false, share: 2, index: 1, weights: [36, 12] });
    expect(await startRun(small)).toBe(true);
    expect(small.rate).toBe(4);
    expect(big.allowance + small.allowance).toBe(1000 - 500 - 100);
  });

  it('waits with the budget spent, and pauses (telling the editors) without rendered output or with sending disabled', async () => {
    const spent = memorySending(3, { dailyHeadroom: 50 });
    spent.deps.quota = quota({ max24HourSend: 100, sentLast24Hours: 60 });
    const waiting = await stateFor(spent, { limits: false });
    expect(await startRun(waiting)).toBe(false);
    expect(waiting.tally.outcome).toBe('quota');
    expect(spent.reports.record.status).toBe('SENDING');
    expect(spent.notices).toEqual([]);

    for (const blob of ['not json', '{"placeholder":"x","locales":{"ja":{"subject":"s"}}}', '{}']) {
      const s = memorySending(3);
      s.deps.blobs = { ...s.deps.blobs, getText: async () => blob };
      const run = await stateFor(s, { limits: false });
      expect(await startRun(run)).toBe(false);
      expect(run.tally.outcome).toBe('paused');
      expect(s.reports.record).toMatchObject({ status: 'PAUSED', pauseKind: 'dispatcher' });
      expect(s.notices).toEqual([expect.objectContaining({ kind: 'paused' })]);
      expect(s.reports.record.counts.audience).toBe(0);
    }

    const off = memorySending(3);
    off.deps.quota = { getQuota: async () => ({ ...(await quota({}).getQuota()), sendingEnabled: false }) };
    const disabled = await stateFor(off, { limits: false });
    expect(await startRun(disabled)).toBe(false);
    expect(off.reports.record.pauseReason).toMatch(/SendingEnabled = false/);
  });
});

describe('claim phase', () => {
  it('claims at most `concurrency` rows of the first page in one transaction and queues them to send', async () => {
    // Ten rows a shard: the first page holds ten.
    const s = memorySending(160, { concurrency: 4, pageSize: 10 });
    const { run, claims } = await claimSetup(s);
    run.allowance = 100;
    await claims.claim();
    expect(s.ledger.writes).toBe(1);
    expect(run.ready.map((c) => c.recipient.email)).toEqual(shard0(s).slice(0, 4));
    expect(rowsIn(s, 'claimed').sort()).toEqual(shard0(s).slice(0, 4));
    expect(run.ready.every((c) => c.page === run.ready[0]!.page)).toBe(true);
    expect(run.ready[0]!.page.started).toBe(4);
    expect(run.allowance).toBe(96);
    // Two answered: the next claim takes two, from the same page.
    run.ready.splice(0, 2);
    await claims.claim();
    expect(run.ready.map((c) => c.recipient.email)).toEqual(shard0(s).slice(2, 6));
    expect(s.ledger.heldAfterWrite).toEqual([4, 6]); // nothing marked: the sends were never made
  });

  it('carries the marks of answered rows in the claim transaction', async () => {
    const s = memorySending(32, { concurrency: 2, pageSize: 10 });
    const { run, pages, claims } = await claimSetup(s);
    await claims.claim();
    const [a, b] = run.ready.splice(0);
    pages.sent({ email: a!.recipient.email, token: a!.token, messageId: 'm-a', page: a!.page });
    pages.settle(a!.page, 'sent');
    pages.sent({ email: b!.recipient.email, token: b!.token, messageId: 'm-b', page: b!.page });
    pages.settle(b!.page, 'sent');
    expect(pages.unmarkedCount).toBe(2);
    await claims.claim();
    expect(pages.unmarkedCount).toBe(0);
    expect(s.ledger.rows.get(a!.recipient.email)).toMatchObject({ state: 'sent', messageId: 'm-a' });
    // One write carried both marks and the next claims: never more than 2 claimed and unmarked.
    expect(s.ledger.heldAfterWrite).toEqual([2, 2]);
  });

  it('resolves each answer: skips a reader gone, counts rows settled before, takes over or gives up a dead claim', async () => {
    // Five rows in shard 0, one page.
    const s = memorySending(80, { concurrency: 5, pageSize: 5, maxAttempts: 3 });
    const [gone, sentBefore, failedBefore, dead, hopeless] = shard0(s);
    s.ledger.confirmed.delete(gone!);
    const row = (email: string, state: string, attempts = 1) =>
      s.ledger.rows.set(email, { email, state, claimToken: `old-${email}`, attempts } as never);
    row(sentBefore!, 'delivered');
    row(failedBefore!, 'failed');
    row(dead!, 'claimed', 1);
    row(hopeless!, 'claimed', 3);
    const { run, claims } = await claimSetup(s);
    run.allowance = 5;
    await claims.claim();
    // Only the dead run's row is sent again, under a new token.
    expect(run.ready.map((c) => c.recipient.email)).toEqual([dead]);
    expect(s.ledger.rows.get(dead!)).toMatchObject({ state: 'claimed', attempts: 2 });
    expect(s.ledger.rows.get(dead!)!.claimToken).toBe(run.ready[0]!.token);
    expect(s.ledger.rows.get(hopeless!)).toMatchObject({
      state: 'failed',
      reason: 'gave up after 3 attempts',
    });
    const page = run.ready[0]!.page;
    expect(page.counts).toMatchObject({ skipped: 1, 'settled-sent': 1, 'settled-failed': 1, failed: 1 });
    expect(run.tally).toMatchObject({ skipped: 1, failed: 1, sent: 0 });
    // Four rows will not be sent: the allowance gets them back.
    expect(run.allowance).toBe(4);
    expect(run.stop).toBeNull();
  });

  it('reads the report before a new page and stops: another owner, a pause, the reputation guard, the deadline', async () => {
    const lost = memorySending(5);
    const a = await claimSetup(lost);
    lost.reports.record.leaseOwner = 'someone-else';
    await a.claims.claim();
    expect(a.run.stop).toEqual({ kind: 'lease-lost' });
    expect(lost.ledger.writes).toBe(0);

    const paused = memorySending(5);
    const b = await claimSetup(paused);
    paused.reports.record.status = 'PAUSED';
    await b.claims.claim();
    expect(b.run.stop).toEqual({ kind: 'lease-lost' });
    expect(paused.ledger.rows.size).toBe(0);

    const bouncing = memorySending(5);
    const c = await claimSetup(bouncing);
    Object.assign(bouncing.reports.record.counts, { sent: 400, bounced: 40 });
    await c.claims.claim();
    expect(c.run.stop).toMatchObject({ kind: 'pause', pauseKind: 'reputation' });
    expect(bouncing.ledger.rows.size).toBe(0);

    const late = memorySending(5);
    const d = await claimSetup(late, { budgetMs: 1_000 });
    late.clock.advance(1_000);
    await d.claims.claim();
    expect(d.run.stop).toEqual({ kind: 'continues' });
    expect(late.ledger.rows.size).toBe(0);
    expect(d.claims.rowsLeft()).toBe(true);
  });

  it('is refused by the stop gate once a person pauses or cancels, without waiting for the next read of the report', async () => {
    for (const status of ['PAUSED', 'CANCELED'] as const) {
      const s = memorySending(160, { concurrency: 4, pageSize: 10 });
      const { run, pages, claims } = await claimSetup(s);
      run.allowance = 100;
      await claims.claim();
      const claimed = [...s.ledger.rows.keys()];
      expect(claimed).toHaveLength(4);
      const [a, b] = run.ready.splice(0, 2);
      pages.sent({ email: a!.recipient.email, token: a!.token, messageId: 'm-a', page: a!.page });
      pages.settle(a!.page, 'sent');
      // The report was read a moment ago: the claim phase does not read it again before claiming.
      s.reports.stopByPerson(status);
      await claims.claim();
      expect([...s.ledger.rows.keys()]).toEqual(claimed);
      expect(run.stop).toEqual({ kind: 'lease-lost' });
      expect(run.allowance).toBe(96);
      // The marks rode with the refused claims and were written all the same.
      expect(s.ledger.rows.get(a!.recipient.email)?.state).toBe('sent');
      expect(pages.unmarkedCount).toBe(0);
      // The page ends after the rows claimed before the stop: once they are answered it is saved
      // with their counts, and the cursor stands right after the last of them.
      for (const c of [b!, ...run.ready.splice(0)]) {
        pages.sent({ email: c.recipient.email, token: c.token, messageId: `m-${c.token}`, page: c.page });
        pages.settle(c.page, 'sent');
      }
      await pages.flushMarks();
      await pages.checkpoint();
      expect(s.reports.checkpointsSaved).toEqual([
        { cursor: { shard: 0, lastKey: { email: shard0(s)[3] } }, add: { sent: 4, failed: 0 } },
      ]);
      // A resume (status SENDING again) lets a later run claim under the new token.
      s.reports.record.status = 'SENDING';
      const next = await claimSetup(s);
      next.run.allowance = 100;
      await next.claims.claim();
      expect(next.run.ready.length).toBeGreaterThan(0);
      expect(next.run.gate).toBe(s.reports.gates.get(0));
    }
  });

  it('a take-over refused amid claims that held leaves the page unsaved instead of cutting it', async () => {
    const s = memorySending(80, { concurrency: 5, pageSize: 5 });
    const [dead] = shard0(s);
    s.ledger.rows.set(dead!, { email: dead, state: 'claimed', claimToken: 'old', attempts: 1 } as never);
    const { run, claims } = await claimSetup(s);
    run.allowance = 10;
    // The person stops the report between the group's claims and the dead row's take-over.
    const claimAll = s.ledger.claimAll.bind(s.ledger);
    s.ledger.claimAll = async (cs, marks) => {
      const out = await claimAll(cs, marks);
      s.reports.stopByPerson('PAUSED');
      return out;
    };
    await claims.claim();
    expect(run.ready.map((c) => c.recipient.email)).toEqual(shard0(s).slice(1, 5));
    expect(s.ledger.rows.get(dead!)?.claimToken).toBe('old');
    const page = run.ready[0]!.page;
    expect(page.size).toBe(5);
    expect(page.counts.unresolved).toBe(1);
    expect(run.stop).toEqual({ kind: 'lease-lost' });
  });

  it('reader: resumes at the saved cursor, and cuts a page at the key after its last claimed row (or where it began)', async () => {
    const s = memorySending(160, { pageSize: 4 });
    const rows = shard0(s);
    s.reports.record.cursor = { shard: 0, lastKey: { email: rows[1]! } };
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    const reader = new AudienceReader(run, pages);
    let checks = 0;
    const cur = (await reader.page(async () => ++checks > 0))!;
    expect(cur.items.map((r) => r.email)).toEqual(rows.slice(2, 6));
    expect(checks).toBe(1);
    // The same page while rows are left: no new read, no new check.
    expect(reader.take(cur, 2, 0).map((r) => r.email)).toEqual(rows.slice(2, 4));
    expect(await reader.page(async () => ++checks > 0)).toBe(cur);
    expect(checks).toBe(1);
    reader.cut(cur, 2);
    expect(cur.page).toMatchObject({ size: 2, started: 2, next: { shard: 0, lastKey: { email: rows[3] } } });
    // Cut before any row was claimed: the page ends where it began.
    const other = await stateFor(memorySending(160, { pageSize: 4 }));
    const second = new AudienceReader(other, new SettlePhase(other));
    const fresh = (await second.page(async () => true))!;
    second.cut(fresh, 0);
    expect(fresh.page).toMatchObject({ size: 0, next: { shard: 0 } });
    // A check that refuses: no page to claim from.
    const third = new AudienceReader(other, new SettlePhase(other));
    expect(await third.page(async () => false)).toBeNull();
  });

  it('reads the next page ahead while the last rows of this one are claimed, and skips empty shards', async () => {
    // One reader in each of shards 0 and 1; shards 2–15 are empty.
    const s = memorySending(2, { concurrency: 4, pageSize: 5 });
    const { run, claims } = await claimSetup(s);
    await claims.claim();
    // Claiming the first page's last row read shard 1 ahead.
    expect(run.ready.map((c) => c.recipient.email)).toEqual([s.audience.recipients[0]!.email]);
    expect(s.audience.pagesRead.map((p) => p.shard)).toEqual([0, 1]);
    run.ready.splice(0);
    await claims.claim();
    expect(run.ready.map((c) => c.recipient.email)).toEqual([s.audience.recipients[1]!.email]);
    // The page read ahead was used, not read again.
    expect(s.audience.pagesRead.filter((p) => p.shard === 1)).toHaveLength(1);
    run.ready.splice(0);
    expect(claims.rowsLeft()).toBe(true); // shards not read yet: it cannot know they are empty
    await claims.claim();
    expect(run.ready).toHaveLength(0);
    expect(claims.rowsLeft()).toBe(false);
    expect(s.ledger.writes).toBe(2);
    expect(run.stop).toBeNull();
  });

  it('a claim write that fails gives back the marks and the allowance, and leaves its page unsaveable', async () => {
    const s = memorySending(32, { concurrency: 2, pageSize: 10 });
    const { run, pages, claims } = await claimSetup(s);
    run.allowance = 50;
    await claims.claim();
    const [a] = run.ready.splice(0);
    pages.sent({ email: a!.recipient.email, token: a!.token, messageId: 'm', page: a!.page });
    pages.settle(a!.page, 'sent');
    const real = s.ledger.claimAll.bind(s.ledger);
    s.ledger.claimAll = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    await expect(claims.claim()).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(pages.unmarkedCount).toBe(1);
    expect(run.allowance).toBe(48);
    // The page of the claims that never happened cannot be saved: the run claims no further.
    expect(run.stop).toEqual({ kind: 'continues' });
    s.ledger.claimAll = real;
  });
});

describe('send phase', () => {
  /** One claimed row of a fresh run, ready to send. */
  async function oneClaimed(s: Setup) {
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    const claims = new ClaimPhase(run, pages);
    await claims.claim();
    const c = run.ready.shift()!;
    let wakes = 0;
    return { run, pages, c, sends: new SendPhase(run, pages, () => wakes++), wakes: () => wakes };
  }

  it('sends with the reader\'s own unsubscribe link and keeps its "sent" mark for the next write', async () => {
    const s = memorySending(1, { concurrency: 1 });
    const { run, pages, c, sends } = await oneClaimed(s);
    expect((await sends.sendGroup([c]))[0]).toBe('sent');
    expect(s.mailer.sent).toHaveLength(1);
    expect(s.mailer.sent[0]!.to).toBe(c.recipient.email);
    expect(s.mailer.sent[0]!.text).not.toContain(RENDERED.placeholder);
    expect(pages.takeMarks()).toEqual([
      expect.objectContaining({ email: c.recipient.email, token: c.token }),
    ]);
    // The mark is not written by the send itself.
    expect(s.ledger.rows.get(c.recipient.email)?.state).toBe('claimed');
    // Latency observed: 40 ms per answer on this stopwatch narrows the window from its 150 ms guess.
    expect(run.window.meanLatencyMs).toBeLessThan(150);
  });

  it('retries throttling within the pace, and classifies the other answers', async () => {
    const throttled = memorySending(
      1,
      { concurrency: 1 },
      new MemoryMailer((n) =>
        n <= 3 ? new TooManyRequestsException({ message: 'slow', $metadata: {} }) : undefined,
      ),
    );
    const t = await oneClaimed(throttled);
    expect((await t.sends.sendGroup([t.c]))[0]).toBe('sent');
    expect(throttled.mailer.calls).toBe(4);
    expect(throttled.clock.slept).toBeGreaterThan(0);

    const refused = memorySending(
      1,
      { concurrency: 1 },
      new MemoryMailer(() => new MessageRejected({ message: 'no', $metadata: {} })),
    );
    const r = await oneClaimed(refused);
    expect((await r.sends.sendGroup([r.c]))[0]).toBe('failed');
    expect(refused.ledger.rows.get(r.c.recipient.email)).toMatchObject({ state: 'failed' });
    expect(r.run.stop).toBeNull();

    const unknown = memorySending(
      1,
      { concurrency: 1 },
      new MemoryMailer(() => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })),
    );
    const u = await oneClaimed(unknown);
    expect((await u.sends.sendGroup([u.c]))[0]).toBe('unresolved');
    // It may have gone out: the claim stays, the run ends in an error.
    expect(unknown.ledger.rows.get(u.c.recipient.email)?.state).toBe('claimed');
    expect(u.run.stop).toMatchObject({ kind: 'error' });

    const paused = memorySending(
      1,
      { concurrency: 1 },
      new MemoryMailer(() => new SendingPausedException({ message: 'paused', $metadata: {} })),
    );
    const p = await oneClaimed(paused);
    const allowance = p.run.allowance;
    expect((await p.sends.sendGroup([p.c]))[0]).toBe('unresolved');
    // Never sent: the claim is dropped, so the next run claims the row afresh.
    expect(paused.ledger.rows.has(p.c.recipient.email)).toBe(false);
    expect(p.run.stop).toMatchObject({ kind: 'pause' });
    expect(p.run.allowance).toBe(allowance + 1);
  });

  it('pauses after `maxConsecutiveRejections` refusals in a row', async () => {
    const s = memorySending(
      48,
      { concurrency: 3, maxConsecutiveRejections: 3 },
      new MemoryMailer(() => new MessageRejected({ message: 'no', $metadata: {} })),
    );
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    await new ClaimPhase(run, pages).claim();
    const sends = new SendPhase(run, pages, () => undefined);
    const rows = run.ready.splice(0);
    for (const c of rows.slice(0, 2)) await sends.sendGroup([c]);
    expect(run.stop).toBeNull();
    await sends.sendGroup([rows[2]!]);
    expect(run.stop).toMatchObject({ kind: 'pause', reason: expect.stringMatching(/3 messages in a row/) });
  });

  it('starts no more sends than the window allows, none once halted, and releases what waits', async () => {
    const s = memorySending(96, { concurrency: 6 });
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    await new ClaimPhase(run, pages).claim();
    run.window = new InFlightWindow(1, 6); // 1/s: a window of 2
    let wakes = 0;
    const sends = new SendPhase(run, pages, () => wakes++);
    sends.startSends();
    expect(run.inFlight).toBe(run.window.target);
    expect(run.ready).toHaveLength(6 - run.window.target);
    run.stopWith({ kind: 'pause', reason: 'test' });
    sends.startSends();
    expect(run.inFlight).toBe(run.window.target);
    await sends.releaseReady();
    expect(run.ready).toHaveLength(0);
    while (run.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    expect(wakes).toBe(2);
    // What waited was released; what was in flight went out (or was dropped once halted).
    expect(s.ledger.rows.size).toBe(s.mailer.sent.length);
  });
});

describe('settle phase and checkpoint', () => {
  it('counts each outcome; an unresolved row stops further claims and keeps its page from being saved', async () => {
    const s = memorySending(4);
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    const page = pages.addPage({ shard: 1 }, 4);
    page.started = 4;
    for (const d of ['failed', 'skipped', 'settled-sent'] as const) pages.settle(page, d);
    expect(run.tally).toMatchObject({ sent: 0, failed: 1, skipped: 1 });
    pages.settle(page, 'unresolved');
    expect(run.stop).toEqual({ kind: 'continues' });
    expect(pages.saveable()).toBe(false);
    await pages.checkpoint();
    expect(s.reports.checkpointsSaved).toEqual([]);
  });

  it('saves settled and marked pages in cursor order as one checkpoint with their counts', async () => {
    const s = memorySending(4);
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    const a = pages.addPage({ shard: 0, lastKey: { email: 'x' } }, 1);
    const b = pages.addPage({ shard: 1 }, 1);
    a.started = b.started = 1;
    pages.settle(b, 'settled-failed');
    expect(pages.saveable()).toBe(false); // b is done, a is not
    pages.settle(a, 'sent');
    pages.sent({ email: 'x', token: 't', messageId: 'm', page: a });
    expect(pages.saveable()).toBe(false); // a's mark is not written yet
    await pages.flushMarks();
    expect(pages.saveable()).toBe(true);
    await pages.checkpoint();
    expect(s.reports.checkpointsSaved).toEqual([{ cursor: { shard: 1 }, add: { sent: 1, failed: 1 } }]);
    expect(run.tally.pages).toBe(2);
    expect(pages.openPages).toBe(0);
  });

  it('a lost checkpoint stops the run; a failed mark write keeps its marks for another try', async () => {
    const s = memorySending(4);
    const run = await stateFor(s);
    const pages = new SettlePhase(run);
    const a = pages.addPage({ shard: 2 }, 1);
    a.started = 1;
    pages.settle(a, 'skipped');
    s.reports.record.leaseOwner = 'someone-else';
    await pages.checkpoint();
    expect(run.stop).toEqual({ kind: 'lease-lost' });
    expect(pages.openPages).toBe(1);

    pages.sent({ email: 'y', token: 't', messageId: 'm', page: a });
    s.ledger.markSent = async () => {
      throw new Error('InternalServerError');
    };
    await expect(pages.flushMarks()).rejects.toThrow('InternalServerError');
    expect(pages.unmarkedCount).toBe(1);
    // Once the run has failed, nothing is kept: those rows stay claimed (the crash bound).
    run.fail(new Error('earlier'));
    await pages.flushMarks();
    expect(pages.unmarkedCount).toBe(0);
  });
});

describe('finish phase', () => {
  const nothingLeft = { rowsLeft: false, openPages: 0 };

  it('every shard sent: SENT, the web version published, and exactly one notice', async () => {
    const s = memorySending(2);
    const published: string[] = [];
    s.deps.archive = {
      publish: async (r) => {
        published.push(r.reportId);
        return 'published';
      },
    };
    const run = await stateFor(s);
    await endRun(run, nothingLeft);
    expect(run.tally.outcome).toBe('sent');
    expect(s.reports.record.status).toBe('SENT');
    expect(published).toEqual([s.reports.record.reportId]);
    expect(s.notices).toEqual([expect.objectContaining({ kind: 'sent' })]);
    // Finishing again finds the report SENT already: no second notice.
    await endRun(run, nothingLeft);
    expect(run.tally.outcome).toBe('lease-lost');
    expect(s.notices).toHaveLength(1);
  });

  it('a stop, the quota, or work left decide the outcome without finishing', async () => {
    const cases = [
      [{ kind: 'error', reason: 'TimeoutError: x' }, nothingLeft, 'error'],
      [{ kind: 'lease-lost' }, nothingLeft, 'lease-lost'],
      [{ kind: 'continues' }, nothingLeft, 'continues'],
      [null, { rowsLeft: true, openPages: 0 }, 'quota'],
      [null, { rowsLeft: false, openPages: 1 }, 'continues'],
    ] as const;
    for (const [stop, left, outcome] of cases) {
      const s = memorySending(2);
      const run = await stateFor(s);
      if (stop) run.stopWith(stop);
      run.allowance = stop === null && left.rowsLeft ? 0 : 5;
      await endRun(run, left);
      expect(run.tally.outcome).toBe(outcome);
      expect(s.reports.record.status).toBe('SENDING');
      expect(s.notices).toEqual([]);
    }
  });

  it('a pause stop pauses the report with its kind and tells the editors; a lost lease does neither', async () => {
    const s = memorySending(2);
    const run = await stateFor(s);
    run.stopWith({ kind: 'pause', reason: 'reputation guard: x', pauseKind: 'reputation' });
    await endRun(run, { rowsLeft: true, openPages: 0 });
    expect(run.tally).toMatchObject({ outcome: 'paused', reason: 'reputation guard: x' });
    expect(s.reports.record).toMatchObject({ status: 'PAUSED', pauseKind: 'reputation' });
    expect(s.notices).toEqual([expect.objectContaining({ kind: 'paused' })]);

    const lost = memorySending(2);
    const other = await stateFor(lost);
    lost.reports.record.leaseOwner = 'someone-else';
    await pauseRun(other, 'why');
    expect(other.tally.outcome).toBe('lease-lost');
    expect(lost.notices).toEqual([]);
  });

  it('a part whose finish does not end the report is part-done; a notice that fails is logged, not thrown', async () => {
    const s = memorySending(2);
    const run = await stateFor(s);
    Object.assign(run.scope, { finish: async () => ({ finished: null, lost: false }) });
    await endRun(run, nothingLeft);
    expect(run.tally.outcome).toBe('part-done');

    const errors: unknown[] = [];
    const deps = {
      ...s.deps,
      notifier: {
        notify: async () => {
          throw new Error('SES down');
        },
      },
      log: { ...s.deps.log, error: (...a: unknown[]) => void errors.push(a) },
    };
    await notify(deps, { kind: 'paused', reportId: 'r', title: 't', reason: 'x' });
    expect(errors).toHaveLength(1);
  });
});
