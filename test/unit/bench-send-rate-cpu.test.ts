/** The send-rate bench's CPU per recipient (bench/send-rate-cpu.ts), where readers arrive one by one or a call's together. */
import { describe, expect, it } from 'vitest';
import { dispatcherCpu } from '../../bench/send-rate-cpu.ts';

/** A process that spends `msPerReader` of CPU on each reader, sampled at each arrival time. */
function process(arrivals: number[], msPerReader: number) {
  const times = [...new Set(arrivals)].sort((a, b) => a - b);
  const samples: [number, number][] = [[0, 0]];
  for (const t of times) samples.push([t, arrivals.filter((a) => a <= t).length * msPerReader]);
  return { loadCpuMs: 500, cpuMs: arrivals.length * msPerReader, samples };
}

describe('dispatcherCpu', () => {
  it('reads the steady CPU per reader when readers arrive one by one', () => {
    const arrivals = Array.from({ length: 100 }, (_, i) => 1000 + i * 71);
    const cpu = dispatcherCpu(process(arrivals, 0.8), arrivals);
    expect(cpu.steadyMsPerRecipient).toBeCloseTo(0.8, 6);
    expect(cpu.allInMsPerRecipient).toBeCloseTo(0.8, 6);
  });

  it('counts the readers between the two stamps when a call’s readers arrive together (13 a second)', () => {
    const arrivals = Array.from({ length: 104 }, (_, i) => 1000 + Math.floor(i / 13) * 1010);
    const cpu = dispatcherCpu(process(arrivals, 0.5), arrivals);
    // Counting positions (hi − lo) instead of readers would read 0.5 × 39 ÷ 41 here.
    expect(cpu.steadyMsPerRecipient).toBeCloseTo(0.5, 6);
  });
});
