/** The printed table: one block per case, baseline and ours rows, then the ratio row. */
import type { CaseResult } from './runner.ts';

const group = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatMs(ms: number): string {
  if (ms >= 100) return `${group(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  const us = ms * 1000;
  if (us >= 100) return `${us.toFixed(0)} µs`;
  if (us >= 1) return `${us.toFixed(1)} µs`;
  return `${(us * 1000).toFixed(0)} ns`;
}

/** A range in one unit: "2,380–2,520 ms". */
function formatMsRange(lo: number, hi: number): string {
  const a = formatMs(lo).split(' ');
  const b = formatMs(hi).split(' ');
  return a[1] === b[1] ? `${a[0]}–${b[0]} ${b[1]}` : `${formatMs(lo)}–${formatMs(hi)}`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? group(perSecond) : perSecond.toFixed(1);
}

export function formatRatio(r: number): string {
  if (r >= 10) return `${r.toFixed(1)}×`;
  if (r >= 0.1) return `${r.toFixed(2)}×`;
  return `${r.toPrecision(2)}×`;
}

type Row = { title: string } | { cells: string[] };

export function formatTable(results: readonly CaseResult[]): string {
  const rows: Row[] = [{ cells: ['', 'median', 'min–max', 'per item', 'items/s'] }];
  for (const r of results) {
    rows.push({ title: `${r.title}  [${group(r.items)} ${r.unit}s × ${r.ratio.n} rounds]` });
    for (const [tag, v] of [
      ['baseline', r.baseline],
      ['ours', r.ours],
    ] as const) {
      const m = v.ms;
      rows.push({
        cells: [
          `  ${tag.padEnd(9)}${v.label}`,
          formatMs(m.median),
          formatMsRange(m.min, m.max),
          formatMs(m.median / r.items),
          formatRate((r.items * 1000) / m.median),
        ],
      });
    }
    rows.push({
      cells: [
        `  ${'ratio'.padEnd(9)}baseline time ÷ ours (>1: ours faster)`,
        formatRatio(r.ratio.median),
        `${formatRatio(r.ratio.min)}–${formatRatio(r.ratio.max)}`,
        '',
        '',
      ],
    });
    for (const note of r.notes) rows.push({ title: `  ${note}` });
  }
  const cellRows = rows.filter((x): x is { cells: string[] } => 'cells' in x);
  const widths = cellRows[0]!.cells.map((_, i) => Math.max(...cellRows.map((x) => [...x.cells[i]!].length)));
  return rows
    .map((row) => {
      if ('title' in row) return row.title;
      return row.cells
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('   ')
        .trimEnd();
    })
    .join('\n');
}
