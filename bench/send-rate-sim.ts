/**
 * `npm run bench -- --only send-sim`: a virtual-clock simulation of a send on AWS, running the
 * real sending code — dispatchDue, the fan-out (launchParts, sendPart, rateShare), SendRun with its
 * pacer, in-flight window, back-off and deadlines, and the handlers' chaining — against the
 * in-memory ports of test/helpers/ whose every call takes modelled time on a VirtualScheduler.
 * It is a model of AWS, not a measurement: CPU costs nothing in virtual time (each Lambda has
 * its own core), and the latencies are the figures below.
 *
 * 1. Ports: memorySending's ledger, audience, reports and blobs, MemoryParts, a mailer that asks
 *    the pacer's admission and answers after SES's latency (throttling, like SES, any send over
 *    MaxSendRate in a one-second window), GetAccount; each wrapped so a call takes its latency
 *    (half before its effect, half after).
 * 2. Lambda: the dispatcher ticks every minute (one at a time, reserved concurrency 1); a run
 *    that ends with readers left invokes itself; the dispatcher launches workers with an
 *    asynchronous invoke; a worker chains its next run as dispatch-worker.ts does. Every
 *    invocation starts `startMs` after it is queued.
 * 3. Measured on the virtual clock: admissions (busiest one-second window), the time from the
 *    first send to the last answer, runs and workers; and the simulation's own CPU.
 */
import { randomUUID } from 'node:crypto';
import { dispatchDue, type ReportRunSummary } from '../functions/core/use-cases/dispatch-due.ts';
import type { DispatchDeps, DispatchSettings } from '../functions/core/use-cases/dispatch-due.ts';
import type { PartTask, WorkerLauncher } from '../functions/core/use-cases/fan-out-ports.ts';
import { sendPart } from '../functions/core/use-cases/fan-out.ts';
import { memorySending } from '../test/helpers/memory-sending.ts';
import { MemoryParts } from '../test/helpers/memory-parts.ts';
import type { Range, SimLatencies } from './sim-latencies.ts';
import { busiestSecond, prng, SimMailer, timed } from './sim-ports.ts';
import { VirtualScheduler } from './virtual-scheduler.ts';

export type { Range, SimLatencies } from './sim-latencies.ts';
export { busiestSecond } from './sim-ports.ts';

/**
 * In-region on AWS (the figures the README states): SES as the bench's proxy (80 ± 40 ms);
 * DynamoDB's single-item calls in single-digit ms, a transaction of ~30–60 items (claims with
 * their condition checks, plus marks) 15–35 ms; S3 and GetAccount tens of ms; an asynchronous
 * invoke 20–60 ms; a run's start 0.5 s (the send-rate bench's measured time to first send).
 */
export const AWS_LATENCIES: SimLatencies = {
  ses: [40, 120],
  transact: [15, 35],
  write: [4, 10],
  read: [3, 8],
  query: [5, 15],
  fetch: [20, 50],
  invoke: [20, 60],
  startMs: 500,
};

/**
 * The send-rate bench's emulators on this machine (its measured transaction times at 14–100/s:
 * median 26–37 ms, p90 44–66), to check the simulation against the bench's measured shares.
 */
export const EMULATOR_LATENCIES: SimLatencies = {
  ses: [40, 120],
  transact: [15, 65],
  write: [5, 20],
  read: [3, 12],
  query: [8, 25],
  fetch: [5, 20],
  invoke: [50, 150],
  startMs: 500,
};

export interface SimOptions {
  rate: number;
  readers: number;
  latencies?: SimLatencies;
  /** A run's time budget (DISPATCH_BUDGET_MS on the stack). */
  budgetMs?: number;
  /** The stack's lease margin: function timeout 90 s − budget + 5 s. */
  leaseMarginMs?: number;
  tickMs?: number;
  settings?: Partial<DispatchSettings>;
  seed?: number;
}

export interface SimResult {
  rate: number;
  readers: number;
  sent: number;
  /** First admitted send → the report SENT (after the last answer and checkpoint), virtual ms. */
  sendingMs: number;
  /** First tick → report SENT, virtual ms. */
  totalMs: number;
  /** Sends per second between the first and the last admission, ÷ MaxSendRate. */
  share: number;
  busiest: number;
  throttled: number;
  workers: number;
  runs: number;
  /** Ledger rows left claimed (must be 0). */
  leftClaimed: number;
  /** SendEmail calls SES accepted beyond one per reader (none without a crash). */
  duplicates: number;
  cpuMs: number;
  wallMs: number;
}

