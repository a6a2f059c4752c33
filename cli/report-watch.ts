/**
 * `kawaraban report status <id> --watch`: the send's progress until the report ends.
 *
 * 1. Read the report item every `intervalMs` (one GetItem: the counters live on it).
 * 2. Rate = messages sent over the last minute of samples; ETA = what is left at that rate.
 * 3. On a terminal redraw one line in place (with a bar); otherwise print one line per read
 *    (with --json one JSON object per line). While a canary's sample is sent or awaits its
 *    verdict, the line says so, with the sample's numbers and when it is judged. PAUSED keeps watching (someone may resume it);
 *    SENT, CANCELED or REJECTED ends the watch with exit 0.
 */
import type { ReportRecord } from '../functions/core/report.ts';
import { cliLang } from './context.ts';
import { cliTexts } from './i18n/index.ts';
import { canaryText, canaryView, type CanaryView } from './report-canary.ts';
import { formatDuration, formatRate, type ProgressStream } from './progress.ts';

export interface WatchDeps {
  get(id: string): Promise<ReportRecord | null>;
  sleep(ms: number): Promise<void>;
  now(): number;
  out: ProgressStream;
}

const ENDED = new Set(['SENT', 'CANCELED', 'REJECTED']);
const WINDOW_MS = 60_000;
const n = (x: number) => x.toLocaleString('en-US');

export interface WatchSample {
  at: string;
  status: string;
  sent: number;
  audience: number;
  perSecond: number | null;
  etaSeconds: number | null;
  bounced: number;
  complained: number;
  /** The canary (phase, sample size and numbers, `until`), when the report has one. */
  canary?: CanaryView;
}

export async function watchReport(
  deps: WatchDeps,
  id: string,
  opts: { intervalMs: number; json?: boolean },
): Promise<number> {
  const m = cliTexts[cliLang()].watch;
  const samples: { t: number; sent: number }[] = [];
  for (;;) {
    const r = await deps.get(id);
    if (!r) return 1;
    const t = deps.now();
    samples.push({ t, sent: r.counts.sent });
    while (samples.length > 2 && t - samples[0]!.t > WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const dt = (t - first.t) / 1000;
    const perSecond = samples.length > 1 && dt > 0 ? (r.counts.sent - first.sent) / dt : null;
    const left = Math.max(0, r.counts.audience - r.counts.sent);
    const etaSeconds = r.status === 'SENDING' && perSecond && perSecond > 0 ? left / perSecond : null;
    const sample: WatchSample = {
      at: new Date(t).toISOString(),
      status: r.status,
      sent: r.counts.sent,
      audience: r.counts.audience,
      perSecond,
      etaSeconds,
      bounced: r.counts.bounced,
      complained: r.counts.complained,
    };
    const canary = canaryView(r);
    if (canary) sample.canary = canary;
    const ended = ENDED.has(r.status);
    if (opts.json) deps.out.write(`${JSON.stringify(sample)}\n`);
    else {
      const pct = r.counts.audience ? ` (${Math.floor((100 * r.counts.sent) / r.counts.audience)}%)` : '';
      let line = m.line({
        status: r.status,
        sent: n(r.counts.sent),
        audience: n(r.counts.audience),
        pct,
        rate: perSecond === null ? '-' : m.rate(formatRate(perSecond)),
        eta: etaSeconds === null ? '' : m.eta(formatDuration(etaSeconds)),
        bounced: n(r.counts.bounced),
        complained: n(r.counts.complained),
      });
      // An empty rate or ETA leaves no gap.
      line = line.replace(/ {3,}/g, '  ');
      if (r.status === 'PAUSED') line += `  ${m.paused(r.pauseReason ?? '')}`;
      else if (canary?.phase === 'sending' || canary?.phase === 'waiting') line += `  ${canaryText(canary)}`;
      if (deps.out.isTTY) {
        const ratio = r.counts.audience ? Math.min(1, r.counts.sent / r.counts.audience) : 0;
        const bar = `[${'█'.repeat(Math.round(ratio * 20)).padEnd(20, '░')}]`;
        deps.out.write(`\r\x1b[2K${bar} ${line}${ended ? '\n' : ''}`);
      } else {
        const clock = new Date(t).toLocaleTimeString('sv-SE', { timeZone: 'Asia/Tokyo' });
        deps.out.write(`${clock}  ${line}\n`);
      }
      if (ended) deps.out.write(`${m.ended(r.status)}\n`);
    }
    if (ended) return 0;
    await deps.sleep(opts.intervalMs);
  }
}
