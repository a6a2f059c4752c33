import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Link tokens. Every token is made of [A-Za-z0-9_-] only, so it can be substituted into
 * already-rendered HTML and text without escaping, and survives mail gateways unchanged.
 *
 * - subscriber id: 128 random bits (22 chars). Links carry it, never the email address.
 * - confirmation token: id + 256-bit random secret (43 chars). Only SHA-256(secret) is stored.
 * - unsubscribe token: id + HMAC-SHA256(key, "unsubscribe:" + id) (43 chars). Nothing is
 *   stored, so old emails keep working for as long as the key lives.
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
  if (typeof token !== 'string' || token.length !== ID_LENGTH + SECRET_LENGTH || !B64URL.test(token)) return null;
  return { id: token.slice(0, ID_LENGTH), hash: sha256Hex(token.slice(ID_LENGTH)) };
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function mac(key: Buffer, id: string): Buffer {
  return createHmac('sha256', key).update(`unsubscribe:${id}`, 'utf8').digest();
}

export function unsubscribeToken(key: Buffer, subscriberId: string): string {
  return subscriberId + b64url(mac(key, subscriberId));
}

/**
 * The subscriber id the token was issued for, or null for a forged, truncated or malformed token.
 * Compares the MAC as text, not decoded: the last of its 43 characters has 2 unused bits, which
 * a decoder ignores, so a decoded comparison would take four spellings of every token.
 */
export function verifyUnsubscribeToken(key: Buffer, token: unknown): string | null {
  if (typeof token !== 'string' || token.length !== ID_LENGTH + MAC_LENGTH || !B64URL.test(token)) return null;
  const id = token.slice(0, ID_LENGTH);
  const given = Buffer.from(token.slice(ID_LENGTH), 'latin1');
  const expected = Buffer.from(b64url(mac(key, id)), 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}
