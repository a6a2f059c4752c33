/** The progress line and the report watch, with a virtual clock and a fake terminal: no waiting, no wall clock. */
import { beforeEach, describe, expect, it } from 'vitest';
import { setCliContext } from '../../cli/context.ts';
import { formatDuration, Progress } from '../../cli/progress.ts';
import { watchReport } from '../../cli/report-watch.ts';
import { type ReportRecord, zeroCounts } from '../../functions/core/report.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (t: string) => writes.push(t) };
}

beforeEach(() => setCliContext({ lang: 'en' }));

describe('Progress', () => {
  it('on a terminal redraws one bar in place with rows/s and ETA, and ends the line when finished', () => {
    let now = 0;
    const stream = fakeStream(true);
    const p = new Progress({ unit: 'rows', total: 3000, stream, now: () => now });
    now = 1000;
    p.update(500); // under showAfterMs: a quick command shows nothing
    expect(stream.writes).toEqual([]);
    now = 2000;
    p.update(1000);
    now = 2050;
    p.update(1010); // within redrawEveryMs: not redrawn
    expect(stream.writes).toEqual([
      `\r\x1b[2K[${'█'.repeat(7)}${'░'.repeat(13)}]  33%  1,000/3,000 rows  500 rows/s  ETA 4s`,
    ]);
    now = 6000;
    p.finish(3000);
    expect(stream.writes.at(-1)).toBe(
      `\r\x1b[2K[${'█'.repeat(20)}]  100%  3,000/3,000 rows  500 rows/s  in 6s\n`,
    );
  });

  it('elsewhere prints a plain line at most every lineEveryMs, and nothing at all for a quick command', () => {
    let now = 0;
    const stream = fakeStream(false);
    const p = new Progress({ unit: 'rows', total: 100_000, stream, now: () => now, lineEveryMs: 10_000 });
    for (let t = 2000; t <= 25_000; t += 1000) {
      now = t;
      p.update(t * 4);
    }
    expect(stream.writes).toEqual([
      '8%  8,000/100,000 rows  4,000 rows/s  ETA 23s\n',
      '48%  48,000/100,000 rows  4,000 rows/s  ETA 13s\n',
      '88%  88,000/100,000 rows  4,000 rows/s  ETA 3s\n',
    ]);
    const quick = fakeStream(false);
    const q = new Progress({ unit: 'rows', total: 10, stream: quick, now: () => 500 });
    q.update(10);
    q.finish();
    expect(quick.writes).toEqual([]);
  });

  it('formats durations as an operator reads them', () => {
    expect([0, 7, 65, 3599, 3600, 3725].map(formatDuration)).toEqual([
      '0s',
      '7s',
      '1m05s',
      '59m59s',
      '1h00m',
      '1h02m',
    ]);
  });
});

describe('report status --watch', () => {
  const report = (
    status: ReportRecord['status'],
    sent: number,
    extra: Partial<ReportRecord> = {},
  ): ReportRecord => ({
    reportId: 'r-1',
    status,
    title: 't',
    issuedOn: '2030-01-01',
    contentHash: 'c',
    sourceKey: 'reports/r-1.json',
    createdAt: '2030-01-01T00:00:00Z',
    updatedAt: '2030-01-01T00:00:00Z',
    counts: {
      ...zeroCounts(),
      audience: 1000,
      sent,
      bounced: Math.floor(sent / 100),
      complained: sent >= 600 ? 1 : 0,
    },
    ...extra,
  });

  it('refreshes sent/audience, rate, ETA, bounces and complaints until the report ends', async () => {
    const states = [
      report('SENDING', 0),
      report('SENDING', 200),
      report('PAUSED', 400, { pauseReason: 'paused by a person' }),
      report('SENDING', 600),
      report('SENT', 1000),
    ];
    let now = Date.parse('2030-01-01T00:00:00Z');
    const out = fakeStream(false);
    const code = await watchReport(
      {
        get: async () => states.shift() ?? null,
        sleep: async (ms) => {
          now += ms;
        },
        now: () => now,
        out,
      },
      'r-1',
      { intervalMs: 10_000 },
    );
    expect(code).toBe(0);
    expect(out.writes.join('')).toBe(
      [
        '09:00:00  SENDING  sent 0/1,000 (0%)  -  bounced 0  complained 0',
        '09:00:10  SENDING  sent 200/1,000 (20%)  20.0/s  ETA 40s  bounced 2  complained 0',
        '09:00:20  PAUSED  sent 400/1,000 (40%)  20.0/s  bounced 4  complained 0  paused (paused by a person); continue with npx kawaraban report resume',
        '09:00:30  SENDING  sent 600/1,000 (60%)  20.0/s  ETA 20s  bounced 6  complained 1',
        '09:00:40  SENT  sent 1,000/1,000 (100%)  25.0/s  bounced 10  complained 1',
        'ended: SENT',
        '',
      ].join('\n'),
    );
  });

  it('with --json prints one object per refresh', async () => {
    const states = [report('SENDING', 100), report('CANCELED', 300)];
    let now = 0;
    const out = fakeStream(false);
    await watchReport(
      {
        get: async () => states.shift() ?? null,
        sleep: async (ms) => {
          now += ms;
        },
        now: () => now,
        out,
      },
      'r-1',
      {
        intervalMs: 5000,
        json: true,
      },
    );
    const lines = out.writes
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        status: 'SENDING',
        sent: 100,
        audience: 1000,
        perSecond: null,
        etaSeconds: null,
      }),
      expect.objectContaining({ status: 'CANCELED', sent: 300, perSecond: 40, etaSeconds: null, bounced: 3 }),
    ]);
  });
});
