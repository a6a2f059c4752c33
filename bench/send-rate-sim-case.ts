/**
 * The send-sim bench case: the simulation (send-rate-sim.ts) for 1,000,000 readers on a 500/s
 * account and 10,000 readers on 14/s and 100/s with AWS latencies, then the send-rate bench's
 * own sizes with the emulators' latencies, to compare with what that bench measures. Prints one
 * table; no emulators are started.
 */
import { AWS_LATENCIES, EMULATOR_LATENCIES, simulateSend, type SimResult } from './send-rate-sim.ts';
import { LATENCY_NAMES, type Range, type SimLatencies } from './sim-latencies.ts';

export interface SimCaseOptions {
  /** Readers of the 500/s case (default 1,000,000). */
  readers: number;
  /** Overrides of the AWS latencies. */
  latencies: Partial<SimLatencies>;
  /** Also the emulators' cases and the 14/s and 100/s ones. */
  all: boolean;
  progress: (line: string) => void;
}

const range = (r: Range | number) => (typeof r === 'number' ? `${r}` : `${r[0]}–${r[1]}`);

export function describeLatencies(l: SimLatencies): string {
  return (Object.keys(LATENCY_NAMES) as (keyof SimLatencies)[])
    .map((k) => `${LATENCY_NAMES[k]} ${range(l[k])}`)
    .join(', ');
}

interface SimRow extends SimResult {
  label: string;
}

export async function sendSimCase(opts: SimCaseOptions): Promise<string> {
  const aws = { ...AWS_LATENCIES, ...opts.latencies };
  const cases: { label: string; rate: number; readers: number; latencies: SimLatencies }[] = [
    { label: 'AWS', rate: 500, readers: opts.readers, latencies: aws },
  ];
  if (opts.all)
    cases.push(
      { label: 'AWS', rate: 14, readers: 10_000, latencies: aws },
      { label: 'AWS', rate: 100, readers: 10_000, latencies: aws },
      // The send-rate bench's sizes (8 s of sending) on its emulators' latencies.
      { label: 'emulators', rate: 14, readers: 112, latencies: EMULATOR_LATENCIES },
      { label: 'emulators', rate: 100, readers: 800, latencies: EMULATOR_LATENCIES },
      { label: 'emulators', rate: 500, readers: 4_000, latencies: EMULATOR_LATENCIES },
    );
  const rows: SimRow[] = [];
  for (const c of cases) {
    opts.progress(
      `send-sim: ${c.readers.toLocaleString('en-US')} readers on ${c.rate}/s (${c.label} latencies)`,
    );
    rows.push({ label: c.label, ...(await simulateSend(c)) });
  }
  return formatSim(rows, aws);
}

/** Minutes, or seconds below two minutes. */
const minutes = (ms: number) =>
  ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;

export function formatSim(rows: SimRow[], aws: SimLatencies): string {
  const lines = [
    'send-sim: a virtual-clock simulation — a model of AWS, not a measurement. The real dispatcher, fan-out',
    'and SendRun code (pacer, window, back-off, deadlines, chaining) runs on in-memory ports whose every call',
    'takes a modelled latency on a virtual clock; CPU takes no virtual time (each Lambda has its own core).',
    `AWS latencies, ms (uniform): ${describeLatencies(aws)}.`,
    `Emulator latencies, ms: ${describeLatencies(EMULATOR_LATENCIES)}.`,
    '',
    '| latencies | MaxSendRate | readers | time to finish, from the first send | achieved ÷ MaxSendRate | busiest 1-s window of admitted sends | throttled | workers | runs | simulation CPU s | wall s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.rate}/s | ${r.readers.toLocaleString('en-US')} | ${minutes(r.sendingMs)} | ${(100 * r.share).toFixed(1)} % | ${r.busiest} | ${r.throttled} | ${r.workers} | ${r.runs} | ${(r.cpuMs / 1000).toFixed(1)} | ${(r.wallMs / 1000).toFixed(1)} |`,
    ),
  ];
  const bad = rows.filter((r) => r.sent !== r.readers || r.leftClaimed > 0 || r.duplicates !== 0);
  for (const r of bad)
    lines.push(
      `! ${r.rate}/s: ${r.sent} of ${r.readers} counted sent, ${r.leftClaimed} ledger rows left claimed, ${r.duplicates} accepted sends beyond one per reader`,
    );
  const big = rows[0];
  if (big)
    lines.push(
      '',
      `${big.readers.toLocaleString('en-US')} readers on ${big.rate}/s (simulated, AWS latencies): ${minutes(big.sendingMs)} from the first send (${minutes(big.totalMs)} from the first tick)`,
    );
  return lines.join('\n');
}
