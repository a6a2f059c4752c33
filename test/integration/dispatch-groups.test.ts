/**
 * The dispatcher's group claims and marks against DynamoDB Local and the SES emulator: one
 * transaction claims the next rows of the pipeline (never more than `concurrency` claimed and
 * not marked) and marks the rows sent since the last claim; a cancelled transaction is finished member by member exactly as
 * per-recipient claims and marks would be. Storage faults the emulator cannot produce (a write that fails mid-run, a conflict
 * that outlasts the retries) come from a decorator over the real client (test/helpers/faulty-dynamo.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { aroundDynamo, dynamoError, recordingDynamo } from '../helpers/faulty-dynamo.ts';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import {
  countsFor,
  dispatchSetup,
  inbox,
  reportItem,
  unsubscribeAfterFirstSend,
} from '../helpers/dispatch-setup.ts';
import {
  doc,
  getSubscriber,
  ledgerRows,
  oneShard,
  putSubscribers,
  seedReport,
  setStatus,
  subscriber,
} from '../helpers/audience.ts';
import { fixture, viaEventBridge } from '../helpers/ses-events.ts';
import { dynamoSubscriberFeedback } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoLedger } from '../../functions/adapters/dynamo-ledger.ts';
import { dispatchDue, type DispatchDeps } from '../../functions/core/use-cases/dispatch-due.ts';
import { recordSesEvent } from '../../functions/core/use-cases/record-ses-event.ts';
import { dynamoRateLimitStore } from '../../functions/adapters/dynamo-rate-limit-store.ts';
import type { Audience, ClaimResult, LedgerClaim } from '../../functions/core/use-cases/sending-ports.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import { parseSesLambdaEvent } from '../../functions/core/ses-event.ts';
import type { Subscriber } from '../../functions/core/subscriber.ts';

const setup = (stack: TestStack, over: Partial<DispatchDeps> = {}) =>
  dispatchSetup(stack, over, { concurrency: 4, pageSize: 100 });

let runs = 0;
const run = () => ({ owner: `group-owner-${++runs}`, budgetMs: 600_000 });

const rowOf = (rows: Record<string, unknown>[], s: Subscriber) =>
  rows.find((r) => r.item === `to#${s.email}`);

/** A client of its own whose DynamoDB calls are recorded: the operation, and the kinds of a transaction's items. */
function countingDoc(onCall?: (input: Record<string, unknown>) => void) {
  const recording = recordingDynamo(undefined, onCall);
  const calls = {
    get list() {
      return recording.calls.map(({ op, input }) => {
        const items = (input as Partial<TransactWriteCommandInput>).TransactItems;
        return items ? `${op}(${describeItems(items)})` : op;
      });
    },
  };
  return { doc: recording.db, calls };
}

const putsIn = (call: string) => Number(/Put×(\d+)/.exec(call)?.[1] ?? 0);
const updatesIn = (call: string) => Number(/Update×(\d+)/.exec(call)?.[1] ?? 0);

/** "Update×4 Put×4 ConditionCheck×4". */
function describeItems(items: NonNullable<TransactWriteCommandInput['TransactItems']>): string {
  const kinds = new Map<string, number>();
  for (const it of items) for (const k of Object.keys(it)) kinds.set(k, (kinds.get(k) ?? 0) + 1);
  return [...kinds].map(([k, n]) => `${k}×${n}`).join(' ');
}

/**
 * A client for the ledger that passes every call through to DynamoDB Local, except the
 * transactions `fault` answers with an error (a fault the emulator cannot produce).
 */
function faultyDoc(fault: (input: TransactWriteCommandInput) => Error | undefined) {
  return aroundDynamo({
    transactWrite: async (input, real) => {
      const err = fault(input);
      if (err) throw err;
      return real(input);
    },
  });
}

const marksIn = (input: TransactWriteCommandInput) =>
  (input.TransactItems ?? []).filter((it) => it.Update?.ExpressionAttributeValues?.[':sent'] === 'sent')
    .length;
const claimsIn = (input: TransactWriteCommandInput) =>
  (input.TransactItems ?? []).filter((it) => it.Put).length;
