/** LEASE_MARGIN_MS: how long a crashed dispatcher run holds its report, a setting like the budget. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/core/config.ts';

const base = {
  SUBSCRIBERS_TABLE: 's',
  REPORTS_TABLE: 'r',
  UPLOAD_BUCKET: 'b',
  NEWSLETTER_NAME: 'n',
  FROM_ADDRESS: 'news@example.jp',
  PUBLIC_BASE_URL: 'https://news.example.jp',
  UNSUBSCRIBE_MAILTO: 'unsubscribe@example.jp',
  EDITORS: 'editor@example.jp',
  SENDER_NAME: 'x',
  SENDER_POSTAL_ADDRESS: 'x',
  SENDER_CONTACT: 'x',
  UNSUBSCRIBE_SECRET: 'a'.repeat(40),
};

describe('LEASE_MARGIN_MS', () => {
  it('defaults to two minutes and takes a whole number of milliseconds', () => {
    expect(loadConfig(base).sending.leaseMarginMs).toBe(120_000);
    expect(loadConfig({ ...base, LEASE_MARGIN_MS: '45000' }).sending.leaseMarginMs).toBe(45_000);
  });

  it('refuses a margin a slow last send could outlive, one that would hold a report for hours, and non-numbers, naming the variable', () => {
    for (const bad of ['0', '4999', '900001', 'abc', '1.5', '-1']) {
      expect(() => loadConfig({ ...base, LEASE_MARGIN_MS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, LEASE_MARGIN_MS: bad }), bad).toThrow(/LEASE_MARGIN_MS/);
    }
  });
});
