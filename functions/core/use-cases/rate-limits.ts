/**
 * Abuse limits on the sign-up path and the port that enforces them. The numbers live here,
 * the mechanism (atomic DynamoDB conditional updates, TTL clean-up) in the adapter.
 *
 * A counter that cannot be read or written (DynamoDB throttled or down) fails closed: the
 * error reaches the handler, which answers 503 with Retry-After and sends nothing. Failing
 * open would hand a stranger's inbox to whoever can make DynamoDB throttle, and a sign-up
 * could not be stored then anyway.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { mailboxKey } from '../email-address.ts';
import { sha256Hex } from '../tokens.ts';

/** A fixed window: at most `max` requests per `seconds`, counted atomically. */
export interface FixedWindow {
  seconds: number;
  max: number;
}

/**
 * Requests to POST /subscribe (and "send me a new link") per client network.
 * Generous enough for a company behind one proxy signing up after an internal announcement,
 * small enough that one client cannot use us to mail thousands of strangers a day.
 */
export const CLIENT_LIMITS: readonly FixedWindow[] = [
  { seconds: 600, max: 20 },
  { seconds: 86_400, max: 100 },
];

/**
 * Requests per IPv6 /48 on top of the per-/64 limits: a /48 is what one site, or anyone with a
 * free tunnel-broker prefix, routes, and its 65,536 /64s would otherwise each get CLIENT_LIMITS.
 */
export const IPV6_SITE_LIMITS: readonly FixedWindow[] = [
  { seconds: 600, max: 100 },
  { seconds: 86_400, max: 500 },
];

/** A sliding rule: at least `minGapSeconds` between events and at most `max` per `windowSeconds`. */
export interface SpacingRule {
  minGapSeconds: number;
  max: number;
  windowSeconds: number;
}

/** Confirmation emails per address: one per 10 minutes, three per 24 hours (sliding). */
export const CONFIRMATION_EMAIL_LIMIT: SpacingRule = { minGapSeconds: 600, max: 3, windowSeconds: 86_400 };

/**
 * Confirmation emails to a mailbox that once bounced or complained, on top of the limit above:
 * one per 7 days, counted from the first one after the bounce or complaint. Anyone can
 * type an address into the form; a mailbox that marked us as spam (or does not exist) must not
 * get three mails a day from strangers' sign-ups, each a new complaint or bounce against our
 * reputation. A person who really wants back in still gets a link, and can ask again in a week.
 */
export const SUPPRESSED_CONFIRMATION_LIMIT: SpacingRule = {
  minGapSeconds: 7 * 86_400,
  max: 1,
  windowSeconds: 7 * 86_400,
};

/**
 * Test sends (`kawaraban report send-test`), for the whole stack, in sliding windows (exact:
 * no burst at a window's edge): a few a minute is plenty for an editor checking a report, and
 * caps what a leaked editor credential can mail strangers.
 */
export const TEST_SEND_LIMITS: readonly SpacingRule[] = [
  { minGapSeconds: 0, max: 20, windowSeconds: 3600 },
  { minGapSeconds: 0, max: 3, windowSeconds: 60 },
];

export type LimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimitStore {
  /** Counts one request in every window, unless one of them is already full. */
  countRequest(key: string, windows: readonly FixedWindow[], now: Date): Promise<LimitResult>;
  /** Records one event under the spacing rule, unless it would break it. */
  recordSpaced(key: string, rule: SpacingRule, now: Date): Promise<LimitResult>;
  /**
   * Remembers, without expiry, that mail to this mailbox (an `addressKey`) bounced for good or
   * drew a complaint: the mark covers every spelling of the mailbox, also ones never stored.
   */
  markMailboxSuppressed(key: string, now: Date): Promise<void>;
  isMailboxSuppressed(key: string): Promise<boolean>;
}

/**
 * The key a client is counted under: an IPv4 address, or the /64 of an IPv6 address (one
 * subscriber line gets a whole /64, so counting single v6 addresses would limit nothing).
 * Hashed, so the counters hold no address. The address is API Gateway's
 * `requestContext.http.sourceIp` (the TCP peer), never a header such as X-Forwarded-For.
 */
export function clientKey(sourceIp: string): string {
  return `client#${sha256Hex(clientNetwork(sourceIp)).slice(0, 32)}`;
}

/** Every counter one request from this client is counted in: its address or /64, and for IPv6 its /48. */
export function clientCounters(sourceIp: string): { key: string; windows: readonly FixedWindow[] }[] {
  const counters = [{ key: clientKey(sourceIp), windows: CLIENT_LIMITS }];
  const site = ipv6Prefix(sourceIp, 3);
  if (site) counters.push({ key: `site#${sha256Hex(site).slice(0, 32)}`, windows: IPV6_SITE_LIMITS });
  return counters;
}

export function clientNetwork(sourceIp: string): string {
  const ip = bareIp(sourceIp);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip)) return ip;
  return ipv6Prefix(ip, 4) ?? 'unknown';
}

const bareIp = (sourceIp: string) => sourceIp.trim().replace(/\/\d+$/, '');

/** The first `groups` 16-bit groups of an IPv6 address as a prefix ("2001:db8:1::/48"), or null. */
function ipv6Prefix(sourceIp: string, groups: number): string | null {
  const ip = bareIp(sourceIp);
  if (!isIPv6(ip) || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return null;
  return `${expandIPv6(ip).slice(0, groups).join(':')}::/${groups * 16}`;
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * The key an address's confirmation emails are counted under: its mailbox (case, +tag and
 * Gmail-dot variants share one limit), hashed so the counter holds no address.
 */
export function addressKey(normalisedEmail: string): string {
  return `address#${sha256Hex(mailboxKey(normalisedEmail))}`;
}
