/**
 * The hand-over between two runs on one lane (functions/core/hand-over.ts): the new run's pacer
 * starts from the last run's admissions, so every sliding second across the boundary holds at most
 * the share. Time is virtual; what is checked is the recorded admission times, never durations.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HANDOVER_SKEW_MS, HandOver } from '../../functions/core/hand-over.ts';
import { SendPacer, WINDOW_GUARD_MS } from '../../functions/core/pacing.ts';
import type { Clock } from '../../functions/core/ports.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';
import { busiest } from '../helpers/windows.ts';

const WINDOW = 1000 + WINDOW_GUARD_MS;

/** A clock `offset` ms ahead of `real` (another Lambda instance's). */
const skewed = (real: VirtualClock, offset: number): Clock => ({
  now: () => new Date(real.now().getTime() + offset),
});

/**
 * `n` sends through `pacer` as a run does (plan, then admission right before the write), each
 * `gap` ms after the last was admitted; returns the admission times on `real`'s clock.
 */
async function sendThrough(pacer: SendPacer, real: VirtualClock, n: number, gap = 0): Promise<number[]> {
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    real.advance(gap);
    await pacer.wait(real);
    const g = pacer.gate(real);
    for (let later = g.admit(); later !== 0; later = g.admit()) await later;
    g.done();
    at.push(real.now().getTime());
  }
  return at;
}

/** The old run at `oldRate` sends `n`, then hands over after `pause` ms to a run at `newRate`. */
async function handOver(opts: {
  oldRate: number;
  newRate: number;
  n: number;
  pause: number;
  gap?: number;
  seeded: boolean;
}): Promise<{ old: number[]; next: number[]; start: number }> {
  const clock = new VirtualClock();
  const lane = new HandOver();
  const first = new SendPacer(opts.oldRate, clock);
  lane.start(first, clock.now().getTime());
  const old = await sendThrough(first, clock, opts.n, opts.gap);
  clock.advance(opts.pause);
  // What the release saves, and the next run reads with its lease.
  const saved = lane.recent(clock.now().getTime());
  const next = new SendPacer(opts.newRate, clock);
  const start = clock.now().getTime();
  if (opts.seeded) new HandOver(saved).start(next, start);
  return { old, next: await sendThrough(next, clock, 40), start };
}

describe('SendPacer.seed: the second that spans two runs', () => {
  it('a full last second: the new run waits for it, and no second across the boundary holds more than the share', async () => {
    // The old run ends with 13 sends in its last window and hands over at once.
    const full = await handOver({ oldRate: 13, newRate: 13, n: 40, pause: 0, seeded: true });
    expect(busiest([...full.old, ...full.next])).toBe(13);
    // Its first send comes one window (and the skew guard) after the 13th-last of the old run.
    expect(full.next[0]).toBe(full.old.at(-13)! + WINDOW + HANDOVER_SKEW_MS);
    // 150 ms later (a run's start, as measured) one slot is free: the new run sends at once.
    const later = await handOver({ oldRate: 13, newRate: 13, n: 40, pause: 150, seeded: true });
    expect(later.next[0]).toBe(later.start);
    expect(busiest([...later.old, ...later.next])).toBe(13);

    // The same hand-over with an empty window (as before) puts more than the share in one second.
    const empty = await handOver({ oldRate: 13, newRate: 13, n: 40, pause: 0, seeded: false });
    expect(busiest([...empty.old, ...empty.next])).toBeGreaterThan(13);
  });

  it('a partial last second: the new run starts at once and fills what the window has left', async () => {
    // 6 sends at 13/s, 100 ms before the hand-over: 7 of 13 are left in the second that spans both.
    const r = await handOver({ oldRate: 13, newRate: 13, n: 6, pause: 100, seeded: true });
    expect(r.next[0]).toBe(r.start);
    expect(busiest([...r.old, ...r.next])).toBe(13);
    // The 8th send of the new run is the first to wait for the oldest of the last run to age out.
    expect(r.next[7]).toBe(r.old[0]! + WINDOW + HANDOVER_SKEW_MS);
  });

  it('admissions older than a window do not count: the new run starts at once, at its own pace', async () => {
    const r = await handOver({
      oldRate: 13,
      newRate: 13,
      n: 30,
      pause: WINDOW + HANDOVER_SKEW_MS,
      seeded: true,
    });
    const fresh = await handOver({
      oldRate: 13,
      newRate: 13,
      n: 30,
      pause: WINDOW + HANDOVER_SKEW_MS,
      seeded: false,
    });
    expect(r.next[0]).toBe(r.start);
    expect(r.next.map((t) => t - r.start)).toEqual(fresh.next.map((t) => t - fresh.start));
  });

  it('a share that changed: every second ending in the new run holds at most the new share', async () => {
    for (const [oldRate, newRate] of [
      [20, 13],
      [7, 13],
      [13, 1],
      [150, 125],
    ] as const) {
      const r = await handOver({ oldRate, newRate, n: 200, pause: 40, seeded: true });
      const all = [...r.old, ...r.next];
      for (const end of r.next) {
        expect(all.filter((t) => t > end - 1000 && t <= end).length).toBeLessThanOrEqual(Math.floor(newRate));
      }
      expect(busiest(all)).toBe(Math.max(Math.floor(oldRate), Math.floor(newRate)));
    }
  });

  it('holds for any old pattern, pause and share, with the next instance clock up to the guard ahead', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 0, max: HANDOVER_SKEW_MS }),
        async (oldRate, newRate, gaps, pause, ahead) => {
          const real = new VirtualClock();
          const lane = new HandOver();
          // The old run on one instance, the next on another whose clock is `ahead` ms ahead.
          const first = new SendPacer(oldRate, real);
          lane.start(first, real.now().getTime());
          const old: number[] = [];
          for (const gap of gaps) old.push(...(await sendThrough(first, real, 1, gap)));
          real.advance(pause);
          const theirs = skewed(real, ahead);
          const next = new SendPacer(newRate, theirs);
          new HandOver(lane.recent(real.now().getTime())).start(next, theirs.now().getTime());
          const sent = await sendThrough(next, real, 2 * newRate + 5);
          const all = [...old, ...sent];
          // Every one-second window (true time) that ends in the new run.
          for (const end of sent) {
            expect(all.filter((t) => t > end - 1000 && t <= end).length).toBeLessThanOrEqual(newRate);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a saved time from a clock far ahead holds the new run one window and the guard, no more', async () => {
    const clock = new VirtualClock();
    const now = clock.now().getTime();
    const pacer = new SendPacer(13, clock);
    new HandOver([now + 3_600_000]).start(pacer, now);
    // Room for 12 more at once; the 13th waits for that one time, counted at now + the guard.
    const sent = await sendThrough(pacer, clock, 13);
    expect(sent.at(-1)! - now).toBeLessThanOrEqual(WINDOW + HANDOVER_SKEW_MS);
    const full = new SendPacer(1, clock);
    new HandOver([clock.now().getTime() + 3_600_000]).start(full, clock.now().getTime());
    expect(full.admit()).toBe(WINDOW + HANDOVER_SKEW_MS);
  });

  it('ignores what is not a time, and a run with nothing saved starts as a fresh one', async () => {
    const clock = new VirtualClock();
    const pacer = new SendPacer(2, clock);
    new HandOver([Number.NaN, Number.POSITIVE_INFINITY, 'x' as unknown as number]).start(pacer, 0);
    expect(pacer.admit()).toBe(0);
    expect(pacer.admit()).toBe(0);
    expect(pacer.admit()).toBe(WINDOW);
  });
});