const storageFault = () => dynamoError('InternalServerError', { message: 'Internal server error' }, 500);

/** A ledger row as an earlier run left it. */
async function seedRow(
  stack: TestStack,
  reportId: string,
  s: Subscriber,
  fields: Record<string, unknown>,
): Promise<void> {
  await doc.put({
    TableName: stack.env.REPORTS_TABLE,
    Item: {
      reportId,
      item: `to#${s.email}`,
      subscriberId: s.id,
      claimToken: 'earlier-run',
      claimedAt: '2030-03-31T00:00:00.000Z',
      attempts: 1,
      updatedAt: '2030-03-31T00:00:00.000Z',
      ...fields,
    },
  });
}

describe('dispatchDue in groups', () => {
  it('claims rows in transactions that also mark sent the rows answered since the last claim, and marks the last ones on their own', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 10);
    const report = await seedReport(stack);
    const counting = countingDoc();
    const { deps, settings } = setup(stack, { ledger: dynamoLedger(counting.doc, stack.config.tables) });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 10, failed: 0, skipped: 0 });
    // Every ledger write of the run is a transaction: the first claims a full window (no marks
    // yet); each later claim carries the marks of the rows answered since; only the last
    // write, once nothing is left to claim, marks on its own. A claim checks each subscriber and
    // the run's stop gate (one more ConditionCheck).
    expect(counting.calls.list.every((c) => c.startsWith('transactWrite('))).toBe(true);
    expect(counting.calls.list[0]).toBe('transactWrite(Put×4 ConditionCheck×5)');
    expect(counting.calls.list.slice(1, -1).every((c) => putsIn(c) > 0 && updatesIn(c) > 0)).toBe(true);
    expect(putsIn(counting.calls.list.at(-1)!)).toBe(0);
    expect(counting.calls.list.every((c) => putsIn(c) <= settings.concurrency)).toBe(true);
    // Each row claimed once and marked once.
    expect(counting.calls.list.reduce((n, c) => n + putsIn(c), 0)).toBe(10);
    expect(counting.calls.list.reduce((n, c) => n + updatesIn(c), 0)).toBe(10);
    // A claim comes when half the window has answered: 4, then 2 at a time, then the last marks.
    expect(counting.calls.list.length).toBeLessThanOrEqual(5);
    const box = await inbox();
    expect(countsFor(box, subs)).toEqual(subs.map(() => 1));
    const rows = await ledgerRows(stack, report.reportId);
    for (const s of subs) {
      expect(rowOf(rows, s)).toMatchObject({
        state: 'sent',
        attempts: 1,
        messageId: box.get(s.email)![0]!.messageId,
      });
    }
    expect((await reportItem(stack, report.reportId))?.counts).toMatchObject({
      audience: 10,
      sent: 10,
      failed: 0,
    });
  });

  it('never has more than `concurrency` in flight, and claims ahead while sends are in flight instead of waiting for the slowest', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 23);
    const report = await seedReport(stack);
    const base = setup(stack);
    let inFlight = 0;
    let peak = 0;
    const mailer: Mailer = {
      async send(m) {
        peak = Math.max(peak, ++inFlight);
        try {
          return await base.deps.mailer.send(m);
        } finally {
          inFlight--;
        }
      },
    };
    // How many sends were in flight when each claim was written.
    const inFlightAtClaim: number[] = [];
    const counting = countingDoc((input) => {
      if ((input as Partial<TransactWriteCommandInput>).TransactItems?.some((it) => it.Put))
        inFlightAtClaim.push(inFlight);
    });
    const { deps, settings } = setup(stack, {
      mailer,
      ledger: dynamoLedger(counting.doc, stack.config.tables),
    });
    settings.concurrency = 5;

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 23, failed: 0 });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect(peak).toBeLessThanOrEqual(5);
    const claimSizes = counting.calls.list.map(putsIn).filter((n) => n > 0);
    // The first claim takes the whole window, before any message goes out.
    expect(claimSizes[0]).toBe(5);
    expect(inFlightAtClaim[0]).toBe(0);
    expect(claimSizes.reduce((a, b) => a + b, 0)).toBe(23);
    expect(claimSizes.every((n) => n <= 5)).toBe(true);
    // No barrier: later claims are written while earlier sends are still out.
    expect(inFlightAtClaim.slice(1).some((n) => n > 0)).toBe(true);
    expect(counting.calls.list.every((c) => c.startsWith('transactWrite('))).toBe(true);
    expect(counting.calls.list.length).toBeLessThanOrEqual(Math.ceil(23 / 2) + 1);
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(23);
  });

  it('skips a subscriber who left between reading the page and claiming the group, and still sends to the rest of it', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 8);
    const report = await seedReport(stack);
    const [unsubscribed, bounced] = [subs[1]!, subs[6]!];
    const base = setup(stack);
    // The page is read while they are confirmed; they leave before their group is claimed.
    const audience: Audience = {
      ...base.deps.audience,
      async page(...args) {
        const page = await base.deps.audience.page(...args);
        if (page.items.some((r) => r.email === unsubscribed.email)) {
          await setStatus(stack, unsubscribed, 'unsubscribed');
          await setStatus(stack, bounced, 'bounced');
        }
        return page;
      },
    };
    const counting = countingDoc();
    const { deps, settings } = setup(stack, {
      audience,
      ledger: dynamoLedger(counting.doc, stack.config.tables),
    });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 6, skipped: 2, failed: 0 });
    // A cancelled group is settled from its reasons: the leaver is dropped and the rest
    // claimed together again (no claim one by one).
    expect(counting.calls.list.slice(0, 2)).toEqual([
      // Each with the run's stop gate.
      'transactWrite(Put×4 ConditionCheck×5)',
      'transactWrite(Put×3 ConditionCheck×4)',
    ]);
    // At most one claim of one row: the one that completes the last group of two (send-run.ts
    // claimDue), never the rest of a cancelled group one by one.
    expect(
      counting.calls.list.filter((c) => c === 'transactWrite(Put×1 ConditionCheck×2)').length,
    ).toBeLessThanOrEqual(1);
    expect(counting.calls.list.every((c) => c.startsWith('transactWrite('))).toBe(true);
    // Each of the six who stayed is marked once.
    expect(putsIn(counting.calls.list.at(-1)!)).toBe(0);
    const box = await inbox();
    expect(countsFor(box, subs)).toEqual(subs.map((s) => (s === unsubscribed || s === bounced ? 0 : 1)));
    const rows = await ledgerRows(stack, report.reportId);
    expect(rowOf(rows, unsubscribed)).toBeUndefined();
    expect(rowOf(rows, bounced)).toBeUndefined();
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(6);
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(6);
  });

  it('lets at most the group already claimed go out after an unsubscribe lands mid-send', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 12);
    const report = await seedReport(stack);
    // After the first message goes out, every subscriber not yet claimed unsubscribes.
    const { mailer, leaving } = unsubscribeAfterFirstSend(
      stack,
      report.reportId,
      subs,
      setup(stack).deps.mailer,
    );
    const { deps, settings } = setup(stack, { mailer });

    const summary = await dispatchDue(deps, settings, run());

    // The first group (4) was claimed together before anyone left; nobody after it got mail.
    expect(leaving.size).toBe(subs.length - settings.concurrency);
    const box = await inbox();
    expect(countsFor(box, subs)).toEqual(subs.map((s) => (leaving.has(s.email) ? 0 : 1)));
    expect(summary.reports[0]).toMatchObject({
      outcome: 'sent',
      sent: settings.concurrency,
      skipped: leaving.size,
    });
  });

  it('re-sends a row left claimed, leaves rows already settled alone, and counts them, within one group', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 8);
    const report = await seedReport(stack, { status: 'SENDING' });
    const [stuck, sent, failed] = [subs[1]!, subs[2]!, subs[5]!];
    await seedRow(stack, report.reportId, stuck, { state: 'claimed' });
    await seedRow(stack, report.reportId, sent, {
      state: 'sent',
      messageId: 'earlier-message',
      sentAt: '2030-03-31T00:00:01.000Z',
    });
    await seedRow(stack, report.reportId, failed, { state: 'failed', reason: 'MessageRejected: earlier' });
    const { deps, settings } = setup(stack);

    const summary = await dispatchDue(deps, settings, run());

    // Sent now: the five without a row and the one left claimed (it may never have gone out).
    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 6, failed: 0, skipped: 0 });
    const box = await inbox();
    expect(countsFor(box, subs)).toEqual(subs.map((s) => (s === sent || s === failed ? 0 : 1)));
    const rows = await ledgerRows(stack, report.reportId);
    expect(rowOf(rows, stuck)).toMatchObject({
      state: 'sent',
      attempts: 2,
      messageId: box.get(stuck.email)![0]!.messageId,
    });
    expect(rowOf(rows, sent)).toMatchObject({
      state: 'sent',
      attempts: 1,
      messageId: 'earlier-message',
      claimToken: 'earlier-run',
    });
    expect(rowOf(rows, failed)).toMatchObject({ state: 'failed', reason: 'MessageRejected: earlier' });
    // The page's counts include the rows an earlier run settled.
    expect((await reportItem(stack, report.reportId))?.counts).toMatchObject({ sent: 7, failed: 1 });
  });

  it('keeps what an SES event recorded before the row was marked sent: delivered or bounced, with the counters right', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 10);
    const report = await seedReport(stack);
    // Marked with the next group's claim (group 1), with the next (group 2), at the end of the page (group 3).
    const delivered = new Set([subs[1]!.email, subs[9]!.email]);
    const bounced = subs[5]!.email;
    const base = setup(stack);
    const events = {
      ledger: dynamoLedger(doc, stack.config.tables),
      subscribers: dynamoSubscriberFeedback(doc, stack.config.tables.subscribers),
      mailboxes: dynamoRateLimitStore(doc, stack.config.tables.subscribers),
      clock: base.clock,
    };
    const moved: string[] = [];
    const mailer: Mailer = {
      async send(m) {
        const out = await base.deps.mailer.send(m);
        if (!delivered.has(m.to) && m.to !== bounced) return out;
        // The event for this message arrives before the dispatcher marks its row sent.
        const record = fixture(
          m.to === bounced ? 'ses-eventpub-via-sns__bounce.json' : 'ses-eventpub-via-sns__delivery.json',
        ) as any;
        record.mail.messageId = out.messageId;
        record.mail.destination = [m.to];
        record.mail.headers = m.headers;
        record.mail.tags = {};
        if (record.delivery) record.delivery.recipients = [m.to];
        if (record.bounce) record.bounce.bouncedRecipients[0].emailAddress = m.to;
        const [event] = parseSesLambdaEvent(
          viaEventBridge(record, record.bounce ? 'Email Bounced' : 'Email Delivered'),
        ).events;
        const outcome = await recordSesEvent(events, event!);
        if (outcome.ledger.moved === 1) moved.push(m.to);
        return out;
      },
    };
    const { deps, settings } = setup(stack, { mailer });

    const summary = await dispatchDue(deps, settings, run());

    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 10, failed: 0 });
    expect(moved.sort()).toEqual([...delivered, bounced].sort());
    const box = await inbox();
    const rows = await ledgerRows(stack, report.reportId);
    for (const s of subs) {
      const state = delivered.has(s.email) ? 'delivered' : s.email === bounced ? 'bounced' : 'sent';
      expect(rowOf(rows, s)).toMatchObject({ state, messageId: box.get(s.email)![0]!.messageId });
    }
    expect(rowOf(rows, subs[5]!)).toMatchObject({ bounceType: 'hard' });
    expect((await reportItem(stack, report.reportId))?.counts).toMatchObject({
      sent: 10,
      delivered: 2,
      bounced: 1,
      failed: 0,
    });
    expect((await getSubscriber(stack, bounced)).status).toBe('bounced');
  });
});

