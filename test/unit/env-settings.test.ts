/**
 * The settings loaders (configuration, canary, reputation guard) share one parse: a bad value
 * throws a ConfigError whose message opens with what was being read and names every variable at
 * fault, one line each.
 */
import { describe, expect, it } from 'vitest';
import { loadCanarySettings } from '../../functions/core/canary.ts';
import { ConfigError, loadConfig } from '../../functions/core/config.ts';
import { loadReputationGuard } from '../../functions/core/reputation.ts';

function failure(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('settings read from the environment', () => {
  it('the reputation guard refuses rates outside (0, 1] and minimums below one, naming each variable', () => {
    for (const [name, bad] of [
      ['REPUTATION_MAX_BOUNCE_RATE', '2'],
      ['REPUTATION_MAX_BOUNCE_RATE', '0'],
      ['REPUTATION_MAX_COMPLAINT_RATE', 'abc'],
      ['REPUTATION_MIN_SENDS_BOUNCE', '0'],
      ['REPUTATION_MIN_SENDS_COMPLAINT', '1.5'],
    ] as const) {
      const err = failure(() => loadReputationGuard({ [name]: bad }));
      expect(err.message.split('\n')[0], `${name}=${bad}`).toBe('kawaraban reputation settings are invalid:');
      expect(err.message, `${name}=${bad}`).toMatch(new RegExp(`^  ${name}: `, 'm'));
    }
  });

  it('every bad variable gets its own line, not just the first', () => {
    const err = failure(() =>
      loadReputationGuard({ REPUTATION_MAX_BOUNCE_RATE: '-1', REPUTATION_MIN_SENDS_BOUNCE: 'x' }),
    );
    expect(
      err.message
        .split('\n')
        .slice(1)
        .map((l) => l.split(':')[0]),
    ).toEqual(['  REPUTATION_MAX_BOUNCE_RATE', '  REPUTATION_MIN_SENDS_BOUNCE']);
  });

  it('the canary names the variable of a rule across two of them', () => {
    const err = failure(() => loadCanarySettings({ CANARY_MIN_SIZE: '500', CANARY_MAX_SIZE: '10' }));
    expect(err.message).toBe(
      'kawaraban canary settings are invalid:\n  CANARY_MIN_SIZE: CANARY_MIN_SIZE must not be above CANARY_MAX_SIZE',
    );
  });

  it('the configuration lists every missing variable under its own heading', () => {
    const err = failure(() => loadConfig({}));
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('kawaraban configuration is invalid:');
    for (const name of ['SUBSCRIBERS_TABLE', 'REPORTS_TABLE', 'UPLOAD_BUCKET', 'FROM_ADDRESS']) {
      expect(
        lines.some((l) => l.startsWith(`  ${name}: `)),
        name,
      ).toBe(true);
    }
  });

  it('good values still load, with their defaults', () => {
    expect(loadReputationGuard({}).maxBounceRate).toBe(0.05);
    expect(loadCanarySettings({ CANARY_MIN_SIZE: '10', CANARY_MAX_SIZE: '500' }).minSize).toBe(10);
  });
});
