/**
 * `kawaraban subscribers export`, `subscribers unsubscribe <email>` and `subscribers delete <email>`.
 * The two per-person requests find the reader whatever the case of the address, and list the
 * other spellings of the same mailbox without acting on them unless told (`--all-spellings`).
 *
 * export: every subscriber as CSV (RFC 4180, UTF-8), with status and the consent evidence
 * 特定電子メール法 asks the sender to keep (when, from where, which form, which policy).
 * delete: erases the person's data — the subscriber row and their delivery-ledger rows — and
 * leaves a tombstone holding only SHA-256(normalised address), so a later import cannot bring
 * the address back silently. The person can still subscribe again themselves: that is a new
 * double opt-in, i.e. fresh consent.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { chooseTarget } from './target.ts';
import {
  sameAddressAnyCase,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberStatus,
} from '../functions/core/subscriber.ts';
import { checkEmail } from '../functions/core/email-address.ts';
import { csvCell } from './csv-cell.ts';
import { cliLang, personMessages } from './subscribers-messages.ts';
import { cliDynamo } from './aws-config.ts';

export { csvCell };

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set (run \`npm start\` for the local stack, or set it from the stack outputs)`,
    );
  return value;
}

// Loaded lazily so `--help` never pays for the SDK.
async function stores() {
  await chooseTarget();
  const dynamo = await cliDynamo();
  const { dynamoSubscriberStore } = await import('../functions/adapters/dynamo-subscriber-store.ts');
  return { dynamo, subscribers: dynamoSubscriberStore(dynamo, required('SUBSCRIBERS_TABLE')) };
}

export const CSV_COLUMNS = [
  'email',
  'id',
  'status',
  'locale',
  'createdAt',
  'confirmedAt',
  'unsubscribedAt',
  'consentAt',
  'consentSourceIp',
  'consentUserAgent',
  'consentSource',
  'consentPolicyVersion',
  'signupAt',
  'signupSourceIp',
  'signupUserAgent',
  'softBounces',
] as const;

export function csvRow(s: Subscriber): string {
  const c = s.consent;
  const values: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
    email: s.email,
    id: s.id,
    status: s.status,
    locale: s.locale,
    createdAt: s.createdAt,
    confirmedAt: s.confirmedAt,
    unsubscribedAt: s.unsubscribedAt,
    consentAt: c?.at,
    consentSourceIp: c?.sourceIp,
    consentUserAgent: c?.userAgent,
    consentSource: c?.source,
    consentPolicyVersion: c?.policyVersion,
    signupAt: c?.signup?.at,
    signupSourceIp: c?.signup?.sourceIp,
    signupUserAgent: c?.signup?.userAgent,
    softBounces: s.softBounces,
  };
  return CSV_COLUMNS.map((k) => csvCell(values[k])).join(',');
}

export async function exportSubscribers(opts: {
  out?: string;
  status?: string;
  bom?: boolean;
}): Promise<number> {
  const status = opts.status as SubscriberStatus | undefined;
  if (status && !SUBSCRIBER_STATUSES.includes(status)) {
    const { cliTexts } = await import('./i18n/index.ts');
    const { cliLang } = await import('./context.ts');
    console.error(
      `kawaraban: ${cliTexts[cliLang()].common.badStatus(status, SUBSCRIBER_STATUSES.join(', '))}`,
    );
    return 2;
  }
  const { subscribers } = await stores();
  const out: Writable = opts.out ? createWriteStream(opts.out, { encoding: 'utf8' }) : process.stdout;
  const write = async (line: string) => {
    if (!out.write(`${line}\r\n`)) await once(out, 'drain');
  };
  let count = 0;
  // Excel reads a BOM-less CSV as Shift_JIS on Japanese Windows and garbles the text.
  if (opts.bom) out.write('\uFEFF');
  await write(CSV_COLUMNS.join(','));
  const progress = await exportProgress(!!opts.out);
  let scanned = 0;
  for await (const page of subscribers.scan()) {
    for (const s of page) {
      if (status && s.status !== status) continue;
      await write(csvRow(s));
      count++;
    }
    scanned += page.length;
    progress?.update(scanned);
  }
  progress?.finish();
  if (opts.out) {
    out.end();
    await once(out, 'finish');
    console.error(`kawaraban: wrote ${count} subscribers to ${opts.out}`);
  }
  return 0;
}

/** Progress on stderr, unless the CSV itself is going to the terminal; the total is counted from the byStatus index. */
async function exportProgress(toFile: boolean) {
  if (!toFile && process.stdout.isTTY) return null;
  const [dynamo, { countByStatus }, { Progress }, { cliTexts }, { cliLang }] = await Promise.all([
    cliDynamo(),
    import('../functions/adapters/dynamo-audience.ts'),
    import('./progress.ts'),
    import('./i18n/index.ts'),
    import('./context.ts'),
  ]);
  const table = required('SUBSCRIBERS_TABLE');
  const counts = await Promise.all(SUBSCRIBER_STATUSES.map((st) => countByStatus(dynamo, table, st)));
  return new Progress({
    unit: cliTexts[cliLang()].progress.subscribers,
    total: counts.reduce((a, b) => a + b, 0),
  });
}

export interface PersonRequestOptions {
  /** Act on every spelling of the mailbox (`+tag`, Gmail dots), not only the address in any case. */
  allSpellings?: boolean;
}

