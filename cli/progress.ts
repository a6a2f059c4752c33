/**
 * Progress of a long command on stderr: on a terminal one bar redrawn in place
 * (`[██████░░░░] 45%  4,500/10,000 rows  480 rows/s  ETA 12s`), otherwise (a log, CI) one
 * plain line every `lineEveryMs`. Hand-written rather than cli-progress: ~60 lines, and the
 * clock and stream are injected, so tests check the numbers without waiting.
 */
import { cliLang } from './context.ts';
import { cliTexts } from './i18n/index.ts';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is counted, e.g. "rows" (already translated). */
  unit: string;
  total?: number;
  stream?: ProgressStream;
  now?: () => number;
  /** Non-TTY: at most one line this often (ms). */
  lineEveryMs?: number;
  /** TTY: at most one redraw this often (ms). */
  redrawEveryMs?: number;
  /** Nothing is shown for a command that finishes sooner (ms). */
  showAfterMs?: number;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** 7s, 4m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? n(perSecond) : perSecond.toFixed(1);
}

export class Progress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly started: number;
  private lastShown = Number.NEGATIVE_INFINITY;
  private done = 0;
  private drawn = false;
  private shown = false;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.now = opts.now ?? Date.now;
    this.started = this.now();
  }

  /** The line as it stands: count, percentage and bar (with a total), rate, ETA. */
  line(bar: boolean): string {
    const m = cliTexts[cliLang()].progress;
    const { total, unit } = this.opts;
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const parts: string[] = [];
    if (total) {
      const ratio = Math.min(1, this.done / total);
      if (bar) parts.push(`[${'█'.repeat(Math.round(ratio * 20)).padEnd(20, '░')}]`);
      parts.push(`${Math.floor(ratio * 100)}%`, `${n(this.done)}/${n(total)} ${unit}`);
    } else parts.push(`${n(this.done)} ${unit}`);
    if (rate > 0) parts.push(`${formatRate(rate)} ${unit}/s`);
    if (total && rate > 0 && this.done < total) parts.push(m.eta(formatDuration((total - this.done) / rate)));
    if (!total || this.done >= total) parts.push(m.elapsed(formatDuration(elapsed)));
    return parts.join('  ');
  }

  update(done: number): void {
    this.done = done;
    const t = this.now();
    if (t - this.started < (this.opts.showAfterMs ?? 2000)) return;
    this.shown = true;
    if (this.stream.isTTY) {
      if (t - this.lastShown < (this.opts.redrawEveryMs ?? 100)) return;
      this.stream.write(`\r\x1b[2K${this.line(true)}`);
      this.drawn = true;
    } else {
      if (t - this.lastShown < (this.opts.lineEveryMs ?? 10_000)) return;
      this.stream.write(`${this.line(false)}\n`);
    }
    this.lastShown = t;
  }

  /** The final state, ending the line; only if progress was shown or the command took long enough to want it. */
  finish(done = this.done): void {
    this.done = done;
    if (!this.shown && this.now() - this.started < (this.opts.showAfterMs ?? 2000)) return;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${this.line(true)}\n` : `${this.line(false)}\n`);
    this.drawn = false;
  }

  /** Clears a half-drawn bar before other output (an error) goes to the same terminal. */
  clear(): void {
    if (this.drawn && this.stream.isTTY) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
