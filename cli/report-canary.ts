/**
 * The canary as `report status` shows it (text, `--json`, `--watch`): its phase, the sample's
 * size, and the sample's sends, bounces and complaints with the time it is judged. Until the
 * verdict nobody but the sample has the report, so the report's own counts are the sample's;
 * after it, the counts the verdict was given on.
 */
import type { CanaryRecord, GuardWindow, ReportRecord } from '../functions/core/report.ts';
import { jst } from './columns.ts';
import { cliLang } from './context.ts';
import { cliTexts } from './i18n/index.ts';

export interface CanaryView extends CanaryRecord {
  /** The sample's sends, bounces and complaints (as judged, or so far). */
  sample: GuardWindow;
}

export function canaryView(r: ReportRecord): CanaryView | undefined {
  const c = r.canary;
  if (!c) return undefined;
  const { sent, bounced, complained } = r.counts;
  const sample =
    c.phase === 'skipped'
      ? { sent: 0, bounced: 0, complained: 0 }
      : (c.counts ?? { sent, bounced, complained });
  return { ...c, sample };
}

const n = (x: number) => x.toLocaleString('en-US');

/** One line in the CLI's language. */
export function canaryText(v: CanaryView): string {
  const m = cliTexts[cliLang()].canary;
  const s = { sent: n(v.sample.sent), bounced: n(v.sample.bounced), complained: n(v.sample.complained) };
  switch (v.phase) {
    case 'skipped':
      return v.skipped === 'small' ? m.small(n(v.audience)) : v.skipped === 'report' ? m.byReport : m.off;
    case 'sending':
      return m.sending(n(v.size ?? 0), s);
    case 'waiting':
      return m.waiting(v.until ? jst(v.until) : '-', n(v.size ?? 0), s);
    case 'judged':
      return v.verdict === 'failed'
        ? m.failed(v.judgedAt ? jst(v.judgedAt) : '-', s)
        : m.passed(v.judgedAt ? jst(v.judgedAt) : '-', s);
  }
}

/**
 * The report as `--json` prints it: the stored record (less the last run's admission times, the
 * next run's business), its canary with the sample's numbers.
 */
export function statusJson(
  r: ReportRecord,
): Omit<ReportRecord, 'canary' | 'recentSends'> & { canary?: CanaryView } {
  const { canary: _stored, recentSends: _sends, ...rest } = r;
  const canary = canaryView(r);
  return canary ? { ...rest, canary } : rest;
}
