/** `--sim-latencies` (bench/sim-latencies.ts): ranges by name; anything else is a usage error that names the part. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from '../../bench/options.ts';
import { parseLatencies } from '../../bench/sim-latencies.ts';

describe('parseLatencies', () => {
  it('reads ranges, single values and the start', () => {
    expect(parseLatencies('transact=20-40, ses=60-150,read=5,start=800')).toEqual({
      transact: [20, 40],
      ses: [60, 150],
      read: [5, 5],
      startMs: 800,
    });
    expect(parseLatencies(undefined)).toEqual({});
    expect(parseLatencies('')).toEqual({});
  });

  it.each([
    'transact',
    'transact=',
    'transact=a-b',
    'transact=40-20',
    'transact=-5',
    'start=400-600',
    'startMs=500',
    'constructor=1',
    'toString=1-2',
    'Transact=1-2',
    'ses=1-2-3',
    'ses=1e3',
  ])('refuses %j, naming it', (text) => {
    expect(() => parseLatencies(text)).toThrow(RangeError);
    expect(() => parseBenchArgs(['--only', 'send-sim', '--sim-latencies', text])).toThrow(UsageError);
  });
});

describe('send-sim options', () => {
  it('defaults to a million readers (20,000 with --quick) and refuses a count below one', () => {
    expect(parseBenchArgs(['--only', 'send-sim']).simReaders).toBe(1_000_000);
    expect(parseBenchArgs(['--only', 'send-sim', '--quick']).simReaders).toBe(20_000);
    expect(parseBenchArgs(['--only', 'send-sim']).extra).toEqual(['send-sim']);
    expect(() => parseBenchArgs(['--only', 'send-sim', '--sim-readers', '0'])).toThrow(UsageError);
  });
});
