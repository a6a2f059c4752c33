/**
 * The stop gates against DynamoDB Local (functions/adapters/dynamo-stop-gates.ts): a pause or
 * cancel replaces every lane's token in the transaction that changes the status, and a claim
 * carrying a token read before it is refused by DynamoDB, alone, in a group, split over several
 * transactions, or as a take-over; the marks that ride with refused claims are still written.
 */
import { describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../helpers/stack.ts';
import { doc, ledgerRows, oneShard, seedReport } from '../helpers/audience.ts';
import { dynamoLedger } from '../../functions/adapters/dynamo-ledger.ts';
import { dynamoPartStore } from '../../functions/adapters/dynamo-part-store.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { GATE_LANES } from '../../functions/core/report.ts';
import type { Subscriber } from '../../functions/core/subscriber.ts';
import { cancelReport, pauseReport, resumeReport } from '../../functions/core/use-cases/report-control.ts';
import type { LedgerClaim } from '../../functions/core/use-cases/sending-ports.ts';

const now = new Date('2030-04-01T00:00:00.000Z');

function ports(stack: TestStack) {
  const reports = dynamoReportStore(doc, stack.config.tables.reports);
  return {
    reports,
    ledger: dynamoLedger(doc, stack.config.tables),
    parts: dynamoPartStore(doc, stack.config.tables.reports),
    control: { reports, clock: { now: () => now } },
  };
}

const claimOf =
  (reportId: string, lane: number, token: string | null) =>
  (s: Subscriber): LedgerClaim => ({
    reportId,
    email: s.email,
    subscriberId: s.id,
    token: `t-${s.id}`,
    now,
    gate: { lane, token },
  });

const allLanes = (stack: TestStack, reportId: string) =>
  Promise.all(Array.from({ length: GATE_LANES }, (_, lane) => ports(stack).reports.gate(reportId, lane)));

describe('stop gates', () => {
  it('reads the gate and the report as one snapshot, as the two reads one after the other say', async () => {
    const stack = await createTestStack();
    const report = await seedReport(stack, { status: 'SENDING' });
    const { reports, control } = ports(stack);
    const read = reports.gateAndReport!;
    const fresh = await read(report.reportId, 3);
    expect(fresh.gate).toBeNull();
    expect(fresh.report).toEqual(await reports.get(report.reportId));
    expect(await pauseReport(control, report.reportId)).toMatchObject({ kind: 'changed' });
    const paused = await read(report.reportId, 3);
    expect(paused.gate).toEqual(expect.any(String));
    expect(paused.gate).toBe(await reports.gate(report.reportId, 3));
    expect(paused.report?.status).toBe('PAUSED');
    expect(await read('no-such-report', 0)).toEqual({ gate: null, report: null });
  });

  it('a pause refuses every claim that carries the token read before it, and the marks riding with them are written', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 6, 3, 'gate');
    const report = await seedReport(stack, { status: 'SENDING' });
    const { reports, ledger, control } = ports(stack);
    const before = await reports.gate(report.reportId, 2);
    expect(before).toBeNull();

    const first = await ledger.claimAll(subs.slice(0, 2).map(claimOf(report.reportId, 2, before)));
    expect(first).toEqual([{ kind: 'claimed' }, { kind: 'claimed' }]);
    expect(await pauseReport(control, report.reportId)).toMatchObject({ kind: 'changed' });

    const late = claimOf(report.reportId, 2, before);
    const refused = await ledger.claimAll(subs.slice(2, 5).map(late), {
      reportId: report.reportId,
      sent: subs.slice(0, 2).map((s) => ({ email: s.email, token: `t-${s.id}`, messageId: `m-${s.id}` })),
      now,
    });
    expect(refused).toEqual(subs.slice(2, 5).map(() => ({ kind: 'stopped' })));
    expect(await ledger.claim(late(subs[5]!))).toEqual({ kind: 'stopped' });
    const rows = await ledgerRows(stack, report.reportId);
    expect(rows.map((r) => [String(r.item).slice(3), r.state]).sort()).toEqual(
      subs
        .slice(0, 2)
        .map((s) => [s.email, 'sent'])
        .sort(),
    );

    // Every lane has the pause's token; a resume writes none, and claims under that token pass.
    const lanes = await allLanes(stack, report.reportId);
    expect(new Set(lanes).size).toBe(1);
    expect(lanes[0]).toEqual(expect.any(String));
    expect(await resumeReport(control, report.reportId)).toMatchObject({ kind: 'changed' });
    expect(await allLanes(stack, report.reportId)).toEqual(lanes);
    expect(await ledger.claim(claimOf(report.reportId, 2, lanes[2]!)(subs[5]!))).toEqual({ kind: 'claimed' });
  });

  it('a cancel refuses a take-over and a group split over several transactions; a refused status change replaces no token', async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 60, 5, 'gates');
    const report = await seedReport(stack, { status: 'SENDING' });
    const { reports, ledger, control } = ports(stack);
    const dead = subs[0]!;
    // A row a dead run left claimed.
    expect(await ledger.claim(claimOf(report.reportId, 0, null)(dead))).toEqual({ kind: 'claimed' });

    expect(await cancelReport(control, report.reportId)).toMatchObject({ kind: 'changed' });
    const token = await reports.gate(report.reportId, 0);
    expect(token).not.toBeNull();

    const stale = claimOf(report.reportId, 0, null);
    expect(await ledger.takeOver({ ...stale(dead), token: 'new', oldToken: `t-${dead.id}` })).toEqual({
      kind: 'stopped',
    });
    // 59 claims: two transactions (at most 100 items with the gate).
    const many = await ledger.claimAll(subs.slice(1).map(stale));
    expect(many.every((r) => r.kind === 'stopped')).toBe(true);
    expect(await ledgerRows(stack, report.reportId)).toHaveLength(1);
    expect((await ledger.get(report.reportId, dead.email))?.claimToken).toBe(`t-${dead.id}`);

    // CANCELED is final: a pause is refused, and the tokens stay as they were.
    expect(await pauseReport(control, report.reportId)).toMatchObject({
      kind: 'refused',
      status: 'CANCELED',
    });
    expect(await reports.gate(report.reportId, 0)).toBe(token);
  });

  it("a worker's own pause stops the other workers' claims too", async () => {
    const stack = await createTestStack();
    const subs = await oneShard(stack, 2, 7, 'worker');
    const report = await seedReport(stack, { status: 'SENDING' });
    const { ledger, parts } = ports(stack);
    const paused = await parts.pauseReport(report.reportId, 'reputation guard: x', now, 'reputation');
    expect(paused).toMatchObject({ status: 'PAUSED', pauseKind: 'reputation' });
    expect(await ledger.claim(claimOf(report.reportId, 3, null)(subs[0]!))).toEqual({ kind: 'stopped' });
    // Only from SENDING: a second pause changes nothing.
    const token = await ports(stack).reports.gate(report.reportId, 3);
    expect(await parts.pauseReport(report.reportId, 'again', now, 'dispatcher')).toBeNull();
    expect(await ports(stack).reports.gate(report.reportId, 3)).toBe(token);
  });
});
