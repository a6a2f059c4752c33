/**
 * `kawaraban subscribers export`, `subscribers unsubscribe <email>` and `subscribers delete <email>`.
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
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { loadCliEnv } from './env.ts';
import { SUBSCRIBER_STATUSES, type Subscriber, type SubscriberStatus } from '../functions/core/subscriber.ts';
import { checkEmail } from '../functions/core/email-address.ts';
import { csvCell } from './csv-cell.ts';

export { csvCell };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run \`npm start\` for the local stack, or set it from the stack outputs)`);
  return value;
}

// Loaded lazily so `--help` never pays for the SDK.
async function stores() {
  loadCliEnv();
  const { dynamo } = await import('../functions/adapters/aws/dynamo.ts');
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

export async function exportSubscribers(opts: { out?: string; status?: string; bom?: boolean }): Promise<number> {
  const status = opts.status as SubscriberStatus | undefined;
  if (status && !SUBSCRIBER_STATUSES.includes(status)) {
    console.error(`kawaraban: --status must be one of ${SUBSCRIBER_STATUSES.join(', ')}`);
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
  for await (const page of subscribers.scan()) {
    for (const s of page) {
      if (status && s.status !== status) continue;
      await write(csvRow(s));
      count++;
    }
  }
  if (opts.out) {
    out.end();
    await once(out, 'finish');
    console.error(`kawaraban: wrote ${count} subscribers to ${opts.out}`);
  }
  return 0;
}

/** A reader who asked by hand to stop: unsubscribed like the link does, consent record kept. */
export async function unsubscribeSubscriber(rawEmail: string): Promise<number> {
  const checked = checkEmail(rawEmail);
  if (!checked.ok) {
    console.error(`kawaraban: not an email address we could have stored (${checked.problem})`);
    return 1;
  }
  const { subscribers } = await stores();
  const { unsubscribeAddress } = await import('../functions/core/use-cases/unsubscribe.ts');
  const before = await unsubscribeAddress({ store: subscribers, clock: { now: () => new Date() } }, checked.email);
  console.log(
    before === 'erased'
      ? 'no subscriber with that address: nothing to stop'
      : before === 'pending' || before === 'confirmed'
        ? `unsubscribed (was ${before}); a send under way skips them from its next claim`
        : `already ${before}: never mailed, nothing changed`,
  );
  return 0;
}

export async function deleteSubscriber(rawEmail: string): Promise<number> {
  const checked = checkEmail(rawEmail);
  if (!checked.ok) {
    console.error(`kawaraban: not an email address we could have stored (${checked.problem})`);
    return 1;
  }
  const email = checked.email;
  const { dynamo, subscribers } = await stores();
  const existed = await subscribers.erase(email, new Date().toISOString());
  // The subscriber row goes first: a send in progress then fails its claim (it checks the row).
  const ledger = process.env.REPORTS_TABLE ? await eraseLedgerRows(dynamo, process.env.REPORTS_TABLE, email) : 0;
  console.log(
    existed
      ? `deleted the subscriber and ${ledger} delivery-ledger row(s); a hashed tombstone keeps the address from being re-imported`
      : `no subscriber with that address; ${ledger} delivery-ledger row(s) erased; a hashed tombstone now keeps it from being imported`,
  );
  return 0;
}

type DocClient = Awaited<ReturnType<typeof stores>>['dynamo'];

/** Ledger rows are keyed `to#<email>` under each report; erasure is rare, so one filtered scan is fine. */
async function eraseLedgerRows(dynamo: DocClient, table: string, email: string): Promise<number> {
  let start: Record<string, unknown> | undefined;
  let erased = 0;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#item = :k',
        ProjectionExpression: 'reportId, #item',
        ExpressionAttributeNames: { '#item': 'item' },
        ExpressionAttributeValues: { ':k': `to#${email}` },
        ExclusiveStartKey: start,
      }),
    );
    const keys = (page.Items ?? []).map((i) => ({ reportId: i.reportId, item: i.item }));
    for (let i = 0; i < keys.length; i += 25) {
      let batch: Record<string, unknown>[] | undefined = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (batch?.length) {
        const out = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
        batch = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
      }
    }
    erased += keys.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return erased;
}
