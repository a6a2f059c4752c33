import { describe, expect, it } from 'vitest';
import {
  newSubscriberId,
  unsubscribeToken,
  verifyUnsubscribeToken,
  LEGACY_KEY_ID,
} from '../../functions/core/tokens.ts';
import {
  checkToken,
  checkTokenWith,
  describeKeyring,
  parseKeyring,
  rotateKeyring,
  serializeKeyring,
  signingKey,
  type Keyring,
  type KeyringSource,
} from '../../functions/core/unsubscribe-keys.ts';
import { readUnsubscribeMail } from '../../functions/core/unsubscribe-mail.ts';

const plain = `${'p'.repeat(20)}lainSecretAsTheStackGeneratesIt0123`;
const now = new Date('2031-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('the keyring', () => {
  it('reads a plain secret as the ring of the legacy key, which signs and verifies', () => {
    const ring = parseKeyring(`${plain}\n`);
    expect(describeKeyring(ring)).toEqual([
      { id: LEGACY_KEY_ID, current: true, addedAt: undefined, retiresAt: undefined },
    ]);
    const id = newSubscriberId();
    const token = unsubscribeToken(signingKey(ring), id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{69}$/);
    expect(token.slice(22, 26)).toBe(LEGACY_KEY_ID);
    expect(checkToken(ring, token, now)).toEqual({ kind: 'valid', subscriberId: id, keyId: LEGACY_KEY_ID });
    // A token sent before key ids existed is the plain secret's, and a plain Buffer verifies both.
    const legacy = unsubscribeToken(Buffer.from(plain), id);
    expect(legacy).toHaveLength(65);
    expect(checkToken(ring, legacy, now)).toEqual({ kind: 'valid', subscriberId: id, keyId: LEGACY_KEY_ID });
    expect(verifyUnsubscribeToken(Buffer.from(plain), token)).toBe(id);
    expect(verifyUnsubscribeToken(Buffer.from(plain), legacy)).toBe(id);
  });

  it('survives a round trip through its JSON form', () => {
    const { ring } = rotateKeyring(parseKeyring(plain), { now, keepOldDays: 730 });
    expect(parseKeyring(serializeKeyring(ring))).toEqual(ring);
  });

  it.each([
    ['empty', ''],
    ['short plain', 'x'.repeat(31)],
    ['broken JSON', `{"kawarabanKeyring":1,"current":"${plain}"`],
    ['no keys', '{"kawarabanKeyring":1,"current":"abcd","keys":[]}'],
    ['current missing', `{"kawarabanKeyring":1,"current":"zzzz","keys":[{"id":"abcd","secret":"${plain}"}]}`],
    [
      'current retiring',
      `{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}","retiresAt":"2030-01-01T00:00:00Z"}]}`,
    ],
    [
      'duplicate ids',
      `{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}"},{"id":"abcd","secret":"${plain}"}]}`,
    ],
    ['bad id', `{"kawarabanKeyring":1,"current":"ABCD","keys":[{"id":"ABCD","secret":"${plain}"}]}`],
    ['short key', '{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"short"}]}'],
    [
      'unknown field',
      `{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}"}],"extra":1}`,
    ],
    ['other version', `{"kawarabanKeyring":2,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}"}]}`],
  ])('refuses %s without quoting the value', (_name, raw) => {
    expect(() => parseKeyring(raw)).toThrow(/unsubscribe (secret|keyring)/);
    try {
      parseKeyring(raw);
    } catch (err) {
      expect((err as Error).message).not.toContain(plain.slice(0, 24));
    }
  });
  it.each([
    [
      'short key',
      '{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"short"}]}',
      /keys\.0\.secret: Too small: expected string to have >=32 characters/,
    ],
    [
      'no keys',
      '{"kawarabanKeyring":1,"current":"abcd","keys":[]}',
      /keys: Too small: expected array to have >=1 items/,
    ],
    [
      'bad date',
      `{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}","addedAt":"yesterday"}]}`,
      /keys\.0\.addedAt: Invalid ISO datetime/,
    ],
    [
      'unknown field',
      `{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}"}],"extra":1}`,
      /\(ring\): Unrecognized key: "extra"/,
    ],
    [
      'current retiring',
      `{"kawarabanKeyring":1,"current":"abcd","keys":[{"id":"abcd","secret":"${plain}","retiresAt":"2030-01-01T00:00:00Z"}]}`,
      /\(ring\): current must name a key that does not retire/,
    ],
  ])('names the path and the reason: %s', (_name, raw, message) => {
    expect(() => parseKeyring(raw)).toThrow(message);
  });
});

