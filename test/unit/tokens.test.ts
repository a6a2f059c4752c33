import { describe, expect, it } from 'vitest';
import {
  ID_LENGTH,
  newConfirmToken,
  newSubscriberId,
  parseConfirmToken,
  sameDigest,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from '../../functions/core/tokens.ts';

const key = Buffer.from('k'.repeat(40));

describe('confirmation tokens', () => {
  it('carry the subscriber id and a secret whose hash, not value, is stored', () => {
    const id = newSubscriberId();
    const { token, hash } = newConfirmToken(id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{65}$/);
    expect(token.startsWith(id)).toBe(true);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toContain(hash);
    const parsed = parseConfirmToken(token);
    expect(parsed).toEqual({ id, hash });
    expect(sameDigest(parsed!.hash, hash)).toBe(true);
  });

  it('differ every time', () => {
    const id = newSubscriberId();
    const seen = new Set(Array.from({ length: 200 }, () => newConfirmToken(id).token));
    expect(seen.size).toBe(200);
  });

  it.each([undefined, '', 'short', 'x'.repeat(64), 'x'.repeat(66), `${'a'.repeat(64)}!`, 42])(
    'rejects malformed token %j',
    (bad) => expect(parseConfirmToken(bad)).toBeNull(),
  );
});

describe('unsubscribe tokens', () => {
  const id = newSubscriberId();
  const token = unsubscribeToken(key, id);

  it('verify to the subscriber id they were issued for', () => {
    expect(id).toHaveLength(ID_LENGTH);
    expect(token).toMatch(/^[A-Za-z0-9_-]{65}$/);
    expect(verifyUnsubscribeToken(key, token)).toBe(id);
  });

  it('reject a different key, a truncated token, a flipped character and another id', () => {
    expect(verifyUnsubscribeToken(Buffer.from('other-key-'.repeat(4)), token)).toBeNull();
    expect(verifyUnsubscribeToken(key, token.slice(0, -1))).toBeNull();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyUnsubscribeToken(key, token.slice(0, -1) + last)).toBeNull();
    const otherId = newSubscriberId();
    expect(verifyUnsubscribeToken(key, otherId + token.slice(ID_LENGTH))).toBeNull();
  });
});
