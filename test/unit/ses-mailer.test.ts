import { describe, expect, it } from 'vitest';
import { encodeFromAddress } from '../../functions/adapters/ses-mailer.ts';

const decodeWords = (header: string) =>
  [...header.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)]
    .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))
    .join('');

describe('From address for SES v2', () => {
  it('leaves ASCII names and bare addresses alone', () => {
    expect(encodeFromAddress('news@example.jp')).toBe('news@example.jp');
    expect(encodeFromAddress('Kawaraban Report <news@example.jp>')).toBe(
      'Kawaraban Report <news@example.jp>',
    );
  });

  it('encodes a Japanese display name as RFC 2047 words under 76 characters each', () => {
    const name = '株式会社かわら版インテリジェンス セキュリティレポート配信係';
    const out = encodeFromAddress(`${name} <report@kawaraban.example.jp>`);
    expect(out.endsWith(' <report@kawaraban.example.jp>')).toBe(true);
    expect(out).toMatch(/^[\x20-\x7e]+$/);
    const words = out.split(' <')[0]!.split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    expect(decodeWords(out)).toBe(name);
  });

  it('drops the quotes around a quoted name', () => {
    expect(decodeWords(encodeFromAddress('"かわら版" <a@example.jp>'))).toBe('かわら版');
  });
});
