/**
 * Email address normalisation and syntax checks. The local part is kept as typed (it is
 * case-sensitive by the RFC and some corporate gateways honour that); the domain is
 * lower-cased and IDNs are converted to ASCII so one mailbox has one key.
 */
import { domainToASCII } from 'node:url';

const MAX_LENGTH = 254;
const MAX_LOCAL = 64;
// RFC 5322 dot-atom for the local part, ASCII only: SES cannot send to SMTPUTF8 local parts.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function normalizeEmail(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_LENGTH) return null;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at);
  const domainRaw = trimmed.slice(at + 1);
  if (local.length > MAX_LOCAL || !LOCAL_PART.test(local)) return null;
  if (/\s/u.test(domainRaw)) return null;
  const domain = domainToASCII(domainRaw.toLowerCase());
  if (!domain) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // Top-level domains are alphabetic (or punycode): rejects IP-like and numeric endings.
  const tld = labels[labels.length - 1]!;
  if (!/^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return null;
  const normalized = `${local}@${domain}`;
  return normalized.length <= MAX_LENGTH ? normalized : null;
}
