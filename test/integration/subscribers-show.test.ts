/**
 * `kawaraban subscribers show <email>` against DynamoDB Local: the row, the other spellings of
 * the mailbox, and each recent report's ledger state — "did this reader get report X?"
 * without an export.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerState } from '../../functions/core/report.ts';
import { doc, putSubscribers, seedReport, subscriber } from '../helpers/audience.ts';
import { cliWithStackPerTest } from '../helpers/cli.ts';
import type { TestStack } from '../helpers/stack.ts';

let stack: TestStack;
const cli = cliWithStackPerTest((s) => (stack = s));

async function ledger(
  reportId: string,
  email: string,
  state: LedgerState,
  extra: Record<string, unknown> = {},
) {
  await doc.put({
    TableName: stack.env.REPORTS_TABLE,
    Item: {
      reportId,
      item: `to#${email}`,
      email,
      state,
      subscriberId: 'sub-1',
      claimToken: 'c',
      claimedAt: '2030-03-01T00:00:01Z',
      attempts: 1,
      sentAt: '2030-03-01T00:00:02Z',
      messageId: 'msg-1',
      updatedAt: '2030-03-01T00:05:00Z',
      ...extra,
    },
  });
}

/** A reader with a confirmed row and consent, two other spellings of the mailbox, one other person. */
async function seedReader() {
  const reader = {
    ...subscriber('taro.yamada@gmail.com', 'confirmed', 'en'),
    confirmedAt: '2030-02-01T00:00:00.000Z',
    consent: {
      at: '2030-02-01T00:00:00.000Z',
      sourceIp: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      source: 'hosted-form',
      policyVersion: '3',
    },
  };
  await putSubscribers(stack, [
    reader,
    subscriber('TaroYamada+old@gmail.com', 'unsubscribed'),
    subscriber('taro.yamada@googlemail.com', 'bounced'),
    subscriber('taro.yamada@example.com', 'confirmed'),
  ]);
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  const r1 = await seedReport(stack, { reportId: 'r-2030-03-01', status: 'SENT', sendAt: day('2030-03-01') });
  const r2 = await seedReport(stack, { reportId: 'r-2030-03-08', status: 'SENT', sendAt: day('2030-03-08') });
  const r3 = await seedReport(stack, {
    reportId: 'r-2030-03-15',
    status: 'SENDING',
    sendAt: day('2030-03-15'),
  });
  const old = await seedReport(stack, {
    reportId: 'r-2029-01-01',
    status: 'SENT',
    sendAt: day('2029-01-01'),
  });
  await ledger(r1.reportId, 'taro.yamada@gmail.com', 'delivered');
  await ledger(r2.reportId, 'TaroYamada+old@gmail.com', 'bounced', {
    reason: 'Permanent/General',
    sentAt: '2030-03-08T00:00:02Z',
  });
  await ledger(old.reportId, 'taro.yamada@gmail.com', 'complained', { sentAt: '2029-01-01T00:00:02Z' });
  await ledger(r1.reportId, 'taro.yamada@example.com', 'delivered');
  return { r1, r2, r3, old };
}

describe('kawaraban subscribers show', () => {
  it('shows status, locale, consent, the other spellings and each recent report with its ledger state', async () => {
    const { r1, r2, r3, old } = await seedReader();

    const run = await cli('subscribers', 'show', ' taro.yamada@GMAIL.com ', '--reports', '3', '--lang', 'en');

    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines).toContain('email            taro.yamada@gmail.com');
    expect(lines).toContain('status           confirmed');
    expect(lines).toContain('locale           en');
    expect(lines).toContain(
      'consent          2030-02-01T00:00:00.000Z from 203.0.113.7 (hosted-form, policy 3) Mozilla/5.0',
    );
    expect(lines).toContain(
      'other spellings  taro.yamada@googlemail.com (bounced), TaroYamada+old@gmail.com (unsubscribed)',
    );
    expect(run.out).not.toContain('taro.yamada@example.com');
    const reports = lines.slice(lines.indexOf('recent reports (newest first, 3):') + 1);
    expect(reports.map((l) => l.trim().split(/\s+/)[0])).toEqual([r3.reportId, r2.reportId, r1.reportId]);
    expect(reports[0]).toMatch(/SENDING .* not sent$/);
    expect(reports[1]).toMatch(
      /SENT .*2030-03-08 09:00 JST {2}bounced \(TaroYamada\+old@gmail\.com\) {2}2030-03-08T00:00:02Z {2}Permanent\/General$/,
    );
    expect(reports[2]).toMatch(/SENT .* {2}delivered {2}2030-03-01T00:00:02Z$/);
    expect(run.out).not.toContain(old.reportId);

    // An older report asked for by id: "did this reader get report X?"
    const asked = await cli(
      'subscribers',
      'show',
      'taro.yamada@gmail.com',
      '--reports',
      '1',
      '--report',
      old.reportId,
      '--json',
    );
    const view = JSON.parse(asked.out);
    expect(view.reports.map((r: { reportId: string }) => r.reportId)).toEqual([r3.reportId, old.reportId]);
    expect(view.reports[1].deliveries).toEqual([
      expect.objectContaining({ email: 'taro.yamada@gmail.com', state: 'complained', messageId: 'msg-1' }),
    ]);
    expect(view.subscriber).toMatchObject({ status: 'confirmed', locale: 'en' });
    expect(view.otherSpellings).toHaveLength(2);
  });

  it('finds the mailbox from a spelling with no row of its own; exit 1 only when nothing at all is known', async () => {
    await seedReader();
    const other = await cli('subscribers', 'show', 'Taro.Yamada@gmail.com', '--lang', 'en');
    expect(other.code).toBe(0);
    expect(other.out).toContain('status           no subscriber spelled exactly so');
    expect(other.out).toContain('taro.yamada@gmail.com (confirmed)');

    const nobody = await cli('subscribers', 'show', 'nobody@example.org', '--lang', 'en');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toBe(
      'kawaraban: no subscriber, no other spelling, and no delivery in the recent reports',
    );
  });

  it('refuses bad input in one line: not an address, a count that is not a whole number from 1 to 100', async () => {
    for (const [args, err] of [
      [['not-an-address'], 'kawaraban: not an email address we could have stored (missing-at)'],
      [['ａ@example.jp'], 'kawaraban: not an email address we could have stored (full-width)'],
      [['a@example.jp', '--reports', '0'], 'kawaraban: --reports must be a positive whole number (got 0)'],
      [
        ['a@example.jp', '--reports', '2.5'],
        'kawaraban: --reports must be a positive whole number (got 2.5)',
      ],
      [
        ['a@example.jp', '--reports', '1000'],
        'kawaraban: --reports must be a positive whole number (got 1000)',
      ],
    ] as const) {
      const run = await cli('subscribers', 'show', ...args, '--lang', 'en');
      expect(run).toMatchObject({ code: 1, out: '', err });
    }
  });
});
