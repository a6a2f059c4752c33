/**
 * The DNS half of the doctor: DKIM CNAMEs, the MAIL FROM MX and SPF, DMARC, the API's custom
 * domain. The resolver is a port (Node's dns.promises.Resolver fits it), so tests point it at
 * a DNS server on loopback and no real DNS is ever asked.
 */
import { type Check, fail, type Facts, pass, skip } from './check.ts';

export interface DnsPort {
  resolveCname(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
}

export interface TlsResult {
  authorized: boolean;
  error?: string;
  validTo?: Date;
}
export type TlsProbe = (host: string) => Promise<TlsResult>;

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** Records that are not there (as opposed to a resolver that did not answer). */
const isAbsent = (err: unknown) => ['ENOTFOUND', 'ENODATA'].includes((err as { code?: string })?.code ?? '');

async function lookup<T>(q: () => Promise<T>): Promise<T | null> {
  try {
    return await q();
  } catch (err) {
    if (isAbsent(err)) return null;
    throw err;
  }
}

export async function checkDkimDns(dns: DnsPort, domain: string, tokens: string[]): Promise<Check> {
  if (tokens.length === 0)
    return fail('dkim-dns', { domain, missing: '(SES has no DKIM tokens for the identity)' });
  const bad: string[] = [];
  for (const token of tokens) {
    const name = `${token}._domainkey.${domain}`;
    const want = `${token}.dkim.amazonses.com`;
    const got = await lookup(() => dns.resolveCname(name));
    if (!got?.some((c) => bare(c) === want)) bad.push(`${name}. CNAME ${want}`);
  }
  return bad.length
    ? fail('dkim-dns', { domain, missing: bad.join(' ; ') })
    : pass('dkim-dns', { domain, count: String(tokens.length) });
}

export async function checkMailFromMx(
  dns: DnsPort,
  mailFrom: string | undefined,
  region: string,
): Promise<Check> {
  if (!mailFrom) return skip('mail-from-mx');
  const want = `feedback-smtp.${region}.amazonses.com`;
  const mx = (await lookup(() => dns.resolveMx(mailFrom))) ?? [];
  const facts: Facts = {
    domain: mailFrom,
    record: `${mailFrom}. MX 10 ${want}`,
    found: mx.map((r) => r.exchange).join(', '),
  };
  return mx.some((r) => bare(r.exchange) === want)
    ? pass('mail-from-mx', facts)
    : fail('mail-from-mx', facts);
}

export async function checkMailFromSpf(dns: DnsPort, mailFrom: string | undefined): Promise<Check> {
  if (!mailFrom) return skip('mail-from-spf');
  const txt = ((await lookup(() => dns.resolveTxt(mailFrom))) ?? []).map((parts) => parts.join(''));
  const spf = txt.filter((t) => /^v=spf1(\s|$)/i.test(t));
  const facts: Facts = {
    domain: mailFrom,
    record: `${mailFrom}. TXT "v=spf1 include:amazonses.com ~all"`,
    found: spf.join(' | '),
  };
  // Two SPF records are a permerror (RFC 7208 §4.5): as bad as none.
  const ok = spf.length === 1 && /(^|\s)[+]?include:amazonses\.com(\s|$)/i.test(spf[0]!);
  return ok
    ? pass('mail-from-spf', facts)
    : fail('mail-from-spf', { ...facts, several: spf.length > 1 ? 'yes' : '' });
}

/**
 * Public suffixes with two labels that senders here meet (a full Public Suffix List is not
 * worth a dependency for one fallback lookup): the organisational domain of news.example.co.jp
 * is example.co.jp.
 */
const TWO_LABEL_SUFFIXES = new Set([
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'go.jp',
  'gr.jp',
  'ed.jp',
  'lg.jp',
  'ad.jp',
  'co.uk',
  'org.uk',
  'com.au',
]);

export function organisationalDomain(domain: string): string {
  const labels = bare(domain).split('.');
  const keep = TWO_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** DMARC as receivers find it (RFC 7489 §6.6.3): the From domain's record, else the organisational domain's. */
export async function checkDmarc(dns: DnsPort, domain: string): Promise<Check> {
  const candidates = [...new Set([bare(domain), organisationalDomain(domain)])];
  for (const d of candidates) {
    const txt = ((await lookup(() => dns.resolveTxt(`_dmarc.${d}`))) ?? []).map((parts) => parts.join(''));
    const record = txt.find((t) => /^v=DMARC1\s*(;|$)/i.test(t));
    if (!record) continue;
    const policy = /(?:^|;)\s*p\s*=\s*(\w+)/i.exec(record)?.[1]?.toLowerCase();
    const facts: Facts = { domain: d, policy: policy ?? '', record };
    return policy && ['none', 'quarantine', 'reject'].includes(policy)
      ? pass('dmarc', facts)
      : fail('dmarc', facts);
  }
  return fail('dmarc', { domain: organisationalDomain(domain), policy: '', record: '' });
}

/** The API's custom domain: its name resolves (CNAME to API Gateway, or an alias) and serves a valid certificate. */
export async function checkApiDomain(
  dns: DnsPort,
  tls: TlsProbe,
  name: string | undefined,
  target: string | undefined,
  now: Date,
): Promise<Check> {
  if (!name) return skip('api-domain');
  const facts: Facts = { domain: name, record: target ? `${name}. CNAME ${target}` : '' };
  const cname = await lookup(() => dns.resolveCname(name));
  if (cname && target && !cname.some((c) => bare(c) === bare(target))) {
    return fail('api-domain', { ...facts, problem: `CNAME → ${cname.join(', ')}` });
  }
  if (!cname && !(await lookup(() => dns.resolve4(name)))?.length)
    return fail('api-domain', { ...facts, problem: 'no record' });
  const cert = await tls(name);
  if (!cert.authorized)
    return fail('api-domain', { ...facts, problem: `TLS: ${cert.error ?? 'certificate not trusted'}` });
  const validTo = cert.validTo?.toISOString().slice(0, 10) ?? '';
  // ACM renews a month ahead; two weeks left means renewal is stuck (usually its DNS validation record).
  if (cert.validTo && cert.validTo.getTime() - now.getTime() < 14 * 86_400_000) {
    return fail('api-domain', { ...facts, problem: `TLS: expires ${validTo}` });
  }
  return pass('api-domain', { ...facts, validTo });
}
