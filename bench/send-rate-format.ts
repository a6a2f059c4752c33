/** The send-rate bench's tables, its request-to-arrival estimate, and its scaled model of 1,000,000 readers on this machine. */
import type { RateRow, SendRateResult } from './send-rate.ts';

/**
 * Scaled model: 1,000,000 readers at the rate measured at 500/s, times the duty cycle of the
 * runs. Runs that wait for the next minute's tick send `budget` seconds of each 60; runs that
 * chain the next one at once lose, per `budget` seconds, the chaining (a Lambda invocation,
 * ~0.1 s) and a run's start until its first send (measured here: quota, lease, rendered output,
 * first claim). Assumed: the rate measured over the bench's readers holds for the whole list
 * (no throttling, DynamoDB keeps up), and the 24-hour quota allows the million.
 */
export function oneMillion(row: RateRow, chained: boolean, budgetS = 50): { minutes: number; model: string } {
  const rate = row.achieved * row.rate;
  const gapS = 0.1 + Math.max(0, row.firstSendS);
  const duty = chained ? budgetS / (budgetS + gapS) : budgetS / 60;
  return {
    minutes: 1_000_000 / (rate * duty) / 60,
    model: chained
      ? `${rate.toFixed(0)}/s measured × ${budgetS} s runs chained at once, each losing ${gapS.toFixed(1)} s to start (0.1 s invocation + ${row.firstSendS.toFixed(1)} s measured to its first send)`
      : `${rate.toFixed(0)}/s measured × ${budgetS} s runs on the minute's tick`,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

export function formatSendRate(
  result: SendRateResult,
  opts: { latencyMs: number; jitterMs: number },
): string {
  const { rows: measured, warmups } = result;
  // The warm-ups first, labelled: what a cold DynamoDB Local gives.
  const rows = [...warmups.map((r, i) => ({ ...r, label: `${r.rate}/s warm-up ${i + 1}` })), ...measured];
  const rateOf = (r: RateRow & { label?: string }) => r.label ?? `${r.rate}/s`;
  const head = `send-rate: SES latency ${opts.latencyMs} ± ${opts.jitterMs} ms (loopback proxy in front of the SES emulator, in its own process${result.proxyRaised === 'normal' ? '' : ` at ${result.proxyRaised} priority`}); ${warmups.length ? `${warmups.length} unmeasured warm-up send(s) at the top rate first (DynamoDB Local's JIT warms up as DynamoDB on AWS always is)` : 'no warm-up: DynamoDB Local starts cold'}`;
  const lines = [
    head,
    '',
    '| MaxSendRate | readers (shards) | achieved ÷ MaxSendRate | busiest 1-s window at the proxy (as written) | dispatcher CPU ms / recipient, steady | all-in | start-up CPU ms (load + to first send) | workers | runs | wall s |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${rateOf(r)} | ${r.readers} (${r.shards}) | ${(100 * r.achieved).toFixed(1)} % | ${r.busiest} (${r.busiestWritten}) | ${r.cpu.steadyMsPerRecipient.toFixed(2)} | ${r.cpu.allInMsPerRecipient.toFixed(2)} | ${r.cpu.loadMs.toFixed(0)} + ${r.cpu.firstSendMs.toFixed(0)} | ${r.workers} | ${r.runs} | ${r.wallS.toFixed(1)} |`,
    ),
    '',
    'CPU while each case ran, as a share of one core (the machine has two, shared with anything else running):',
    '',
    '| MaxSendRate | dispatcher process | DynamoDB Local | SES emulator | bench process (latency proxy, s3rver) | DynamoDB transaction ms, median / p90 |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${rateOf(r)}, ${r.shape} | ${pct(r.dispatcherCores)} | ${pct(r.emulators.dynamo)} | ${pct(r.emulators.ses)} | ${pct(r.emulators.bench)} | ${r.transactionMs.median.toFixed(0)} / ${r.transactionMs.p90.toFixed(0)} |`,
    ),
  ];
  const at500 = measured.find((r) => r.rate === 500 && r.shape === 'spread');
  if (at500) {
    const m = oneMillion(at500, at500.chained);
    lines.push(
      '',
      `1,000,000 readers on 500/s, scaled model of this machine (not the simulation: ${m.model}): ${m.minutes.toFixed(1)} min from the first send`,
      'The virtual-clock simulation of the same send on AWS latencies is `npm run bench -- --only send-sim`.',
    );
  }
  return lines.join('\n');
}

/**
 * From each request's write in the dispatcher (handed to the kernel, where the pacer counts it)
 * to its arrival at the proxy (ms, median / p99 / most), pairing the k-th of each in time order:
 * SES counts arrivals, and what lies between (the kernel, the proxy's own event loop on two
 * shared cores) is what the pacer's guard must cover. Requests overtake one another now and
 * then, so this is an estimate, not a per-request measure.
 */
export function transit(written: readonly number[], arrivals: readonly number[]): string {
  const w = [...written].sort((a, b) => a - b);
  const a = [...arrivals].sort((x, y) => x - y);
  const d = w
    .slice(0, a.length)
    .map((t, k) => a[k]! - t)
    .sort((x, y) => x - y);
  if (d.length === 0) return 'not measured';
  const at = (q: number) => d[Math.min(d.length - 1, Math.floor(q * d.length))]!;
  return `${at(0.5).toFixed(1)} / ${at(0.99).toFixed(1)} / ${d.at(-1)!.toFixed(1)} ms (median / p99 / most)`;
}