/**
 * The rows a per-person request acts on: the address in any case (one reader: an opt-out or an
 * erasure must never miss them because of case), and, only when asked, the other spellings of
 * the same mailbox, which otherwise are listed and left alone (they may be someone else's).
 */
async function rowsFor(email: string, opts: PersonRequestOptions) {
  const { dynamo, subscribers } = await stores();
  const rows = await subscribers.spellingsOf(email);
  const reader = rows.filter((r) => sameAddressAnyCase(r.email, email));
  const others = rows.filter((r) => !sameAddressAnyCase(r.email, email));
  return { dynamo, subscribers, targets: opts.allSpellings ? rows : reader, others };
}

function printOthers(others: Subscriber[], acted: boolean, command: 'unsubscribe' | 'delete'): void {
  if (others.length === 0) return;
  const m = personMessages[cliLang()];
  console.log(m.otherSpellings(others.length, acted));
  if (acted) return;
  for (const r of others) console.log(m.spelling(r.email, r.status));
  console.log(m.allSpellingsHint(command));
}

function checked(rawEmail: string): string | null {
  const result = checkEmail(rawEmail);
  if (result.ok) return result.email;
  console.error(`kawaraban: ${personMessages[cliLang()].notAnAddress(result.problem)}`);
  return null;
}

/**
 * A reader who asked by hand to stop: unsubscribed like the link does, consent record kept,
 * whatever the case they wrote the address in. Exit 1 when no row matched.
 */
export async function unsubscribeSubscriber(
  rawEmail: string,
  opts: PersonRequestOptions = {},
): Promise<number> {
  const email = checked(rawEmail);
  if (!email) return 1;
  const m = personMessages[cliLang()];
  const { subscribers, targets, others } = await rowsFor(email, opts);
  const { unsubscribeAddress } = await import('../functions/core/use-cases/unsubscribe.ts');
  const deps = { store: subscribers, clock: { now: () => new Date() } };
  for (const row of targets) {
    const before = await unsubscribeAddress(deps, row.email);
    console.log(
      before === 'erased'
        ? m.goneMeanwhile(row.email)
        : before === 'pending' || before === 'confirmed'
          ? m.unsubscribed(row.email, before)
          : m.alreadyStopped(row.email, before),
    );
  }
  if (targets.length === 0) console.log(m.noSubscriber);
  printOthers(others, !!opts.allSpellings, 'unsubscribe');
  return targets.length ? 0 : 1;
}

/**
 * An erasure request: every row of the address in any case, and their delivery-ledger rows, go;
 * a case-insensitive tombstone stays, also when no row was found (the request still holds for
 * imports). Exit 1 when no row matched, so a misspelt address does not pass for done.
 */
export async function deleteSubscriber(rawEmail: string, opts: PersonRequestOptions = {}): Promise<number> {
  const email = checked(rawEmail);
  if (!email) return 1;
  const m = personMessages[cliLang()];
  const { dynamo, subscribers, targets, others } = await rowsFor(email, opts);
  const at = new Date().toISOString();
  // The subscriber rows go first: a send in progress then fails its claim (it checks the row).
  try {
    for (const row of targets) {
      if (await subscribers.erase(row.email, at)) console.log(m.deleted(row.email));
    }
    // The typed spelling's tombstone, also when there was no row (the same key as any case of it).
    if (!targets.some((r) => sameAddressAnyCase(r.email, email))) await subscribers.erase(email, at);
  } catch (err) {
    if (err instanceof Error && /changed while being deleted/.test(err.message)) {
      console.error(`kawaraban: ${m.changedWhileDeleting}`);
      return 1;
    }
    throw err;
  }
  const spellings = new Set([email, ...targets.map((r) => r.email)].map((e) => e.toLowerCase()));
  const ledger = process.env.REPORTS_TABLE
    ? await eraseLedgerRows(dynamo, process.env.REPORTS_TABLE, spellings)
    : 0;
  if (targets.length === 0) console.log(m.noSubscriber);
  console.log(m.ledgerErased(ledger));
  console.log(m.tombstone);
  printOthers(others, !!opts.allSpellings, 'delete');
  return targets.length ? 0 : 1;
}

type DocClient = Awaited<ReturnType<typeof stores>>['dynamo'];

/**
 * Ledger rows are keyed `to#<email>` under each report, in the spelling sent to; every case of
 * the addresses goes. Erasure is rare, so one scan of the ledger rows is fine.
 */
async function eraseLedgerRows(dynamo: DocClient, table: string, lowerCased: Set<string>): Promise<number> {
  let start: Record<string, unknown> | undefined;
  let erased = 0;
  do {
    const page = await dynamo.scan({
      TableName: table,
      FilterExpression: 'begins_with(#item, :to)',
      ProjectionExpression: 'reportId, #item',
      ExpressionAttributeNames: { '#item': 'item' },
      ExpressionAttributeValues: { ':to': 'to#' },
      ExclusiveStartKey: start,
    });
    const keys = (page.Items ?? [])
      .filter((i) => lowerCased.has(String(i.item).slice(3).toLowerCase()))
      .map((i) => ({ reportId: i.reportId, item: i.item }));
    for (let i = 0; i < keys.length; i += 25) {
      let batch: Record<string, unknown>[] | undefined = keys
        .slice(i, i + 25)
        .map((Key) => ({ DeleteRequest: { Key } }));
      while (batch?.length) {
        const out = await dynamo.batchWrite({ RequestItems: { [table]: batch } });
        batch = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
      }
    }
    erased += keys.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return erased;
}