describe('HandOver: what a run saves and carries', () => {
  it('saves only what still counts, merges what it read with its own, and clears once they are a window old', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now().getTime();
    const lane = new HandOver([t0 - 5_000, t0 - 300, t0 - 100]);
    // Older than a window (and the guard) is dropped.
    expect(lane.recent(t0)).toEqual([t0 - 300, t0 - 100]);
    lane.add([t0 - 200], t0);
    expect(lane.recent(t0)).toEqual([t0 - 300, t0 - 200, t0 - 100]);
    // A run's pacer takes the lane over: its own admissions are what the release saves next.
    const pacer = new SendPacer(13, clock);
    lane.start(pacer, t0);
    const sent = await sendThrough(pacer, clock, 3);
    expect(lane.recent(clock.now().getTime())).toEqual([
      t0 - 300 + HANDOVER_SKEW_MS,
      t0 - 200 + HANDOVER_SKEW_MS,
      t0 - 100 + HANDOVER_SKEW_MS,
      ...sent,
    ]);
    // A coordinator handing the rate to workers waits (one sleep) until none counts.
    const before = clock.slept;
    await lane.clear(clock, clock);
    expect(clock.slept - before).toBe(sent.at(-1)! + HANDOVER_SKEW_MS + WINDOW - sent.at(-1)!);
    expect(lane.recent(clock.now().getTime())).toEqual([]);
    await lane.clear(clock, clock);
    expect(clock.slept - before).toBe(HANDOVER_SKEW_MS + WINDOW);
  });

  it("holds a full window at another lane's last admission: the run's first send waits for it, then goes at its pace", async () => {
    const clock = new VirtualClock();
    const t0 = clock.now().getTime();
    const lane = new HandOver();
    // Another lane (its share unknown) sent last 300 ms ago; older holds are kept only if later.
    lane.hold(t0 - 300);
    lane.hold(t0 - 2_000);
    lane.hold(Number.NaN);
    const pacer = new SendPacer(14, clock);
    lane.start(pacer, t0);
    const sent = await sendThrough(pacer, clock, 20);
    // Nothing before that moment's window (and the skew) has passed…
    expect(sent[0]).toBe(t0 - 300 + HANDOVER_SKEW_MS + WINDOW);
    // …and from then the run's own pace: no second holds more than its share.
    expect(busiest(sent)).toBeLessThanOrEqual(14);
  });

  it('a hold older than a window and the skew costs nothing', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now().getTime();
    const lane = new HandOver();
    lane.hold(t0 - WINDOW - HANDOVER_SKEW_MS);
    const pacer = new SendPacer(14, clock);
    lane.start(pacer, t0);
    expect((await sendThrough(pacer, clock, 1))[0]).toBe(t0);
  });

  it('a coordinator that holds waits for the hold too before it hands the rate to workers', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now().getTime();
    const lane = new HandOver();
    lane.hold(t0 - 400);
    const before = clock.slept;
    await lane.clear(clock, clock);
    expect(clock.slept - before).toBe(WINDOW + HANDOVER_SKEW_MS - 400);
  });
});
