/**
 * In-process sending for the hand-over and shared-rate tests: each request's admission recorded
 * on the virtual clock the pacer reads, and fan-out workers that run in this process as runPart
 * does locally (each part's next run at once while its readers are left).
 */
import { putSubscribers, seedReport, subscriber } from './audience.ts';
import { dispatchSetup } from './dispatch-setup.ts';
import type { TestStack } from './stack.ts';
import type { VirtualClock } from './virtual-clock.ts';
import { HANDOVER_SKEW_MS, WINDOW_MS } from '../../functions/core/hand-over.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import type { Subscriber } from '../../functions/core/subscriber.ts';
import { sendPart } from '../../functions/core/use-cases/fan-out.ts';
import type { PartStore, PartTask } from '../../functions/core/use-cases/fan-out-ports.ts';

let runs = 0;
export const owner = () => `hand-over-${++runs}`;
/** A finished part's share goes to the others this long after its finish (rate-shares.ts freedParts). */
export const FREED_AFTER_MS = WINDOW_MS + 2 * HANDOVER_SKEW_MS;

/** Short runs: several hand-overs in a few virtual seconds. */
export const BUDGET_MS = 1_500;

export const quota14 = {
  getQuota: async () => ({
    maxSendRate: 14,
    max24HourSend: 1_000_000,
    sentLast24Hours: 0,
    sendingEnabled: true,
  }),
};

/** `real` with each request's admission recorded (virtual time) when the mailer's last middleware is let through. */
export function recording(real: Mailer, clock: VirtualClock, into: number[]): Mailer {
  return {
    send: (message, opts) =>
      real.send(message, {
        ...opts,
        admit: () => {
          const later = opts?.admit ? opts.admit() : 0;
          if (later === 0) into.push(clock.now().getTime());
          return later;
        },
      }),
  };
}

/**
 * Workers that run in this process, as runPart does locally: each part's next run at once while
 * its readers are left. Each part's admissions are recorded (into `shared` when given), and its
 * chained runs counted.
 */
export function inProcessWorkers(
  s: ReturnType<typeof dispatchSetup>,
  parts: PartStore,
  budgetMs: number,
  shared?: number[],
) {
  const byPart = new Map<number, number[]>();
  const chained = new Map<number, number>();
  const launcher = {
    async launch(task: PartTask) {
      const mine = shared ?? [];
      byPart.set(task.part, mine);
      const deps = { ...s.deps, mailer: recording(s.deps.mailer, s.clock, mine), parts, launcher };
      for (;;) {
        const out = await sendPart(deps, s.settings, task, { owner: owner(), budgetMs });
        if (out.outcome !== 'continues') return;
        chained.set(task.part, (chained.get(task.part) ?? 0) + 1);
      }
    },
  };
  return { launcher, byPart, chained };
}

/**
 * A report to confirmed readers in two parts of the given sizes (shards 0–7, 8–15), without a
 * canary, dispatched at 14/s by up to two workers of 7/s each.
 */
export async function twoPartSend(stack: TestStack, sizes: [number, number]) {
  const inShards = (n: number, from: number, to: number) => {
    const subs: Subscriber[] = [];
    for (let i = 0; subs.length < n; i++) {
      const s = subscriber(stack.address(`w${from}-${i}`));
      if (s.shard >= from && s.shard < to) subs.push(s);
    }
    return subs;
  };
  const byPart = [inShards(sizes[0], 0, 8), inShards(sizes[1], 8, 16)];
  await putSubscribers(stack, byPart.flat());
  const report = await seedReport(stack, { extra: { canaryRequested: false } });
  const s = dispatchSetup(
    stack,
    { quota: quota14 },
    { concurrency: 8, pageSize: 8, maxWorkers: 2, workerRate: 7 },
  );
  return { subs: byPart.flat(), byPart, report, s };
}