describe('dispatchDue in groups: storage faults', () => {
  it.each([
    [
      "with the next group's claim",
      (input: TransactWriteCommandInput) => marksIn(input) > 0 && claimsIn(input) > 0,
      0,
    ],
    [
      'at the end of the page',
      (input: TransactWriteCommandInput) => marksIn(input) > 0 && claimsIn(input) === 0,
      11,
    ],
  ])(
    'after a crash marking a group sent %s, re-sends only that group and misses nobody',
    async (_when, marking, surelyStuck) => {
      const stack = await createTestStack();
      const subs = await oneShard(stack, 12);
      const report = await seedReport(stack);
      // The store goes down at the first transaction that marks rows sent, and stays down.
      let dead = false;
      const dying = faultyDoc((input) => {
        dead ||= marking(input);
        return dead ? storageFault() : undefined;
      });
      const { deps, settings } = setup(stack, { ledger: dynamoLedger(dying, stack.config.tables) });

      const first = await dispatchDue(deps, settings, run());

      expect(first.reports[0]).toMatchObject({ outcome: 'error' });
      expect(first.reports[0]?.reason).toMatch(/^InternalServerError/);
      const stuckEmails = (await ledgerRows(stack, report.reportId))
        .filter((r) => r.state === 'claimed')
        .map((r) => String(r.item).slice(3));
      const stuck = subs.filter((s) => stuckEmails.includes(s.email));
      // Only rows whose mark failed are ambiguous (a claim that shared its transaction never happened):
      // never more than `concurrency`, and always the row whose mark can only be in the failed
      // transaction (the first claimed, whose mark rides with the next claim; the last, whose mark goes
      // alone). Which others were answered by then depends on SES's latency (the window follows it).
      expect(stuck.length).toBe(stuckEmails.length);
      expect(stuck.length).toBeGreaterThan(0);
      expect(stuck.length).toBeLessThanOrEqual(settings.concurrency);
      expect(stuckEmails).toContain(subs[surelyStuck]!.email);
      expect((await reportItem(stack, report.reportId))?.status).toBe('SENDING');

      const second = await dispatchDue(setup(stack).deps, settings, run());

      expect(second.reports[0]?.outcome).toBe('sent');
      const counts = countsFor(await inbox(), subs);
      expect(counts).toEqual(subs.map((s) => (stuck.includes(s) ? 2 : 1)));
      const rows = await ledgerRows(stack, report.reportId);
      expect(rows.every((r) => r.state === 'sent')).toBe(true);
      expect(
        rows
          .filter((r) => r.attempts === 2)
          .map((r) => String(r.item).slice(3))
          .sort(),
      ).toEqual(stuck.map((s) => s.email).sort());
      expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(12);
    },
  );

  it('with sends pipelined, a crash leaves at most `concurrency` rows ambiguous, and only those are sent twice', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 30);
    const report = await seedReport(stack);
    // The store goes down at the third transaction that marks rows sent, and stays down.
    let marking = 0;
    const dying = faultyDoc((input) => (marksIn(input) > 0 && ++marking >= 3 ? storageFault() : undefined));
    const { deps, settings } = setup(stack, { ledger: dynamoLedger(dying, stack.config.tables) });
    settings.concurrency = 6;

    const first = await dispatchDue(deps, settings, run());

    expect(first.reports[0]).toMatchObject({ outcome: 'error' });
    const stuck = (await ledgerRows(stack, report.reportId))
      .filter((r) => r.state === 'claimed')
      .map((r) => String(r.item).slice(3));
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.length).toBeLessThanOrEqual(settings.concurrency);

    expect((await dispatchDue(setup(stack).deps, settings, run())).reports[0]?.outcome).toBe('sent');
    const counts = countsFor(await inbox(), subs);
    expect(counts).toEqual(subs.map((s) => (stuck.includes(s.email) ? 2 : 1)));
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(30);
  });

  it('gives the marks of a failed claim another try before the run stops, so a passing fault sends nothing twice', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 12);
    const report = await seedReport(stack);
    let failed = 0;
    const flaky = faultyDoc((input) =>
      marksIn(input) > 0 && claimsIn(input) > 0 && failed++ === 0 ? storageFault() : undefined,
    );
    const { deps, settings } = setup(stack, { ledger: dynamoLedger(flaky, stack.config.tables) });

    const first = await dispatchDue(deps, settings, run());

    expect(first.reports[0]).toMatchObject({ outcome: 'error' });
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.map((r) => r.state)).toEqual(Array(settings.concurrency).fill('sent'));

    expect((await dispatchDue(setup(stack).deps, settings, run())).reports[0]).toMatchObject({
      outcome: 'sent',
      sent: 8,
    });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    expect((await reportItem(stack, report.reportId))?.counts.sent).toBe(12);
  });

  it('stops, having sent nothing, when a group claim fails for a storage error, and sends everyone once next time', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 6);
    const report = await seedReport(stack);
    const dying = faultyDoc(() => storageFault());
    const { deps, settings } = setup(stack, { ledger: dynamoLedger(dying, stack.config.tables) });

    const first = await dispatchDue(deps, settings, run());

    expect(first.reports[0]).toMatchObject({ outcome: 'error', sent: 0 });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 0));
    expect(await ledgerRows(stack, report.reportId)).toEqual([]);

    expect((await dispatchDue(setup(stack).deps, settings, run())).reports[0]).toMatchObject({
      outcome: 'sent',
      sent: 6,
    });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
  });

  it('claims a member whose transaction conflict outlasted the retries on its own, and the rest of its group together', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 8);
    const report = await seedReport(stack);
    // The first group's transaction keeps conflicting on its first member until the retries run out.
    let conflicts = 0;
    const transactions: string[] = [];
    const contended = faultyDoc((input) => {
      transactions.push(`claims ${claimsIn(input)}, marks ${marksIn(input)}`);
      if (claimsIn(input) !== 4 || conflicts >= 6) return undefined;
      conflicts++;
      const reasons = (input.TransactItems ?? []).map((_, i) =>
        i === 0
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      );
      return dynamoError('TransactionCanceledException', {
        message: 'Transaction cancelled',
        CancellationReasons: reasons,
      });
    });
    const { deps, settings } = setup(stack, { ledger: dynamoLedger(contended, stack.config.tables) });

    const summary = await dispatchDue(deps, settings, run());

    expect(conflicts).toBe(6);
    // Six tries of the first group; then its first member alone and the other three together
    // (side by side, in either order); then the later claims with the first ones' marks.
    expect(transactions.slice(0, 6)).toEqual(Array(6).fill('claims 4, marks 0'));
    expect(transactions.slice(6, 8).sort()).toEqual(['claims 1, marks 0', 'claims 3, marks 0']);
    const later = transactions
      .slice(8)
      .map((t) => /claims (\d+), marks (\d+)/.exec(t)!.slice(1).map(Number) as [number, number]);
    expect(later.every(([, marks]) => marks > 0)).toBe(true);
    expect(later.reduce((n, [claims]) => n + claims, 0)).toBe(4);
    expect(later.reduce((n, [, marks]) => n + marks, 0)).toBe(8);
    expect(later.at(-1)![0]).toBe(0);
    expect(summary.reports[0]).toMatchObject({ outcome: 'sent', sent: 8, skipped: 0 });
    expect(countsFor(await inbox(), subs)).toEqual(subs.map(() => 1));
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
  });
});

