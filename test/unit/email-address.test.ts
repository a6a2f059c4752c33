/**
 * Address syntax, checked against validator.js's isEmail list (test/fixtures/email-addresses/).
 * Each address is classified as the file says, except the deliberate differences below, each
 * with its reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkEmail,
  checkNewAddress,
  mailboxKey,
  normalizeEmail,
  UNDELIVERABLE_TLDS,
} from '../../functions/core/email-address.ts';

const fixture = JSON.parse(
  readFileSync(
    new URL('../fixtures/email-addresses/email-addresses__validatorjs-isEmail-default.json', import.meta.url),
    'utf8',
  ),
) as { valid: string[]; invalid: string[] };

/** Listed as valid by validator.js, refused here on purpose. */
const DELIBERATELY_REFUSED: Record<string, string> = {
  'hans.m端ller@test.com':
    'non-ASCII local part: SES does not support SMTPUTF8 (RFC 6531), so the local part must be 7-bit ASCII; we could never deliver to it',
  '"  foo  m端ller "@example.com':
    'quoted local part with spaces and non-ASCII: undeliverable through SES (7-bit ASCII only) and mangled by many gateways',
  '"foo\\@bar"@example.com':
    'quoted local part with a backslash escape and "@": valid RFC 5321 but practically never a real mailbox; refusing it keeps keys, CSV exports and headers free of quoting rules',
};

/** Listed as invalid by validator.js, accepted here on purpose. (None.) */
const DELIBERATELY_ACCEPTED: Record<string, string> = {};

describe('validator.js isEmail list', () => {
  const valid = fixture.valid.filter((a) => !(a in DELIBERATELY_REFUSED));
  const invalid = fixture.invalid.filter((a) => !(a in DELIBERATELY_ACCEPTED));

  it('has the size we documented (18 valid, 41 invalid)', () => {
    expect([fixture.valid.length, fixture.invalid.length]).toEqual([18, 41]);
    for (const a of Object.keys(DELIBERATELY_REFUSED)) expect(fixture.valid).toContain(a);
  });

  it.each(valid)('accepts %j', (address) => {
    expect(checkEmail(address)).toMatchObject({ ok: true });
  });

  it.each(invalid)('refuses %j', (address) => {
    expect(checkEmail(address)).toMatchObject({ ok: false });
  });

  it.each(Object.entries(DELIBERATELY_REFUSED))('refuses %j on purpose: %s', (address) => {
    expect(checkEmail(address)).toMatchObject({ ok: false });
  });
});

describe('normalisation', () => {
  it('trims, lower-cases the domain, keeps the local part as typed', () => {
    expect(normalizeEmail('  Taro.Yamada@Example.CO.JP ')).toBe('Taro.Yamada@example.co.jp');
  });

  it('converts an internationalised domain to ASCII (punycode)', () => {
    expect(normalizeEmail('hans@m端ller.com')).toBe('hans@xn--mller-es7m.com');
    expect(normalizeEmail('info@日本語.jp')).toBe('info@xn--wgv71a119e.jp');
  });

  it('unquotes a quoted local part that is a plain dot-atom (the same mailbox)', () => {
    expect(normalizeEmail('"foobar"@example.com')).toBe('foobar@example.com');
  });

  it('gives each refusal a reason the form can explain', () => {
    expect(checkEmail('')).toEqual({ ok: false, problem: 'empty' });
    expect(checkEmail(42)).toEqual({ ok: false, problem: 'empty' });
    expect(checkEmail('taro.example.jp')).toEqual({ ok: false, problem: 'missing-at' });
    expect(checkEmail('ｔａｒｏ@example.jp')).toEqual({ ok: false, problem: 'full-width' });
    expect(checkEmail('taro@example.jp　')).toEqual({ ok: true, email: 'taro@example.jp' }); // trailing ideographic space is trimmed
    expect(checkEmail('ta ro@example.jp')).toEqual({ ok: false, problem: 'whitespace' });
    expect(checkEmail('taro\u200b@example.jp')).toEqual({ ok: false, problem: 'whitespace' });
    expect(checkEmail('ta..ro@example.jp')).toEqual({ ok: false, problem: 'local-part' });
    expect(checkEmail('taro@example')).toEqual({ ok: false, problem: 'domain' });
    expect(checkEmail('taro@192.168.0.1')).toEqual({ ok: false, problem: 'address-literal' });
    expect(checkEmail('taro@[192.168.0.1]')).toEqual({ ok: false, problem: 'address-literal' });
    expect(checkEmail('taro@[IPv6:2001:db8::1]')).toEqual({ ok: false, problem: 'address-literal' });
    expect(checkEmail('taro@1.2.3.4.5')).toEqual({ ok: false, problem: 'domain' }); // a numeric TLD, not an IPv4 literal
  });

  it('enforces the RFC 5321 length limits: 64 local, 63 per label, 254 in all', () => {
    const label = (n: number) => 'a'.repeat(n);
    expect(checkEmail(`${label(64)}@example.com`)).toMatchObject({ ok: true });
    expect(checkEmail(`${label(65)}@example.com`)).toEqual({ ok: false, problem: 'too-long' });
    expect(checkEmail(`x@${label(63)}.com`)).toMatchObject({ ok: true });
    expect(checkEmail(`x@${label(64)}.com`)).toEqual({ ok: false, problem: 'domain' });
    const address254 = `${label(64)}@${label(63)}.${label(63)}.${label(57)}.com`;
    expect(address254).toHaveLength(254);
    expect(checkEmail(address254)).toMatchObject({ ok: true });
    expect(checkEmail(`a${address254}`)).toEqual({ ok: false, problem: 'too-long' });
  });
});

