/**
 * A finished part's share taken up by another worker (rate-shares.ts freedParts, SendPacer.raise):
 * two workers' pacers on one virtual timeline, the second finishing early; the first raises its
 * rate as a run does at each read of the report. What is checked is the admission times of both
 * together: no sliding second above the total, before, across and after the moment the share moved.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../bench/virtual-scheduler.ts';
import { HANDOVER_SKEW_MS, WINDOW_MS } from '../../functions/core/hand-over.ts';
import { InFlightWindow } from '../../functions/core/in-flight.ts';
import { SendPacer } from '../../functions/core/pacing.ts';
import { freedParts, weightedShare } from '../../functions/core/rate-shares.ts';
import { busiest } from '../helpers/windows.ts';

/** One send as a run makes it: planned, then admitted right before its write. */
async function send(pacer: SendPacer, clock: VirtualScheduler, into: number[]): Promise<void> {
  await pacer.wait(clock);
  const gate = pacer.gate(clock);
  for (let later = gate.admit(); later !== 0; later = gate.admit()) await later;
  gate.done();
  into.push(clock.now().getTime());
}

interface Case {
  total: number;
  weights: [number, number];
  /** Sends of the part that finishes first (part 1), and of the one that goes on (part 0). */
  small: number;
  big: number;
  /** From the small part's last send to its recorded finish (its last answer, the write). */
  finishAfter: number;
  /** How long after its finish the share may be taken up (the production rule: freedParts). */
  rule: 'freed' | 'at-once';
}

async function twoWorkers(c: Case) {
  const clock = new VirtualScheduler();
  const big: number[] = [];
  const small: number[] = [];
  let finishedAt: number | undefined;
  let raisedAt: number | undefined;
  await clock.run(async () => {
    const pacers = [0, 1].map((k) => new SendPacer(weightedShare(c.total, c.weights, k), clock));
    const bigRun = async () => {
      for (let i = 0; i < c.big; i++) {
        // As a run's claim phase reads the report: the finished parts, then its share now.
        if (finishedAt !== undefined && raisedAt === undefined) {
          const now = clock.now().getTime();
          const finished = [{ part: 1, at: new Date(finishedAt).toISOString() }];
          const freed =
            c.rule === 'freed' ? freedParts(finished, now, WINDOW_MS, HANDOVER_SKEW_MS) : new Set([1]);
          const share = weightedShare(c.total, c.weights, 0, freed);
          if (freed.size) {
            pacers[0]!.raise(share);
            raisedAt = now;
          }
        }
        await send(pacers[0]!, clock, big);
      }
    };
    const smallRun = async () => {
      for (let i = 0; i < c.small; i++) await send(pacers[1]!, clock, small);
      await clock.sleep(c.finishAfter);
      finishedAt = clock.now().getTime();
    };
    await Promise.all([bigRun(), smallRun()]);
  });
  return { big, small, raisedAt };
}

describe("a finished part's share", () => {
  it('taken up a window after the finish: never above the total; at once: above it', async () => {
    const base = { total: 14, weights: [1, 1] as [number, number], small: 30, big: 120, finishAfter: 0 };
    const freed = await twoWorkers({ ...base, rule: 'freed' });
    expect(freed.raisedAt).toBeDefined();
    expect(busiest([...freed.big, ...freed.small])).toBeLessThanOrEqual(14);
    // The raise is real: the big part alone now fills the whole rate.
    expect(busiest(freed.big.filter((t) => t >= freed.raisedAt!))).toBe(14);
    // Taken up at the finish itself, the small part's last second and the raised rate overlap.
    const early = await twoWorkers({ ...base, rule: 'at-once' });
    expect(busiest([...early.big, ...early.small])).toBeGreaterThan(14);
  });

  it('raise never lowers a rate, and the in-flight window follows it', async () => {
    const clock = new VirtualScheduler();
    const at: number[] = [];
    await clock.run(async () => {
      const pacer = new SendPacer(7, clock);
      for (let i = 0; i < 21; i++) await send(pacer, clock, at);
      pacer.raise(3);
      for (let i = 0; i < 21; i++) await send(pacer, clock, at);
    });
    // Still 7 a second: a smaller limit would forget sends the window must count.
    expect(busiest(at.slice(14))).toBe(7);
    const w = new InFlightWindow(14, 64, 80);
    const before = w.target;
    w.raise(7);
    expect(w.target).toBe(before);
    w.raise(140);
    expect(w.target).toBeGreaterThan(before);
  });

  it('any total, weights and finish: the two together never pass the total in any second (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 60 }),
        fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 300 }),
        async (total, weights, small, finishAfter) => {
          const run = await twoWorkers({
            total,
            weights,
            small,
            big: 3 * total + small,
            finishAfter,
            rule: 'freed',
          });
          expect(busiest([...run.big, ...run.small])).toBeLessThanOrEqual(total);
          // Below one send a second each (total 2, weights…) the shares are fractions of the total.
          expect(busiest(run.small)).toBeLessThanOrEqual(Math.max(1, weightedShare(total, weights, 1)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
