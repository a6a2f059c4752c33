/**
 * Child-process entry for the send-rate bench: the real dispatch handler (functions/dispatch.ts)
 * invoked on a scheduled event until report argv[2] is SENT, as the schedule (and the chain of
 * runs, where there is one) would. Prints one JSON line: the process's CPU milliseconds spent
 * loading its modules and over the invocations, a sample of its CPU clock (epoch ms, CPU ms) at
 * its start, at newsletters' requests (at most one every 100 ms) and at its end, so that the parent can tell start-up
 * from steady state, each DynamoDB transaction's
 * time, when each newsletter's request was created, when each run released its lease, the invocations, and the most workers a run reported. Its environment (emulator endpoints with the latency proxy for
 * SES, function settings) comes from the parent.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { dynamo } from '../functions/adapters/aws/dynamo.ts';
import { sesv2Sending } from '../functions/adapters/aws/sesv2-sending.ts';
import { whenWritten } from '../functions/adapters/aws/lean/signed-request.ts';
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

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const epochMs = () => performance.timeOrigin + performance.now();
// The static imports above have run: what the process used so far is start-up (Node and the modules).
const cpu0 = process.cpuUsage();
const samples: [number, number][] = [];
const SAMPLE_EVERY_MS = 100;
const sample = () => samples.push([epochMs(), cpuMs(process.cpuUsage(cpu0))]);
sample();
// How long each transaction (claims with marks, checkpoints) takes at DynamoDB Local: a run
// claims its next rows while the last ones are sent, so this is what can starve it.
const transactions: number[] = [];
for (const op of ['transactWrite', 'transactGet'] as const) {
  const real = dynamo[op].bind(dynamo) as (input: unknown) => Promise<never>;
  dynamo[op] = async (input: unknown) => {
    const started = performance.now();
    try {
      return await real(input);
    } finally {
      transactions.push(performance.now() - started);
    }
  };
}
// When each run released its lease: where the next run takes over (its pacer starting from the
// admissions saved with that release).
const releases: number[] = [];
{
  const update = dynamo.update.bind(dynamo);
  dynamo.update = (input) => {
    const expression = input.UpdateExpression ?? '';
    if (expression.includes('REMOVE leaseOwner, leaseUntil') && !expression.includes('#status'))
      releases.push(epochMs());
    return update(input);
  };
}
// When each newsletter's request was in the kernel (the sending client's user agent tells them from
// the editors' notice), told as the pacer is told (`whenWritten`): where the pacer counts it (the
// request's creation was up to 7 ms earlier at 100/s); the proxy's arrivals add the kernel and the
// proxy's own loop.
const written: number[] = [];
// A SendBulkEmail's readers, in the order their requests are created: its admission returns 0
// and the request is created in the same synchronous step (ses-mailer.ts), so the next bulk
// request created is the one admitted last.
const bulkReaders: number[] = [];
{
  const real = sesv2Sending.sendBulkEmail.bind(sesv2Sending);
  sesv2Sending.sendBulkEmail = (input, options) => {
    const readers = input.BulkEmailEntries?.length ?? 0;
    const admit = options?.beforeWrite;
    const counted = () => {
      const wait = admit?.();
      if (wait === 0 || wait === undefined) bulkReaders.push(readers);
      return wait;
    };
    return real(input, { ...options, beforeWrite: counted });
  };
}
diagnostics.subscribe('http.client.request.start', (message) => {
  const request = (message as { request: ClientRequest }).request;
  const bulk = request.method === 'POST' && request.path.startsWith('/v2/email/outbound-bulk-emails');
  const newsletter =
    bulk || (request.method === 'POST' && request.path.startsWith('/v2/email/outbound-emails'));
  // The sending client also creates and deletes the newsletters' templates: not sends.
  if (newsletter && String(request.getHeader('user-agent') ?? '').includes('kawaraban-dispatch')) {
    const now = epochMs();
    const readers = bulk ? (bulkReaders.shift() ?? 1) : 1;
    whenWritten(request, () => {
      const at = epochMs();
      for (let i = 0; i < readers; i++) written.push(at);
    });
    // The CPU clock is read where the process is awake anyway: a timer of its own (one every
    // 100 ms before) added ten wake-ups a second to the dispatcher's ~40 at 14/s. And at most
    // every 100 ms: each read (getrusage, just after a wake-up) took 36–61 µs here, 3–6 % of
    // what it measured at 100/s when it was read at every request.
    if (now - samples.at(-1)![0] >= SAMPLE_EVERY_MS) sample();
  }
});
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
sample();
process.stdout.write(
  `${JSON.stringify({
    loadCpuMs: cpuMs(cpu0),
    cpuMs: cpuMs(process.cpuUsage(cpu0)),
    samples,
    transactions,
    written,
    releases,
    wallMs: performance.now() - t0,
    invocations,
    workers,
    sent,
    chained,
  })}\n`,
);
process.exit(0);
