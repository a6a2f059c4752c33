/**
 * Email address normalisation and syntax checks. The local part is kept as typed (it is
 * case-sensitive by the RFC and some corporate gateways honour that); the domain is
 * lower-cased and IDNs are converted to ASCII so one mailbox has one key.
 *
 * Deliberately narrower than RFC 5321 where SES or real mailboxes make the extra syntax
 * useless or risky (see test/unit/email-address.test.ts for each difference):
 * - the local part must be 7-bit ASCII: SES does not support SMTPUTF8;
 * - a quoted local part is accepted only when it is a plain dot-atom in quotes
 *   (`"foo"@x` → `foo@x`, the same mailbox by RFC 5321 §4.1.2); quoted spaces,
 *   backslashes and specials are refused.
 */
import { domainToASCII } from 'node:url';

export const MAX_EMAIL_LENGTH = 254;
export const MAX_LOCAL_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
// RFC 5322 dot-atom for the local part, ASCII only: SES cannot send to SMTPUTF8 local parts.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// A domain label before IDN conversion: letters, digits, combining marks and hyphens of any script.
const UNICODE_LABEL = /^[\p{L}\p{N}\p{M}-]+$/u;
const ASCII_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// Top-level domains are alphabetic (or punycode): rejects IP-like and numeric endings.
const TLD = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// `[192.0.2.1]`, `[IPv6:…]` or a bare dotted quad: a host, not a domain (RFC 5321 §4.1.3).
const ADDRESS_LITERAL = /^\[.*\]$|^\d{1,3}(\.\d{1,3}){3}$/;
// Full-width ASCII forms (ＡＢＣ＠) and the ideographic space: typed with a Japanese IME left on.
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/u;

/** Why an address was refused; each has a message for the person on the form. */
export type EmailProblem =
  | 'empty'
  | 'too-long'
  | 'missing-at'
  | 'full-width'
  | 'whitespace'
  | 'local-part'
  | 'domain'
  | 'address-literal'
  | 'reserved-domain'
  | 'source-route';

export type EmailCheck = { ok: true; email: string } | { ok: false; problem: EmailProblem };

export function checkEmail(raw: unknown): EmailCheck {
  const fail = (problem: EmailProblem): EmailCheck => ({ ok: false, problem });
  if (typeof raw !== 'string') return fail('empty');
  const trimmed = raw.trim();
  if (trimmed.length === 0) return fail('empty');
  if (trimmed.length > MAX_EMAIL_LENGTH) return fail('too-long');
  if (FULL_WIDTH.test(trimmed)) return fail('full-width');
  if (/[\s\p{Cc}\p{Cf}]/u.test(trimmed)) return fail('whitespace');
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return fail('missing-at');
  if (ADDRESS_LITERAL.test(trimmed.slice(at + 1))) return fail('address-literal');
  const local = unquote(trimmed.slice(0, at));
  if (local === null || !LOCAL_PART.test(local)) return fail('local-part');
  if (local.length > MAX_LOCAL_LENGTH) return fail('too-long');
  const domain = asciiDomain(trimmed.slice(at + 1));
  if (domain === null) return fail('domain');
  if (domain.length > MAX_DOMAIN_LENGTH) return fail('too-long');
  const email = `${local}@${domain}`;
  return email.length <= MAX_EMAIL_LENGTH ? { ok: true, email } : fail('too-long');
}

/**
 * Top-level domains no mail to which can ever be delivered, each with its reason (the README
 * lists them too). Only reserved or never-delegated names: an existing TLD is never guessed at.
 */
