/**
 * How the CLI shows reports as plain text: `report status` as one `label  value` per line, and
 * `report list` as columns.
 */
import type { ReportRecord } from '../functions/core/report.ts';
import { jst } from './columns.ts';
import { canaryText, canaryView } from './report-canary.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** A plain, greppable block: one `label  value` per line. */
export function formatStatus(r: ReportRecord): string {
  const c = r.counts;
  const rows: [string, string | undefined][] = [
    ['report', r.reportId],
    ['title', r.title || undefined],
    ['status', r.status],
    ['sendAt', r.sendAt && `${r.sendAt} (${jst(r.sendAt)})`],
    ['started', r.startedAt],
    ['completed', r.completedAt],
    ['paused', r.pauseReason],
    ['uploadedBy', r.uploadedBy],
    [
      'approval',
      r.status === 'AWAITING_APPROVAL'
        ? `awaited from a second editor${r.uploadedBy ? ` (anyone but ${r.uploadedBy})` : ''}: npx kawaraban report approve ${r.reportId}`
        : r.approvedBy && `approved by ${r.approvedBy} at ${r.approvedAt}`,
    ],
    [
      'guardSince',
      r.guardSince &&
        `sent ${n(r.guardSince.sent)}, bounced ${n(r.guardSince.bounced)}, complained ${n(r.guardSince.complained)}`,
    ],
    ['canary', r.canary && canaryText(canaryView(r)!)],
    ['failedRuns', r.failedRuns ? String(r.failedRuns) : undefined],
    ['audience', n(c.audience)],
    ['sent', n(c.sent)],
    ['delivered', n(c.delivered)],
    ['bounced', n(c.bounced)],
    ['softBounced', n(c.softBounced)],
    ['complained', n(c.complained)],
    ['failed', n(c.failed)],
    ['source', r.sourceKey],
  ];
  const lines = rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k.padEnd(12)}${v}`);
  if (r.errors?.length) {
    lines.push(`errors      ${r.errors.length}`);
    for (const e of r.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  return lines.join('\n');
}

/** Plain columns: id, status, send time (JST), sent/audience, bounced, complained, title. */
export function formatReportList(reports: ReportRecord[]): string {
  const rows = reports.map((r) => [
    r.reportId,
    r.status,
    r.sendAt ? jst(r.sendAt) : '-',
    `${n(r.counts.sent)}/${n(r.counts.audience)}`,
    n(r.counts.bounced),
    n(r.counts.complained),
    r.title,
  ]);
  const head = ['report', 'status', 'sendAt', 'sent', 'bounced', 'complained', 'title'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // The title is last and not padded: Japanese text is wider than its length.
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
