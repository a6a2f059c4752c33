import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Link tokens. Every token is made of [A-Za-z0-9_-] only, so it can be substituted into
 * already-rendered HTML and text without escaping, and survives mail gateways unchanged.
 *
 * - subscriber id: 128 random bits (22 chars). Links carry it, never the email address.
 * - confirmation token: id + 256-bit random secret (43 chars). Only SHA-256(secret) is stored.
 * - unsubscribe token: id + key id + HMAC-SHA256(key, "unsubscribe:" + key id + ":" + id) (43 chars).
 *   Nothing is stored, so old emails keep working for as long as their key is kept.
 */
const B64URL = /^[A-Za-z0-9_-]+$/;
export const ID_LENGTH = 22;
const SECRET_LENGTH = 43;
const MAC_LENGTH = 43;

const b64url = (buf: Buffer) => buf.toString('base64url');

export function newSubscriberId(): string {
  return b64url(randomBytes(16));
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export interface ConfirmSecret {
  /** Goes into the link. */
  token: string;
  /** Goes into the database. */
  hash: string;
}

export function newConfirmToken(subscriberId: string): ConfirmSecret {
  const secret = b64url(randomBytes(32));
  return { token: subscriberId + secret, hash: sha256Hex(secret) };
}

/** Splits a confirmation token; null when it cannot be one of ours. */
export function parseConfirmToken(token: unknown): { id: string; hash: string } | null {
  if (typeof token !== 'string' || token.length !== ID_LENGTH + SECRET_LENGTH || !B64URL.test(token))
    return null;
  return { id: token.slice(0, ID_LENGTH), hash: sha256Hex(token.slice(ID_LENGTH)) };
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Unsubscribe tokens carry the id of the key that signed them (functions/core/unsubscribe-keys.ts),
 * so a key can be rotated while links already sent keep working: `id + keyId + mac` (69 chars).
 * Tokens sent before key ids existed are `id + mac` (65 chars); they were made with the one plain
 * secret there was, which keeps the id LEGACY_KEY_ID in a keyring.
 */
export const KEY_ID_LENGTH = 4;
export const LEGACY_KEY_ID = '0000';
const KEY_ID = /^[a-z0-9]{4}$/;

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/** A key that signs new tokens. */
export interface SigningKey {
  id: string;
  secret: Buffer;
}

function mac(key: Buffer, id: string, keyId?: string): string {
  const input = keyId === undefined ? `unsubscribe:${id}` : `unsubscribe:${keyId}:${id}`;
  return b64url(createHmac('sha256', key).update(input, 'utf8').digest());
}

/**
 * A token for the subscriber. With a SigningKey (every function), it names the key; with a bare
 * Buffer it is the pre-rotation format, kept for tools and tests that hold only a plain secret.
 */
export function unsubscribeToken(key: Buffer | SigningKey, subscriberId: string): string {
  if (Buffer.isBuffer(key)) return subscriberId + mac(key, subscriberId);
  return subscriberId + key.id + mac(key.secret, subscriberId, key.id);
}

export interface TokenParts {
  subscriberId: string;
  /** LEGACY_KEY_ID for a token without a key id. */
  keyId: string;
  legacy: boolean;
  mac: string;
}

/** Splits a token by its shape; null when it cannot be one of ours. */
export function unsubscribeTokenParts(token: unknown): TokenParts | null {
  if (typeof token !== 'string' || !B64URL.test(token)) return null;
  const subscriberId = token.slice(0, ID_LENGTH);
  if (token.length === ID_LENGTH + MAC_LENGTH) {
    return { subscriberId, keyId: LEGACY_KEY_ID, legacy: true, mac: token.slice(ID_LENGTH) };
  }
  if (token.length !== ID_LENGTH + KEY_ID_LENGTH + MAC_LENGTH) return null;
  const keyId = token.slice(ID_LENGTH, ID_LENGTH + KEY_ID_LENGTH);
  if (!KEY_ID.test(keyId)) return null;
  return { subscriberId, keyId, legacy: false, mac: token.slice(ID_LENGTH + KEY_ID_LENGTH) };
}

/**
 * Whether the token's MAC is the one `secret` gives, in constant time. Compares the MAC as
 * text, not decoded: the last of its 43 characters has 2 unused bits, which a decoder ignores,
 * so a decoded comparison would take four spellings of every token.
 */
export function macMatches(secret: Buffer, parts: TokenParts): boolean {
  const given = Buffer.from(parts.mac, 'latin1');
  const expected = Buffer.from(
    mac(secret, parts.subscriberId, parts.legacy ? undefined : parts.keyId),
    'latin1',
  );
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The subscriber id the token was issued for, or null for a forged, truncated or malformed token,
 * checked against one plain secret (its tokens: without a key id, or with LEGACY_KEY_ID). The
 * functions check against the whole keyring instead (unsubscribe-keys.ts checkUnsubscribeToken).
 */
export function verifyUnsubscribeToken(key: Buffer, token: unknown): string | null {
  const parts = unsubscribeTokenParts(token);
  if (!parts || parts.keyId !== LEGACY_KEY_ID) return null;
  return macMatches(key, parts) ? parts.subscriberId : null;
}
