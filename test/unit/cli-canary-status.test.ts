/** `report status` (text, --json, --watch) shows the canary's phase and numbers, in Japanese and in English. */
import { beforeEach, describe, expect, it } from 'vitest';
import { setCliContext } from '../../cli/context.ts';
import { statusJson } from '../../cli/report-canary.ts';
import { formatStatus } from '../../cli/report-format.ts';
import { watchReport } from '../../cli/report-watch.ts';
import { type CanaryRecord, type ReportRecord, zeroCounts } from '../../functions/core/report.ts';

const record = (canary: CanaryRecord | undefined, extra: Partial<ReportRecord> = {}): ReportRecord => ({
  reportId: 'r-canary',
  status: 'SENDING',
  title: 't',
  issuedOn: '2030-01-01',
  contentHash: 'c',
  sourceKey: 'reports/r-canary.json',
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
  counts: { ...zeroCounts(), audience: 20_000, sent: 198, bounced: 3, complained: 1 },
  ...(canary ? { canary } : {}),
  ...extra,
});

const canaryLine = (r: ReportRecord) =>
  formatStatus(r)
    .split('\n')
    .find((l) => l.startsWith('canary'));

const waiting: CanaryRecord = {
  phase: 'waiting',
  audience: 20_000,
  size: 200,
  fraction: 0.01,
  sentAt: '2030-04-01T00:00:00.000Z',
  until: '2030-04-01T00:30:00.000Z',
};
const failed: CanaryRecord = {
  ...waiting,
  phase: 'judged',
  verdict: 'failed',
  judgedAt: '2030-04-01T00:30:00.000Z',
  counts: { sent: 198, bounced: 12, complained: 0 },
  reason: 'canary sample: bounce rate 6.06 % (12/198) is above 5.00 %',
};

describe('report status with a canary', () => {
  beforeEach(() => setCliContext({ lang: 'en' }));

  it('shows each phase with the sample size, sends, bounces, complaints and the verdict time (English)', () => {
    expect(canaryLine(record({ phase: 'sending', audience: 20_000, size: 200, fraction: 0.01 }))).toBe(
      'canary      sending the sample: 198 of about 200 sent, 3 bounced, 1 complained',
    );
    expect(canaryLine(record(waiting))).toBe(
      'canary      waiting for the verdict at 2030-04-01 09:30 JST: sample of about 200, 198 sent, 3 bounced, 1 complained; nobody else sent yet',
    );
    // After the verdict: the numbers it was given on, not the report's growing counts.
    expect(
      canaryLine(record(failed, { status: 'PAUSED', counts: { ...zeroCounts(), sent: 198, bounced: 14 } })),
    ).toBe(
      'canary      failed (2030-04-01 09:30 JST): sample 198 sent, 12 bounced, 0 complained; paused: npx kawaraban report resume sends the rest, cancel stops it',
    );
    expect(
      canaryLine(record({ ...failed, verdict: 'passed', counts: { sent: 198, bounced: 1, complained: 0 } })),
    ).toBe(
      'canary      passed (2030-04-01 09:30 JST): sample 198 sent, 1 bounced, 0 complained; the rest follows',
    );
    expect(canaryLine(record({ phase: 'skipped', audience: 800, skipped: 'small' }))).toBe(
      'canary      none (audience 800: not over the canary threshold)',
    );
    expect(canaryLine(record({ phase: 'skipped', audience: 8000, skipped: 'report' }))).toMatch(
      /"canary": false/,
    );
    expect(canaryLine(record({ phase: 'skipped', audience: 8000, skipped: 'off' }))).toMatch(
      /CANARY_ENABLED=false/,
    );
    expect(canaryLine(record(undefined))).toBeUndefined();
  });

  it('shows each phase in Japanese', () => {
    setCliContext({ lang: 'ja' });
    expect(canaryLine(record({ phase: 'sending', audience: 20_000, size: 200, fraction: 0.01 }))).toBe(
      'canary      先行送信中: 約 200 人の標本のうち 198 人に送信、バウンス 3、苦情 1',
    );
    expect(canaryLine(record(waiting))).toBe(
      'canary      判定待ち（2030-04-01 09:30 JST に判定）: 標本 約 200 人のうち 198 人に送信、バウンス 3、苦情 1。残りはまだ送っていません',
    );
    expect(canaryLine(record(failed, { status: 'PAUSED' }))).toMatch(
      /^canary {6}不合格（2030-04-01 09:30 JST）: 標本 198 人、バウンス 12、苦情 0。一時停止中/,
    );
    expect(canaryLine(record({ phase: 'skipped', audience: 800, skipped: 'small' }))).toBe(
      'canary      なし（対象 800 人: 先行送信の基準以下）',
    );
  });

  it('--json carries the canary with the sample numbers', () => {
    expect(statusJson(record(waiting)).canary).toEqual({
      ...waiting,
      sample: { sent: 198, bounced: 3, complained: 1 },
    });
    expect(statusJson(record(failed)).canary?.sample).toEqual({ sent: 198, bounced: 12, complained: 0 });
    expect('canary' in statusJson(record(undefined))).toBe(false);
  });

  it('--watch says the sample awaits its verdict, in each language, and --json carries it', async () => {
    for (const [lang, want] of [
      ['en', /SENDING {2}sent 198\/20,000 \(0%\).*waiting for the verdict at 2030-04-01 09:30 JST/],
      ['ja', /SENDING {2}送信 198\/20,000 \(0%\).*判定待ち（2030-04-01 09:30 JST に判定）/],
    ] as const) {
      setCliContext({ lang });
      const states = [record(waiting), record(undefined, { status: 'CANCELED' })];
      const writes: string[] = [];
      await watchReport(
        {
          get: async () => states.shift() ?? null,
          sleep: async () => undefined,
          now: () => 0,
          out: { isTTY: false, write: (t: string) => writes.push(t) },
        },
        'r-canary',
        { intervalMs: 5000 },
      );
      expect(writes[0]).toMatch(want);
    }
    const states = [record(waiting)];
    const writes: string[] = [];
    await watchReport(
      {
        get: async () => states.shift() ?? null,
        sleep: async () => undefined,
        now: () => 0,
        out: { isTTY: false, write: (t: string) => writes.push(t) },
      },
      'r-canary',
      { intervalMs: 5000, json: true },
    );
    expect(JSON.parse(writes[0]!).canary).toMatchObject({
      phase: 'waiting',
      size: 200,
      until: '2030-04-01T00:30:00.000Z',
      sample: { sent: 198, bounced: 3, complained: 1 },
    });
  });
});