export async function simulateSend(opts: SimOptions): Promise<SimResult> {
  const lat = opts.latencies ?? AWS_LATENCIES;
  const budgetMs = opts.budgetMs ?? 50_000;
  const tickMs = opts.tickMs ?? 60_000;
  const random = prng(opts.seed ?? 1);
  const pick = (r: Range) => r[0] + random() * (r[1] - r[0]);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const sched = new VirtualScheduler();
  const mem = memorySending(opts.readers, {
    concurrency: 32,
    dailyHeadroom: 100,
    leaseMarginMs: opts.leaseMarginMs ?? 45_000,
    maxWorkers: 8,
    workerRate: 150,
    pageSize: 100,
    ...opts.settings,
  });
  mem.ledger.recordHeld = false;
  mem.reports.record.status = 'SCHEDULED';
  const mailer = new SimMailer(sched, () => pick(lat.ses), opts.rate);
  const parts = new MemoryParts(mem.reports);
  const { transact, write, read, query, fetch } = lat;
  // As dynamo-audience.ts counts: the 16 shards at once, each 1 MB page of the index (~2,000
  // items of ~500 B) one after another, 20–60 ms a page.
  const countByShard = async () => {
    const pages = Math.max(1, Math.ceil(opts.readers / 16 / 2_000));
    for (let p = 0; p < pages; p++) await sched.sleep(pick([20, 60]));
    return mem.audience.countConfirmedByShard();
  };
  const deps: DispatchDeps = {
    ...mem.deps,
    clock: sched,
    sleeper: sched,
    stopwatch: sched.stopwatch,
    mailer,
    ledger: timed(mem.ledger, sched, pick, {
      claimAll: transact,
      takeOver: transact,
      markSent: transact,
      markFailed: write,
      release: write,
      get: read,
    }),
    audience: timed(
      Object.assign(Object.create(mem.audience) as typeof mem.audience, {
        countConfirmed: async () => (await countByShard()).reduce((a, b) => a + b, 0),
        countConfirmedByShard: () => countByShard(),
      }),
      sched,
      pick,
      { page: query },
    ),
    reports: timed(mem.reports, sched, pick, {
      get: read,
      gate: read,
      findDue: query,
      acquireLease: write,
      releaseLease: write,
      beginSending: write,
      checkpoint: transact,
      finish: write,
      pause: transact,
      recordFailedRun: write,
    }),
    blobs: timed(mem.deps.blobs, sched, pick, { getText: fetch }),
    quota: timed(
      {
        getQuota: async () => ({
          maxSendRate: opts.rate,
          max24HourSend: 100_000_000,
          sentLast24Hours: 0,
          sendingEnabled: true,
        }),
      },
      sched,
      pick,
      { getQuota: fetch },
    ),
    // Few confirmations: the reserve is its floor, 1/s.
    confirmations: timed(
      { record: async () => undefined, recent: async () => ({ peakPerSecond: 0, last24h: 0 }) },
      sched,
      pick,
      { recent: read },
    ),
  };
  const partStore = timed(parts, sched, pick, {
    split: transact,
    list: query,
    lease: write,
    release: write,
    checkpoint: transact,
    finishPart: transact,
    finishReport: write,
    pauseReport: transact,
  });

  let runs = 0;
  let workers = 1;
  const live = new Set<Promise<void>>();
  const errors: unknown[] = [];
  const spawn = (work: () => Promise<void>) => {
    const p = work().catch((e: unknown) => void errors.push(e));
    live.add(p);
    void p.finally(() => live.delete(p));
  };
  const invoke = (handler: () => Promise<void>) => async () => {
    await sched.sleep(pick(lat.invoke));
    spawn(async () => {
      await sched.sleep(lat.startMs);
      await handler();
    });
  };
  // dispatch-worker.ts: one run over the part, and the next at once when readers are left.
  const worker = (task: PartTask): (() => Promise<void>) =>
    async function workerRun() {
      runs++;
      const tally: ReportRunSummary = await sendPart(
        { ...deps, parts: partStore, launcher: { launch: async () => undefined } },
        mem.settings,
        task,
        { owner: randomUUID(), budgetMs },
      );
      if (tally.outcome === 'continues') await invoke(workerRun)();
    };
  const launcher: WorkerLauncher = { launch: (task) => invoke(worker(task))() };
  // dispatch.ts: one dispatchDue; a report it sent alone with readers left chains the next run.
  let dispatching = false;
  const dispatcher = async (): Promise<void> => {
    dispatching = true;
    try {
      const summary = await dispatchDue({ ...deps, fanOut: { parts: partStore, launcher } }, mem.settings, {
        owner: randomUUID(),
        budgetMs,
      });
      for (const r of summary.reports) {
        workers = Math.max(workers, r.workers ?? 1);
        if (r.workers === undefined && r.outcome !== 'busy') runs++;
      }
      if (summary.reports.some((r) => r.outcome === 'continues' && r.workers === undefined))
        await invoke(dispatcher)();
    } finally {
      dispatching = false;
    }
  };
  const done = () => !['SCHEDULED', 'SENDING'].includes(mem.reports.record.status);

  const startedAt = sched.stopwatch();
  await sched.run(async () => {
    // The schedule: a tick a minute while the report is due; a tick while a run is going is throttled.
    spawn(async () => {
      for (;;) {
        if (!dispatching) await invoke(dispatcher)();
        await sched.sleep(tickMs);
        if (done()) return;
      }
    });
    while (!done()) await sched.sleep(1000);
    while (live.size) await Promise.all([...live]);
  });
  if (errors.length) throw errors[0];
  // When the report became SENT (its completedAt), on the stopwatch's scale.
  const completedAt = (mem.reports.record as { completedAt?: string }).completedAt;
  const sentAt =
    sched.stopwatch() - (sched.now().getTime() - Date.parse(completedAt ?? sched.now().toISOString()));
  const times = mailer.admissions;
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  let leftClaimed = 0;
  for (const row of mem.ledger.rows.values()) if (row.state === 'claimed') leftClaimed++;
  const cpu = process.cpuUsage(cpu0);
  return {
    rate: opts.rate,
    readers: opts.readers,
    sent: mem.reports.record.counts.sent,
    sendingMs: sentAt - first,
    totalMs: sentAt - startedAt,
    share: times.length > 1 ? (times.length - 1) / ((last - first) / 1000) / opts.rate : 0,
    busiest: busiestSecond(times),
    throttled: mailer.throttled,
    workers: Math.max(workers, parts.parts.length),
    runs,
    leftClaimed,
    duplicates: mailer.count - mailer.throttled - mem.audience.recipients.length,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wall0,
  };
}