describe('mailboxKey (what the per-address email limit counts)', () => {
  it('merges the variants that reach one mailbox', () => {
    const key = mailboxKey('taro.yamada@corp.example');
    for (const v of [
      'Taro.Yamada@corp.example',
      'TARO.YAMADA+news@corp.example',
      'taro.yamada+a+b@corp.example',
    ]) {
      expect(mailboxKey(normalizeEmail(v)!)).toBe(key);
    }
    expect(mailboxKey('h.a.n.a.k.o+x@googlemail.com')).toBe(mailboxKey('Hanako@gmail.com'));
    // Unicode spellings of a domain become one ASCII domain before the key is taken.
    expect(mailboxKey(normalizeEmail('Taro.Yamada@ℯxample.com')!)).toBe(
      mailboxKey('taro.yamada@example.com'),
    );
  });

  it('keeps apart what is not the same mailbox', () => {
    expect(mailboxKey('taro.yamada@corp.example')).not.toBe(mailboxKey('taroyamada@corp.example'));
    expect(mailboxKey('taro-news@corp.example')).not.toBe(mailboxKey('taro@corp.example'));
    expect(mailboxKey('taro@corp.example')).not.toBe(mailboxKey('taro@corp2.example'));
    // A local part that starts with "+" keeps it: there is no mailbox name before it.
    expect(mailboxKey('+1@corp.example')).toBe('+1@corp.example');
  });
});

describe('checkNewAddress (sign-up and import): well-formed but never deliverable', () => {
  it.each([
    ['taro@mail.test', 'reserved-domain'],
    ['taro@news.EXAMPLE', 'reserved-domain'],
    ['taro@x.invalid', 'reserved-domain'],
    ['root@foo.localhost', 'reserved-domain'],
    ['printer@office.local', 'reserved-domain'],
    ['taro@abcdefghijklmnop.onion', 'reserved-domain'],
    ['taro@router.home.arpa', 'reserved-domain'],
    ['taro@1.0.168.192.in-addr.arpa', 'reserved-domain'],
    ['taro@host.internal', 'reserved-domain'],
    ['taro@nas.lan', 'reserved-domain'],
    ['taro@pc.localdomain', 'reserved-domain'],
    ['taro@dc1.corp', 'reserved-domain'],
    ['taro@x.alt', 'reserved-domain'],
    ['taro%evil.example.jp@relay.example.jp', 'source-route'],
    ['host!taro@uucp.example.jp', 'source-route'],
    ['"taro%x"@example.jp', 'source-route'],
    ['taro@[192.0.2.1]', 'address-literal'],
    ['taro@localhost', 'domain'],
    ['taro@intranet', 'domain'],
  ] as const)('refuses %j as %s', (address, problem) => {
    expect(checkNewAddress(address)).toEqual({ ok: false, problem });
  });

  it('accepts ordinary addresses, including ones whose labels only look reserved', () => {
    for (const a of [
      'taro@example.co.jp',
      'taro@test.com',
      'taro@local.jp',
      'taro@testing.example.com',
      'taro@invalid.co',
      'taro@mail.google.com',
      'taro@onion.jp',
      'success@simulator.amazonses.com',
      'ta_ro+news@example.jp',
    ]) {
      expect(checkNewAddress(a), a).toMatchObject({ ok: true });
    }
  });

  it('still lets lookups find an address stored before the rules (checkEmail alone accepts it)', () => {
    expect(checkEmail('taro%x@mail.test')).toMatchObject({ ok: true, email: 'taro%x@mail.test' });
    expect(checkNewAddress('taro%x@mail.test')).toMatchObject({ ok: false });
  });

  it('gives every reserved top-level domain a reason', () => {
    for (const [tld, why] of Object.entries(UNDELIVERABLE_TLDS)) {
      expect(tld).toMatch(/^[a-z]+$/);
      expect(why.length, tld).toBeGreaterThan(10);
    }
  });
});