describe('dynamoLedger group writes', () => {
  it('answers claimAll per claim exactly as claim does, whatever each row and subscriber is', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 7);
    const [fresh1, sentRow, claimedRow, failedRow, unsubscribed, fresh2, deliveredRow] = subs as [
      Subscriber,
      ...Subscriber[],
    ];
    await setStatus(stack, unsubscribed!, 'unsubscribed');
    const ghost = subscriber(stack.address('ghost')); // no subscriber item at all
    const ledger = dynamoLedger(doc, stack.config.tables);
    const now = new Date('2030-04-01T00:00:00.000Z');
    const outcome = async (reportId: string, claimOne: (c: LedgerClaim[]) => Promise<ClaimResult[]>) => {
      await seedRow(stack, reportId, sentRow!, { state: 'sent', messageId: 'm-1' });
      await seedRow(stack, reportId, claimedRow!, { state: 'claimed', attempts: 3 });
      await seedRow(stack, reportId, failedRow!, { state: 'failed' });
      await seedRow(stack, reportId, deliveredRow!, { state: 'delivered' });
      const all = [fresh1, sentRow!, claimedRow!, failedRow!, unsubscribed!, ghost, fresh2!, deliveredRow!];
      const results = await claimOne(
        all.map((s) => ({ reportId, email: s.email, subscriberId: s.id, token: `t-${s.id}`, now })),
      );
      const rows = (await ledgerRows(stack, reportId)).map(({ reportId: _r, ...rest }) => rest);
      return { results, rows: rows.sort((a, b) => String(a.item).localeCompare(String(b.item))) };
    };

    const together = await outcome('r-together', (cs) => ledger.claimAll(cs));
    const oneByOne = await outcome('r-one-by-one', (cs) => Promise.all(cs.map((c) => ledger.claim(c))));

    expect(together).toEqual(oneByOne);
    expect(together.results.map((r) => (r.kind === 'exists' ? `exists:${r.row.state}` : r.kind))).toEqual([
      'claimed',
      'exists:sent',
      'exists:claimed',
      'exists:failed',
      'not-confirmed',
      'not-confirmed',
      'claimed',
      'exists:delivered',
    ]);
    expect(together.results[2]).toEqual({
      kind: 'exists',
      row: { state: 'claimed', claimToken: 'earlier-run', attempts: 3 },
    });
  });

  it('packs marks and claims into transactions of at most 100 items', async () => {
    const stack = await createTestStack();
    const subs = Array.from({ length: 130 }, () => subscriber(stack.address('many')));
    await putSubscribers(stack, subs);
    const counting = countingDoc();
    const ledger = dynamoLedger(counting.doc, stack.config.tables);
    const now = new Date('2030-04-01T00:00:00.000Z');
    const claimOf = (s: Subscriber): LedgerClaim => ({
      reportId: 'r-many',
      email: s.email,
      subscriberId: s.id,
      token: `t-${s.id}`,
      now,
    });
    const markOf = (s: Subscriber) => ({ email: s.email, token: `t-${s.id}`, messageId: `m-${s.id}` });

    const first = await ledger.claimAll(subs.slice(0, 120).map(claimOf));
    await ledger.markSent({ reportId: 'r-many', sent: subs.slice(0, 110).map(markOf), now });
    const last = await ledger.claimAll(subs.slice(120).map(claimOf), {
      reportId: 'r-many',
      sent: subs.slice(110, 120).map(markOf),
      now,
    });

    expect([...first, ...last].every((r) => r.kind === 'claimed')).toBe(true);
    expect(counting.calls.list).toEqual([
      'transactWrite(Put×50 ConditionCheck×50)',
      'transactWrite(Put×50 ConditionCheck×50)',
      'transactWrite(Put×20 ConditionCheck×20)',
      'transactWrite(Update×100)',
      'transactWrite(Update×10)',
      'transactWrite(Update×10 Put×10 ConditionCheck×10)',
    ]);
    const rows = await ledgerRows(stack, 'r-many');
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(120);
    expect(rows.filter((r) => r.state === 'claimed')).toHaveLength(10);
  });

  it('marks the rest of a batch sent and then throws when one row is no longer held by its token', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 4);
    const ledger = dynamoLedger(doc, stack.config.tables);
    const now = new Date('2030-04-01T00:00:00.000Z');
    await ledger.claimAll(
      subs.map((s) => ({ reportId: 'r-taken', email: s.email, subscriberId: s.id, token: `t-${s.id}`, now })),
    );
    // Another dispatcher took the second row over (its lease had expired).
    await ledger.takeOver({
      reportId: 'r-taken',
      email: subs[1]!.email,
      subscriberId: subs[1]!.id,
      token: 'someone-else',
      oldToken: `t-${subs[1]!.id}`,
      now,
    });

    await expect(
      ledger.markSent({
        reportId: 'r-taken',
        sent: subs.map((s) => ({ email: s.email, token: `t-${s.id}`, messageId: `m-${s.id}` })),
        now,
      }),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });

    const rows = await ledgerRows(stack, 'r-taken');
    expect(subs.map((s) => rowOf(rows, s)?.state)).toEqual(['sent', 'claimed', 'sent', 'sent']);
    expect(rowOf(rows, subs[1]!)).toMatchObject({ claimToken: 'someone-else', attempts: 2 });
    expect(rowOf(rows, subs[1]!)?.messageId).toBeUndefined();
  });
});
