/**
 * The unsubscribe keyring: every key that has signed links, which one signs new mail, and until
 * when each older one still verifies. It is the secret's value (Secrets Manager on AWS, a file
 * locally), as JSON; a secret that is one plain string (as the stack generates it, and as it was
 * before rotation existed) is a ring of one key, LEGACY_KEY_ID, which also verifies the tokens
 * sent without a key id.
 *
 * - current: signs every new token.
 * - retiresAt: after it, the key's links no longer unsubscribe; they show the page that offers
 *   the contact (a leaked key must stop working, and an old one cannot be kept forever).
 * A retired key is kept in the ring, so its links can be told apart from forged ones.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { isKeyId, LEGACY_KEY_ID, macMatches, unsubscribeTokenParts, type SigningKey } from './tokens.ts';
import * as z from './zod.ts';

export const MIN_SECRET_LENGTH = 32;
/** How long an old key keeps verifying links already sent, unless the operator says otherwise. */
export const DEFAULT_KEEP_OLD_DAYS = 730;

export interface UnsubscribeKey {
  id: string;
  secret: string;
  addedAt?: string;
  retiresAt?: string;
}

export interface Keyring {
  current: string;
  keys: UnsubscribeKey[];
}

const keySchema = z.object({
  id: z.string().check(z.refine(isKeyId, 'a key id is 4 characters a-z 0-9')),
  secret: z.string().check(z.minLength(MIN_SECRET_LENGTH)),
  addedAt: z.optional(z.iso.datetime({ offset: true })),
  retiresAt: z.optional(z.iso.datetime({ offset: true })),
});
const ringSchema = z
  .strictObject({
    kawarabanKeyring: z.literal(1),
    current: z.string(),
    keys: z.array(keySchema).check(z.minLength(1)),
  })
  .check(
    z.refine((r) => new Set(r.keys.map((k) => k.id)).size === r.keys.length, 'key ids must be unique'),
    z.refine(
      (r) => r.keys.some((k) => k.id === r.current && !k.retiresAt),
      'current must name a key that does not retire',
    ),
  );

/** Where functions get the ring (functions/adapters/secret.ts). */
export interface KeyringSource {
  /** The ring, from the cache while it is younger than its maxAge. */
  get(): Promise<Keyring>;
  /** The ring read again now (throttled): a rotation newer than the cache. */
  refresh(): Promise<Keyring>;
}

/** A fixed ring (tests, tools): nothing to refresh. */
export function fixedKeyring(ring: Keyring): KeyringSource {
  return { get: async () => ring, refresh: async () => ring };
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/**
 * The ring a secret's value holds. Messages never quote the value: JSON.parse's and zod's own
 * messages can carry a piece of it, and they end up in logs.
 */
export function parseKeyring(raw: string | undefined): Keyring {
  const text = raw?.trim() ?? '';
  if (!text.startsWith('{')) {
    if (text.length < MIN_SECRET_LENGTH)
      throw new KeyringError('unsubscribe secret is missing or shorter than 32 characters');
    return { current: LEGACY_KEY_ID, keys: [{ id: LEGACY_KEY_ID, secret: text }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyringError('unsubscribe secret starts with "{" but is not valid JSON');
  }
  const parsed = ringSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(ring)'}: ${i.message}`).join('; ');
    throw new KeyringError(`unsubscribe keyring is invalid: ${where}`);
  }
  return { current: parsed.data.current, keys: parsed.data.keys };
}

export function serializeKeyring(ring: Keyring): string {
  return JSON.stringify({ kawarabanKeyring: 1, current: ring.current, keys: ring.keys }, null, 2);
}

export function signingKey(ring: Keyring): SigningKey {
  const key = ring.keys.find((k) => k.id === ring.current)!;
  return { id: key.id, secret: Buffer.from(key.secret, 'utf8') };
}

export type TokenCheck =
  | { kind: 'valid'; subscriberId: string; keyId: string }
  /** Signed by a key whose time is over: the reader is shown the contact. */
  | { kind: 'retired'; keyId: string }
  /** Names a key this ring does not hold (yet: a rotation newer than the cached ring, or forged). */
  | { kind: 'unknown-key'; keyId: string }
  | { kind: 'invalid' };

/**
 * checkToken against the source's ring; a token naming a key the cached ring does not hold is
 * checked once more against a fresh read (a rotation the dispatcher saw before this instance).
 */
export async function checkTokenWith(keys: KeyringSource, token: unknown, now: Date): Promise<TokenCheck> {
  const first = checkToken(await keys.get(), token, now);
  if (first.kind !== 'unknown-key') return first;
  return checkToken(await keys.refresh(), token, now);
}

export function checkToken(ring: Keyring, token: unknown, now: Date): TokenCheck {
  const parts = unsubscribeTokenParts(token);
  if (!parts) return { kind: 'invalid' };
  const key = ring.keys.find((k) => k.id === parts.keyId);
  if (!key) return { kind: 'unknown-key', keyId: parts.keyId };
  if (!macMatches(Buffer.from(key.secret, 'utf8'), parts)) return { kind: 'invalid' };
  if (key.retiresAt && Date.parse(key.retiresAt) <= now.getTime()) return { kind: 'retired', keyId: key.id };
  return { kind: 'valid', subscriberId: parts.subscriberId, keyId: key.id };
}

export interface RotateOptions {
  now: Date;
  /** Days the previous keys keep verifying links already sent; 0 retires them now (after a leak). */
  keepOldDays: number;
}

/**
 * A new key becomes current; every older key that would outlive `now + keepOldDays` retires
 * then (a key already retiring sooner keeps its date). Returns the new ring and the new key's id.
 */
export function rotateKeyring(ring: Keyring, opts: RotateOptions): { ring: Keyring; added: string } {
  const retiresAt = new Date(opts.now.getTime() + opts.keepOldDays * 86_400_000);
  const taken = new Set([LEGACY_KEY_ID, ...ring.keys.map((k) => k.id)]);
  let id: string;
  do id = newKeyId();
  while (taken.has(id));
  const keys = ring.keys.map((k) =>
    k.retiresAt && Date.parse(k.retiresAt) <= retiresAt.getTime()
      ? k
      : { ...k, retiresAt: retiresAt.toISOString() },
  );
  keys.push({ id, secret: randomBytes(48).toString('base64url'), addedAt: opts.now.toISOString() });
  return { ring: { current: id, keys }, added: id };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
function newKeyId(): string {
  return Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** What an operator may see of a ring: ids and dates, never a secret. */
export function describeKeyring(
  ring: Keyring,
): { id: string; current: boolean; addedAt?: string; retiresAt?: string }[] {
  return ring.keys.map((k) => ({
    id: k.id,
    current: k.id === ring.current,
    addedAt: k.addedAt,
    retiresAt: k.retiresAt,
  }));
}