describe('rotation', () => {
  const id = newSubscriberId();
  const first = parseKeyring(plain);
  const oldToken = unsubscribeToken(signingKey(first), id);
  const legacyToken = unsubscribeToken(Buffer.from(plain), id);
  const { ring, added } = rotateKeyring(first, { now, keepOldDays: 730 });

  it('adds a current key with a fresh id; new tokens carry it', () => {
    expect(ring.current).toBe(added);
    expect(added).toMatch(/^[a-z0-9]{4}$/);
    expect(added).not.toBe(LEGACY_KEY_ID);
    const fresh = unsubscribeToken(signingKey(ring), id);
    expect(fresh.slice(22, 26)).toBe(added);
    expect(checkToken(ring, fresh, now)).toMatchObject({ kind: 'valid', keyId: added });
    // The old ring does not know the new key yet: it is an unknown key, not a forgery.
    expect(checkToken(first, fresh, now)).toEqual({ kind: 'unknown-key', keyId: added });
  });

  it('old keys verify links already sent until they retire, then the links are retired, not invalid', () => {
    for (const t of [oldToken, legacyToken]) {
      expect(checkToken(ring, t, new Date(now.getTime() + 729 * DAY))).toMatchObject({
        kind: 'valid',
        subscriberId: id,
      });
      expect(checkToken(ring, t, new Date(now.getTime() + 730 * DAY))).toEqual({
        kind: 'retired',
        keyId: LEGACY_KEY_ID,
      });
    }
    // A forged MAC under a retired key is still just invalid.
    const forged = oldToken.slice(0, -1) + (oldToken.at(-1) === 'A' ? 'B' : 'A');
    expect(checkToken(ring, forged, new Date(now.getTime() + 800 * DAY))).toEqual({ kind: 'invalid' });
  });

  it('after a leak (keep 0 days) every older key retires at once; a later rotation never extends a retirement', () => {
    const leak = rotateKeyring(ring, { now, keepOldDays: 0 }).ring;
    expect(checkToken(leak, oldToken, now)).toEqual({ kind: 'retired', keyId: LEGACY_KEY_ID });
    const again = rotateKeyring(leak, { now: new Date(now.getTime() + DAY), keepOldDays: 730 }).ring;
    expect(checkToken(again, oldToken, now)).toEqual({ kind: 'retired', keyId: LEGACY_KEY_ID });
    expect(again.keys).toHaveLength(4);
    expect(new Set(again.keys.map((k) => k.id)).size).toBe(4);
  });

  it('a token naming a key the cached ring lacks is checked once more against a fresh read', async () => {
    let reads = 0;
    const source: KeyringSource = {
      get: async () => first,
      refresh: async () => {
        reads++;
        return ring;
      },
    };
    const fresh = unsubscribeToken(signingKey(ring), id);
    expect(await checkTokenWith(source, fresh, now)).toMatchObject({ kind: 'valid', keyId: added });
    expect(await checkTokenWith(source, oldToken, now)).toMatchObject({ kind: 'valid' });
    expect(reads).toBe(1);
    const unknown = `${id}zzzz${fresh.slice(26)}`;
    expect(await checkTokenWith(source, unknown, now)).toEqual({ kind: 'unknown-key', keyId: 'zzzz' });
  });

  it.each([
    ['upper-case key id', (t: string) => `${t.slice(0, 22)}ABCD${t.slice(26)}`],
    ['one character short', (t: string) => t.slice(0, -1)],
    ['one character long', (t: string) => `${t}A`],
    ['a symbol in the key id', (t: string) => `${t.slice(0, 22)}ab.d${t.slice(26)}`],
  ])('refuses a token with %s', (_n, mangle) => {
    const fresh = unsubscribeToken(signingKey(ring), id);
    expect(checkToken(ring, mangle(fresh), now).kind).not.toBe('valid');
  });
});

describe('the mailto subject', () => {
  const mailbox = 'unsubscribe@example.jp';
  const record = (subject: string) => ({
    eventSource: 'aws:ses',
    ses: { mail: { commonHeaders: { subject } }, receipt: { recipients: [mailbox] } },
  });
  const ring: Keyring = rotateKeyring(parseKeyring(plain), { now, keepOldDays: 1 }).ring;
  const keyed = unsubscribeToken(signingKey(ring), newSubscriberId());
  const legacy = unsubscribeToken(Buffer.from(plain), newSubscriberId());

  it('carries a keyed token (69) or a token sent before key ids (65), and nothing in between', () => {
    expect(readUnsubscribeMail(record(`Re: unsubscribe-${keyed}`), mailbox)).toEqual({
      kind: 'token',
      token: keyed,
    });
    expect(readUnsubscribeMail(record(`unsubscribe-${legacy} [EXTERNAL]`), mailbox)).toEqual({
      kind: 'token',
      token: legacy,
    });
    for (const cut of [66, 67, 68, 70]) {
      const t = (keyed + keyed).slice(0, cut);
      expect(readUnsubscribeMail(record(`unsubscribe-${t}`), mailbox)).toEqual({ kind: 'no-token' });
    }
  });
});
