/** The canary's rules (functions/core/canary.ts): who is in the sample, how big it is, how it is judged, its settings. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CANARY_DEFAULTS,
  canaryPlan,
  canaryProblem,
  defaultCanarySettings,
  inSample,
  loadCanarySettings,
  samplePoint,
} from '../../functions/core/canary.ts';
import { defaultReputationGuard } from '../../functions/core/reputation.ts';

const ids = Array.from({ length: 20_000 }, () => randomUUID());

describe('canaryPlan: the sample size', () => {
  const s = defaultCanarySettings;

  it('is 1 % of the audience bounded to 50–1,000, only for audiences over 1,000', () => {
    expect(canaryPlan(1000, s)).toEqual({ skip: 'small' });
    expect(canaryPlan(1001, s)).toEqual({ size: 50, fraction: 50 / 1001 });
    expect(canaryPlan(20_000, s)).toEqual({ size: 200, fraction: 0.01 });
    expect(canaryPlan(100_000, s)).toEqual({ size: 1000, fraction: 0.01 });
    expect(canaryPlan(5_000_000, s)).toEqual({ size: 1000, fraction: 1000 / 5_000_000 });
    for (const audience of [1001, 1234, 9_999, 77_777, 250_000, 3_000_001]) {
      const plan = canaryPlan(audience, s);
      if ('skip' in plan) throw new Error(`no canary for ${audience}`);
      expect(plan.size).toBeGreaterThanOrEqual(CANARY_DEFAULTS.minSize);
      expect(plan.size).toBeLessThanOrEqual(CANARY_DEFAULTS.maxSize);
      expect(plan.fraction * audience).toBeCloseTo(plan.size, 6);
    }
  });

  it('follows the report: true forces one on a small audience, false refuses one on a large', () => {
    expect(canaryPlan(500, s, true)).toEqual({ size: 50, fraction: 0.1 });
    expect(canaryPlan(500_000, s, false)).toEqual({ skip: 'report' });
    expect(canaryPlan(500_000, { ...s, enabled: false })).toEqual({ skip: 'off' });
    expect(canaryPlan(500, { ...s, enabled: false }, true)).toEqual({ size: 50, fraction: 0.1 });
  });

  it('is none when the sample would be everyone or no one', () => {
    expect(canaryPlan(40, s, true)).toEqual({ skip: 'small' });
    expect(canaryPlan(50, s, true)).toEqual({ skip: 'small' });
    expect(canaryPlan(0, s, true)).toEqual({ skip: 'small' });
  });
});

describe('inSample: who is in it', () => {
  it('picks about `fraction` of the readers (within 5 standard deviations)', () => {
    for (const fraction of [0.01, 0.05, 0.3]) {
      const n = ids.filter((id) => inSample('2030-04-01-report', id, fraction)).length;
      const mean = ids.length * fraction;
      const sd = Math.sqrt(ids.length * fraction * (1 - fraction));
      expect(Math.abs(n - mean)).toBeLessThan(5 * sd);
    }
  });

  it('is the same every time for one report (a crash or a pause picks the same readers)', () => {
    const a = ids.filter((id) => inSample('r-one', id, 0.05));
    const b = ids.filter((id) => inSample('r-one', id, 0.05));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(0);
  });

  it('is a different sample for another report', () => {
    const a = new Set(ids.filter((id) => inSample('r-one', id, 0.05)));
    const b = ids.filter((id) => inSample('r-two', id, 0.05));
    const both = b.filter((id) => a.has(id)).length;
    // Independent samples of 5 % share about 5 % of their readers, not most of them.
    expect(both / b.length).toBeLessThan(0.15);
  });

  it('spreads points evenly over [0, 1) (no tenth holds much more than its share)', () => {
    const buckets = new Array<number>(10).fill(0);
    for (const id of ids) buckets[Math.floor(samplePoint('r-even', id) * 10)]!++;
    for (const b of buckets)
      expect(Math.abs(b - ids.length / 10)).toBeLessThan(5 * Math.sqrt(ids.length * 0.09));
  });
});

describe('canaryProblem: the guard on the sample', () => {
  const g = defaultReputationGuard;

  it('applies the guard rates without its minimum sends, but never on a single event', () => {
    expect(canaryProblem({ sent: 50, bounced: 2, complained: 0 }, g)).toBeNull();
    expect(canaryProblem({ sent: 50, bounced: 3, complained: 0 }, g)).toBe(
      'canary sample: bounce rate 6.00 % (3/50) is above 5.00 %',
    );
    expect(canaryProblem({ sent: 50, bounced: 0, complained: 1 }, g)).toBeNull();
    expect(canaryProblem({ sent: 1000, bounced: 0, complained: 2 }, g)).toBe(
      'canary sample: complaint rate 0.20 % (2/1000) is above 0.10 %',
    );
    expect(canaryProblem({ sent: 1, bounced: 1, complained: 1 }, g)).toBeNull();
    expect(canaryProblem({ sent: 0, bounced: 0, complained: 0 }, g)).toBeNull();
  });

  it('judges only what follows a resume when the guard paused the sample', () => {
    const since = { sent: 40, bounced: 3, complained: 0 };
    expect(canaryProblem({ sent: 60, bounced: 4, complained: 0 }, g, since)).toBeNull();
    expect(canaryProblem({ sent: 60, bounced: 6, complained: 0 }, g, since)).toMatch(/15.00 % \(3\/20\)/);
  });
});

describe('loadCanarySettings', () => {
  it('has the documented defaults', () => {
    expect(loadCanarySettings({})).toEqual({
      enabled: true,
      minAudience: 1000,
      share: 0.01,
      minSize: 50,
      maxSize: 1000,
      waitMs: 30 * 60_000,
      pageSize: 1000,
    });
  });

  it('reads each setting from the environment', () => {
    expect(
      loadCanarySettings({
        CANARY_ENABLED: 'false',
        CANARY_MIN_AUDIENCE: '5000',
        CANARY_SHARE: '0.02',
        CANARY_MIN_SIZE: '100',
        CANARY_MAX_SIZE: '2000',
        CANARY_WAIT_MINUTES: '0.5',
      }),
    ).toMatchObject({
      enabled: false,
      minAudience: 5000,
      share: 0.02,
      minSize: 100,
      maxSize: 2000,
      waitMs: 30_000,
    });
  });

  it('names a bad value', () => {
    const bad: [string, string][] = [
      ['CANARY_ENABLED', 'yes'],
      ['CANARY_SHARE', '0'],
      ['CANARY_SHARE', '1'],
      ['CANARY_SHARE', 'one percent'],
      ['CANARY_MIN_SIZE', '0'],
      ['CANARY_MAX_SIZE', '12.5'],
      ['CANARY_MIN_AUDIENCE', '-1'],
      ['CANARY_WAIT_MINUTES', '-5'],
      ['CANARY_WAIT_MINUTES', '1441'],
      ['CANARY_WAIT_MINUTES', 'NaN'],
    ];
    for (const [name, value] of bad) {
      expect(() => loadCanarySettings({ [name]: value }), `${name}=${value}`).toThrow(new RegExp(name));
    }
    expect(() => loadCanarySettings({ CANARY_MIN_SIZE: '500', CANARY_MAX_SIZE: '100' })).toThrow(
      /CANARY_MIN_SIZE must not be above CANARY_MAX_SIZE/,
    );
  });
});
