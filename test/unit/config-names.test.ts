/** The functions refuse, at load, names that would carry hiding characters into From, Subjects and footers. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/core/config.ts';

const env = {
  SUBSCRIBERS_TABLE: 's',
  REPORTS_TABLE: 'r',
  UPLOAD_BUCKET: 'b',
  NEWSLETTER_NAME: '週刊脅威レポート',
  FROM_ADDRESS: '脅威レポート <news@example.jp>',
  PUBLIC_BASE_URL: 'https://news.example.jp',
  UNSUBSCRIBE_MAILTO: 'unsubscribe@example.jp',
  EDITORS: 'editor@example.jp',
  SENDER_NAME: '株式会社サンプル',
  SENDER_POSTAL_ADDRESS: '〒100-0001 東京都千代田区千代田1-1',
  SENDER_CONTACT: 'contact@example.jp',
  UNSUBSCRIBE_SECRET: 'x'.repeat(32),
};

describe('loadConfig: names', () => {
  it('accepts the ordinary names', () => {
    expect(loadConfig(env).newsletterName).toBe('週刊脅威レポート');
  });

  it.each([
    ['NEWSLETTER_NAME', '週刊\u202Eトーポレ'],
    ['FROM_ADDRESS', 'News\r\nBcc: x@example.jp <news@example.jp>'],
    ['SENDER_NAME', '\u200B'],
    ['SENDER_POSTAL_ADDRESS', '〒100\u0085東京'],
    ['SENDER_CONTACT', 'contact@example.jp\u2028'],
  ])(
    'refuses %s with a control, a line break, a bidi override or only invisible characters',
    (name, value) => {
      expect(() => loadConfig({ ...env, [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...env, [name]: value })).toThrow(new RegExp(`${name}: `));
    },
  );
});
