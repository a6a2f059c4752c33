/**
 * Runs one benchmark case: warm-up rounds, then measured rounds in which the baseline and
 * ours each do the same work once, in alternating order (a shared machine's slow spell then
 * falls on both sides, not on one).
 */
import { performance } from 'node:perf_hooks';
import { pairedRatios, summarize, type Summary } from './stats.ts';

export interface Variant {
  label: string;
  /** Untimed preparation for one run (fresh report, emptied mailbox…). */
  prepare?(): Promise<void>;
  /** The timed work; returns how many items it handled (checked equal on both sides). */
  run(): Promise<number>;
}

export interface BenchCase {
  title: string;
  /** What one item is, for the per-item column: "recipient", "send", "report". */
  unit: string;
  baseline: Variant;
  ours: Variant;
  /** Called once the warm-up rounds are over: statistics the case keeps itself start here. */
  measuring?(): void;
  /** Extra lines printed under the case after its rounds (e.g. where ours spends its time). */
  notes?(): string[];
  close?(): Promise<void>;
}

export interface RoundOptions {
  warmup: number;
  rounds: number;
}

export interface CaseResult {
  title: string;
  unit: string;
  items: number;
  baseline: { label: string; ms: Summary };
  ours: { label: string; ms: Summary };
  /** baseline ms ÷ ours ms, per round: above 1 means ours is faster. */
  ratio: Summary;
  notes: string[];
}

async function timed(v: Variant): Promise<{ ms: number; items: number }> {
  await v.prepare?.();
  const start = performance.now();
  const items = await v.run();
  return { ms: performance.now() - start, items };
}

export async function runCase(
  c: BenchCase,
  opts: RoundOptions,
  progress: (line: string) => void,
): Promise<CaseResult> {
  const base: number[] = [];
  const ours: number[] = [];
  let items = -1;
  const total = opts.warmup + opts.rounds;
  for (let round = 0; round < total; round++) {
    const warm = round < opts.warmup;
    if (round === opts.warmup) c.measuring?.();
    progress(
      `${c.title}: ${warm ? 'warm-up' : 'round'} ${warm ? round + 1 : round - opts.warmup + 1}/${warm ? opts.warmup : opts.rounds}`,
    );
    const order = round % 2 === 0 ? ([c.baseline, c.ours] as const) : ([c.ours, c.baseline] as const);
    const out = new Map<Variant, { ms: number; items: number }>();
    for (const v of order) out.set(v, await timed(v));
    const b = out.get(c.baseline)!;
    const o = out.get(c.ours)!;
    if (b.items !== o.items || b.items <= 0) {
      throw new Error(`${c.title}: baseline handled ${b.items} items, ours ${o.items}: not the same work`);
    }
    if (items >= 0 && b.items !== items)
      throw new Error(`${c.title}: item count changed between rounds (${items} → ${b.items})`);
    items = b.items;
    if (warm) continue;
    base.push(b.ms);
    ours.push(o.ms);
  }
  return {
    title: c.title,
    unit: c.unit,
    items,
    baseline: { label: c.baseline.label, ms: summarize(base) },
    ours: { label: c.ours.label, ms: summarize(ours) },
    ratio: summarize(pairedRatios(base, ours)),
    notes: c.notes?.() ?? [],
  };
}