export const UNDELIVERABLE_TLDS: Readonly<Record<string, string>> = {
  test: 'RFC 2606 / RFC 6761: reserved for testing, never in the DNS',
  example: 'RFC 2606: reserved for documentation',
  invalid: 'RFC 2606 / RFC 6761: guaranteed not to exist',
  localhost: "RFC 2606 / RFC 6761: the sender's own machine",
  local: 'RFC 6762: multicast DNS inside one network, unreachable from SES',
  onion: 'RFC 7686: Tor onion services, unreachable by ordinary SMTP',
  alt: 'RFC 9476: names outside the DNS',
  internal: 'ICANN (2024): reserved for private networks, never delegated',
  arpa: 'RFC 3172: DNS infrastructure (reverse lookups, home.arpa of RFC 8375), no mailboxes',
  home: 'ICANN (2018): will not be delegated (private-network name collisions)',
  corp: 'ICANN (2018): will not be delegated (private-network name collisions)',
  mail: 'ICANN (2018): will not be delegated (private-network name collisions)',
  lan: 'not in the root zone: a private-network name',
  localdomain: 'not in the root zone: the default name of unconfigured hosts',
};

/**
 * Local-part characters that mean routing, not a mailbox: `%` (the "percent hack", RFC 1123
 * §5.2.16, which some relays still honour to forward elsewhere) and `!` (UUCP bang paths). Valid
 * syntax, so stored rows with them are still found; a new sign-up or import is refused, because
 * such an address asks a relay to send our mail on to a host its owner chose.
 */
const SOURCE_ROUTE = /[%!]/;

/**
 * checkEmail, then what makes an address undeliverable although well-formed: for sign-ups and
 * imports, where a new address enters. Lookups (CLI, SES events) use checkEmail alone, so rows
 * stored before a rule existed are still found.
 */
export function checkNewAddress(raw: unknown): EmailCheck {
  const checked = checkEmail(raw);
  if (!checked.ok) return checked;
  const at = checked.email.lastIndexOf('@');
  if (SOURCE_ROUTE.test(checked.email.slice(0, at))) return { ok: false, problem: 'source-route' };
  const tld = checked.email.slice(checked.email.lastIndexOf('.') + 1);
  if (Object.hasOwn(UNDELIVERABLE_TLDS, tld)) return { ok: false, problem: 'reserved-domain' };
  return checked;
}

/** The normalised address, or null when it is not one we can send to. */
export function normalizeEmail(raw: string): string | null {
  const checked = checkEmail(raw);
  return checked.ok ? checked.email : null;
}

/** Domains whose mailboxes ignore dots in the local part (Gmail), mapped to one name. */
const DOTLESS_DOMAINS = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/**
 * The mailbox a normalised address most likely reaches, for counting mail sent to it (never
 * for storing or sending): the local part lower-cased (corporate servers match it without
 * case), cut at the first "+" (sub-addressing, on by default at Gmail and Microsoft 365), and
 * without dots at Gmail. Merging two real mailboxes only makes them share a limit; failing to
 * merge one mailbox's variants would let anyone mail it once per variant. "-" is not cut: it
 * is common inside real names and rarely a sub-address separator.
 */
export function mailboxKey(normalisedEmail: string): string {
  const at = normalisedEmail.lastIndexOf('@');
  const domain = normalisedEmail.slice(at + 1).toLowerCase();
  let local = normalisedEmail.slice(0, at).toLowerCase();
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS.get(domain);
  return dotless ? `${local.replace(/\./g, '')}@${dotless}` : `${local}@${domain}`;
}

/** `"foo.bar"` → `foo.bar`; any other quoted form → null; unquoted → as is. */
function unquote(local: string): string | null {
  if (!local.startsWith('"')) return local;
  if (local.length < 3 || !local.endsWith('"')) return null;
  const inner = local.slice(1, -1);
  return LOCAL_PART.test(inner) ? inner : null;
}

function asciiDomain(raw: string): string | null {
  const lower = raw.toLowerCase();
  const unicodeLabels = lower.split('.');
  // Checked before conversion: UTS 46 would silently map symbols such as © into a label.
  if (unicodeLabels.length < 2 || !unicodeLabels.every((l) => UNICODE_LABEL.test(l))) return null;
  const domain = domainToASCII(lower);
  if (!domain) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => ASCII_LABEL.test(l))) return null;
  return TLD.test(labels[labels.length - 1]!) ? domain : null;
}
