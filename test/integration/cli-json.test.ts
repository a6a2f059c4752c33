/**
 * Scriptable and consistent: --json on the reading commands, statuses in either case,
 * --interval checked, help in both languages (against this file's tables in DynamoDB Local).
 */
import { describe, expect, it } from 'vitest';
import { zeroCounts } from '../../functions/core/report.ts';
import { putSubscribers, seedReport, subscriber } from '../helpers/audience.ts';
import { cliWithStackPerTest } from '../helpers/cli.ts';
import type { TestStack } from '../helpers/stack.ts';

let stack: TestStack;
const cli = cliWithStackPerTest((s) => (stack = s));

describe('--json and statuses in either case', () => {
  it('report status, report list and subscribers count print JSON', async () => {
    const sent = await seedReport(stack, {
      status: 'SENT',
      sendAt: new Date('2030-05-01T00:00:00Z'),
      extra: { counts: { ...zeroCounts(), audience: 10, sent: 9, bounced: 1 } },
    });
    await seedReport(stack, { status: 'PAUSED', sendAt: new Date('2030-05-02T00:00:00Z') });
    await putSubscribers(stack, [
      subscriber(stack.address(), 'confirmed'),
      subscriber(stack.address(), 'pending'),
    ]);

    const status = await cli('report', 'status', sent.reportId, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({
      reportId: sent.reportId,
      status: 'SENT',
      counts: { audience: 10, sent: 9, bounced: 1 },
    });

    for (const spelled of ['sent', 'Sent', 'SENT']) {
      const list = await cli('report', 'list', '--status', spelled, '--json');
      expect(list.code).toBe(0);
      expect(JSON.parse(list.out).map((r: { reportId: string }) => r.reportId)).toEqual([sent.reportId]);
    }

    const count = await cli('subscribers', 'count', '--json');
    expect(JSON.parse(count.out)).toEqual({
      pending: 1,
      confirmed: 1,
      unsubscribed: 0,
      bounced: 0,
      complained: 0,
      total: 2,
    });

    const exported = await cli('subscribers', 'export', '--status', 'CONFIRMED');
    expect(exported.code).toBe(0);
    const bad = await cli('subscribers', 'export', '--status', 'gone', '--lang', 'en');
    expect(bad.err).toBe(
      'kawaraban: unknown status "gone" (use one of: pending, confirmed, unsubscribed, bounced, complained)',
    );
  });

  it('checks --interval of --watch before reading anything', async () => {
    for (const v of ['0', 'abc', '99999']) {
      const run = await cli('report', 'status', 'r-1', '--watch', '--interval', v, '--lang', 'en');
      expect(run).toMatchObject({ code: 1, err: `--interval must be 1 to 3600 seconds (got ${v})` });
    }
  });

  it('a watch on a report that has ended prints its last state once and exits 0', async () => {
    const done = await seedReport(stack, {
      status: 'CANCELED',
      extra: { counts: { ...zeroCounts(), audience: 4, sent: 2 } },
    });
    let code: number | undefined;
    const out = await stdoutOf(async () => {
      code = (await cli('report', 'status', done.reportId, '--watch', '--lang', 'en')).code;
    });
    expect(code).toBe(0);
    expect(out).toMatch(
      /^\d\d:\d\d:\d\d {2}CANCELED {2}sent 2\/4 \(50%\) {2}- {2}bounced 0 {2}complained 0\nended: CANCELED\n$/,
    );
  });
});

/** What goes to process.stdout directly (commander's help, the watch), not through console.log. */
async function stdoutOf(body: () => Promise<unknown>): Promise<string> {
  const writes: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = write;
  }
  return writes.join('');
}

describe('help in both languages', () => {
  it('every command group has its help in Japanese by default and in English with --lang en', async () => {
    for (const [args, ja, en] of [
      [['--help'], 'コマンド:', 'Commands:'],
      [
        ['report', 'status', '--help'],
        '報告の状態と配信数を表示する',
        "print a report's status and delivery counts",
      ],
      [['subscribers', 'show', '--help'], '一人の読者', 'one reader: status'],
      [['doctor', '--help'], '配信環境を点検する', 'check a deployment'],
      [['target', '--help'], '共通オプション:', 'Global Options:'],
    ] as const) {
      const jaHelp = await stdoutOf(() => cli(...args));
      const enHelp = await stdoutOf(() => cli(...args, '--lang', 'en'));
      expect(jaHelp).toContain(ja);
      expect(jaHelp).not.toContain(en);
      expect(enHelp).toContain(en);
      expect(enHelp).not.toContain(ja);
    }
  });

  it("commander's own usage errors are in the chosen language, exit 2", async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
    let codes: number[] = [];
    try {
      codes = [
        (await cli('report', 'lst')).code,
        (await cli('report', 'status')).code,
        (await cli('report', 'lst', '--lang', 'en')).code,
      ];
    } finally {
      process.stderr.write = write;
    }
    expect(codes).toEqual([2, 2, 2]);
    const text = errors.join('');
    expect(text).toContain("エラー: 不明なコマンド 'lst'\n（list のことですか？）");
    expect(text).toContain("エラー: 引数 'id' がありません");
    expect(text).toContain("error: unknown command 'lst'\n(Did you mean list?)");
  });
});
