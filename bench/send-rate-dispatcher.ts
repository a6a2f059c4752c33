/**
 * Child-process entry for the send-rate bench: the real dispatch handler (functions/dispatch.ts)
 * invoked on a scheduled event until report argv[2] is SENT, as the schedule (and the chain of
 * runs, where there is one) would. Prints one JSON line: the process's CPU milliseconds over the
 * invocations (module loading excluded), the invocations, and the most workers a run reported.
 * Its environment (emulator endpoints with the latency proxy for SES, function settings) comes
 * from the parent.
 */
import { performance } from 'node:perf_hooks';
import { handler } from '../functions/dispatch.ts';
import { benchContext, scheduledEvent } from './lambda-invocation.ts';

const reportId = process.argv[2];
if (!reportId) {
  process.stderr.write('send-rate-dispatcher: which report?\n');
  process.exit(2);
}

interface Summary {
  reports: { reportId: string; outcome: string; sent: number }[];
  workers?: number;
  /** Set by a dispatcher that starts the next run at once when readers are left. */
  chained?: boolean;
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let invocations = 0;
let workers = 1;
let sent = 0;
let chained = false;
for (;;) {
  const summary = (await handler(scheduledEvent, benchContext(90_000))) as unknown as Summary;
  invocations++;
  workers = Math.max(workers, summary.workers ?? 1);
  // A dispatcher that reports `chained` starts the next run at once when readers are left.
  chained ||= summary.chained !== undefined;
  const mine = summary.reports.find((r) => r.reportId === reportId);
  sent += mine?.sent ?? 0;
  if (mine?.outcome === 'sent') break;
  if (mine && !['continues', 'busy'].includes(mine.outcome)) {
    process.stderr.write(`report ${reportId} ended ${mine.outcome}\n`);
    process.exit(1);
  }
  if (invocations > 200) {
    process.stderr.write(`report ${reportId} not sent after 200 invocations\n`);
    process.exit(1);
  }
}
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, invocations, workers, sent, chained })}\n`,
);
process.exit(0);
