/**
 * The send-rate simulation's scheduler (bench/virtual-scheduler.ts): timers wake in time order
 * (ties in the order they slept), the clock never moves while other work can run, and a run that
 * waits on nothing fails instead of hanging. Then the simulation itself on a small list
 * (bench/send-rate-sim.ts): every reader exactly once, never over the rate in any second.
 */
import { describe, expect, it } from 'vitest';
import { AWS_LATENCIES, busiestSecond, simulateSend } from '../../bench/send-rate-sim.ts';
import { VirtualScheduler } from '../../bench/virtual-scheduler.ts';

describe('VirtualScheduler', () => {
  it('wakes sleepers in time order, and those due together in the order they slept', async () => {
    const s = new VirtualScheduler();
    const woke: string[] = [];
    const at = (name: string) => woke.push(`${name}@${s.stopwatch()}`);
    await s.run(async () => {
      await Promise.all([
        (async () => {
          await s.sleep(100);
          at('a1');
          await s.sleep(50);
          at('a2');
        })(),
        (async () => {
          await s.sleep(120);
          at('b');
        })(),
        (async () => {
          await s.sleep(150);
          at('c');
        })(),
        (async () => {
          await s.sleep(0);
          at('z');
        })(),
      ]);
    });
    // c and a2 are both due at 150: c slept first (at 0, a2 at 100), so c wakes first.
    expect(woke).toEqual(['z@0', 'a1@100', 'b@120', 'c@150', 'a2@150']);
  });

  it('does not move the clock while microtasks or setImmediate callbacks are pending', async () => {
    const s = new VirtualScheduler();
    const seen: number[] = [];
    await s.run(async () => {
      const timer = s.sleep(10).then(() => seen.push(-s.stopwatch()));
      // A long chain of microtasks, and work queued with setImmediate: all before the timer.
      let p = Promise.resolve();
      for (let i = 0; i < 1000; i++) p = p.then(() => undefined);
      await p;
      seen.push(s.stopwatch());
      await new Promise((r) => setImmediate(r));
      seen.push(s.stopwatch());
      await timer;
    });
    expect(seen).toEqual([0, 0, -10]);
  });

  it('returns what the run returns, and throws what it throws', async () => {
    const s = new VirtualScheduler();
    await expect(
      s.run(async () => {
        await s.sleep(5);
        return 42;
      }),
    ).resolves.toBe(42);
    await expect(
      s.run(async () => {
        await s.sleep(5);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(s.stopwatch()).toBe(10);
  });

  it('fails a run that waits on nothing instead of hanging', async () => {
    const s = new VirtualScheduler();
    await expect(s.run(() => new Promise<void>(() => undefined))).rejects.toThrow(/nothing can run/);
  });

  it('gives now() in whole milliseconds, and negative or NaN sleeps wake at once', async () => {
    const s = new VirtualScheduler(1_000);
    await s.run(async () => {
      await s.sleep(2.7);
      await s.sleep(-5);
      await s.sleep(Number.NaN);
    });
    expect(s.stopwatch()).toBeCloseTo(2.7);
    expect(s.now().getTime()).toBe(1_002);
  });
});

describe('busiestSecond', () => {
  it('counts the most arrivals in any window [t, t + 1 s)', () => {
    expect(busiestSecond([])).toBe(0);
    expect(busiestSecond([0, 500, 999, 1000, 1999])).toBe(3);
    expect(busiestSecond([0, 1000, 2000])).toBe(1);
  });
});

describe('simulateSend', () => {
  it('sends every reader once at 14/s on one worker, never over the rate in any second', async () => {
    const r = await simulateSend({ rate: 14, readers: 60 });
    expect(r).toMatchObject({ sent: 60, leftClaimed: 0, duplicates: 0, throttled: 0, workers: 1 });
    expect(r.busiest).toBeLessThanOrEqual(13);
  });

  it('splits 500/s among 4 workers whose runs chain at their budget, all within the rate', async () => {
    const r = await simulateSend({ rate: 500, readers: 8_000, budgetMs: 5_000, latencies: AWS_LATENCIES });
    expect(r).toMatchObject({ sent: 8_000, leftClaimed: 0, duplicates: 0, throttled: 0, workers: 4 });
    // 8,000 at ~500/s is ~16 s: each worker needs several 5-s runs.
    expect(r.runs).toBeGreaterThan(8);
    expect(r.busiest).toBeLessThanOrEqual(499);
  });
});
