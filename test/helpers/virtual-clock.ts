/**
 * A clock that only moves when someone sleeps on it: the dispatcher's pacing, back-off and time
 * budget run in virtual time, so tests never wait and never depend on the machine's speed.
 */
import type { Clock } from '../../functions/core/ports.ts';
import type { Sleeper } from '../../functions/core/pacing.ts';

export class VirtualClock implements Clock, Sleeper {
  slept = 0;
  constructor(private t = Date.parse('2030-04-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  async sleep(ms: number): Promise<void> {
    const step = Math.max(0, ms);
    this.t += step;
    this.slept += step;
    await new Promise((r) => setImmediate(r));
  }
}
