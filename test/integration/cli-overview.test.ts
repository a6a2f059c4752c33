/**
 * The operator's overview commands against this file's tables in DynamoDB Local:
 * `kawaraban report list` and `kawaraban subscribers count`.
 */
import { describe, expect, it } from 'vitest';
import { cliWithStackPerTest } from '../helpers/cli.ts';
import { putSubscribers, seedReport, subscriber } from '../helpers/audience.ts';
import type { TestStack } from '../helpers/stack.ts';
import { zeroCounts } from '../../functions/core/report.ts';
import type { SubscriberStatus } from '../../functions/core/subscriber.ts';

let stack: TestStack;
const cli = cliWithStackPerTest((s) => (stack = s));

describe('kawaraban report list', () => {
  it('lists every report newest first with status, JST send time and counts; --status narrows it', async () => {
    const older = await seedReport(stack, {
      status: 'SENT',
      sendAt: new Date('2030-04-01T00:00:00Z'),
      extra: { counts: { ...zeroCounts(), audience: 1200, sent: 1198, bounced: 3, complained: 1 } },
    });
    const newer = await seedReport(stack, { status: 'SCHEDULED', sendAt: new Date('2030-04-08T00:30:00Z') });
    const paused = await seedReport(stack, { status: 'PAUSED', sendAt: new Date('2030-04-05T00:00:00Z') });

    const all = await cli('report', 'list');

    expect(all.code).toBe(0);
    const lines = all.out.split('\n');
    expect(lines[0]).toMatch(/^report\s+status\s+sendAt\s+sent\s+bounced\s+complained\s+title$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      newer.reportId,
      paused.reportId,
      older.reportId,
    ]);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${newer.reportId}\\s+SCHEDULED\\s+2030-04-08 09:30 JST\\s+0/0\\s+0\\s+0\\s+Report ${newer.reportId}$`,
      ),
    );
    expect(lines[3]).toMatch(
      new RegExp(`^${older.reportId}\\s+SENT\\s+2030-04-01 09:00 JST\\s+1,198/1,200\\s+3\\s+1\\s+`),
    );

    const onlyPaused = await cli('report', 'list', '--status', 'PAUSED');
    expect(
      onlyPaused.out
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual([paused.reportId]);
  });

  it('says so when there is nothing, and refuses a status it cannot list, exit 1', async () => {
    expect(await cli('report', 'list')).toMatchObject({ code: 0, out: '該当する報告はありません' });
    const bad = await cli('report', 'list', '--status', 'REJECTED');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      '状態「REJECTED」では絞り込めません（使えるもの: AWAITING_APPROVAL, SCHEDULED, SENDING, PAUSED, SENT, CANCELED）',
    );
  });
});

describe('kawaraban subscribers count', () => {
  it('counts each status across every shard, and the total, printing no address', async () => {
    const want: Partial<Record<SubscriberStatus, number>> = {
      confirmed: 23,
      pending: 4,
      unsubscribed: 2,
      complained: 1,
    };
    const subs = Object.entries(want).flatMap(([status, n]) =>
      Array.from({ length: n }, () => subscriber(stack.address(status), status as SubscriberStatus)),
    );
    await putSubscribers(stack, subs);

    const { code, out } = await cli('subscribers', 'count');

    expect(code).toBe(0);
    expect(out.split('\n').map((l) => l.split(/\s+/))).toEqual([
      ['pending', '4'],
      ['confirmed', '23'],
      ['unsubscribed', '2'],
      ['bounced', '0'],
      ['complained', '1'],
      ['total', '30'],
    ]);
    expect(out).not.toContain('@');
  });
});
