import { describe, expect, it } from 'vitest';
import { describeShape, fullPageEmails, shapesFor } from '../../bench/send-rate-audience.ts';
import { SHARD_COUNT, shardOf } from '../../functions/core/subscriber.ts';

const perShard = (emails: string[]) => {
  const m = new Map<number, number>();
  for (const e of emails) m.set(shardOf(e), (m.get(shardOf(e)) ?? 0) + 1);
  return [...m.values()].sort((a, b) => b - a);
};

describe('send-rate bench: the audience shape', () => {
  it('fills whole pages shard after shard, the rest in the last, every address distinct', () => {
    for (const [n, expected] of [
      [112, [100, 12]],
      [800, [100, 100, 100, 100, 100, 100, 100, 100]],
      [100, [100]],
      [7, [7]],
    ] as const) {
      const emails = fullPageEmails(n);
      expect(emails).toHaveLength(n);
      expect(new Set(emails).size).toBe(n);
      expect(perShard(emails)).toEqual(expected);
    }
    expect(describeShape(fullPageEmails(112))).toBe('2 shards, 12–100 each');
  });

  it('measures both shapes only while spreading leaves the pages short, and refuses more than the shards hold', () => {
    expect(shapesFor(112)).toEqual(['spread', 'full-pages']);
    expect(shapesFor(800)).toEqual(['spread', 'full-pages']);
    expect(shapesFor(SHARD_COUNT * 100)).toEqual(['spread']);
    expect(shapesFor(4000)).toEqual(['spread']);
    expect(() => fullPageEmails(SHARD_COUNT * 100 + 1)).toThrow(RangeError);
  });
});
