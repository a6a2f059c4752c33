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
// Full-width ASCII forms (ＡＢＣ＠) and the ideographic space: typed with a Japanese IME left on.
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/u;

/** Why an address was refused; each has a message for the person on the form. */
export type EmailProblem = 'empty' | 'too-long' | 'missing-at' | 'full-width' | 'whitespace' | 'local-part' | 'domain';

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
  const local = unquote(trimmed.slice(0, at));
  if (local === null || !LOCAL_PART.test(local)) return fail('local-part');
  if (local.length > MAX_LOCAL_LENGTH) return fail('too-long');
  const domain = asciiDomain(trimmed.slice(at + 1));
  if (domain === null) return fail('domain');
  if (domain.length > MAX_DOMAIN_LENGTH) return fail('too-long');
  const email = `${local}@${domain}`;
  return email.length <= MAX_EMAIL_LENGTH ? { ok: true, email } : fail('too-long');
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
