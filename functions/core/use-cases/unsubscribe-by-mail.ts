/**
 * Unsubscribe by mail: the `mailto:` of List-Unsubscribe, received by SES and handed over one
 * record at a time. Same guarantees as the one-click POST, because it is the same use case.
 * 1. Read the record (unsubscribe-mail.ts): addressed to our mailbox? virus? token in the subject?
 * 2. A token → the existing `unsubscribe` use case (HMAC verified in constant time, idempotent);
 *    a retired key's token changes nothing (retired-key).
 * 3. Nothing is ever sent back: a reply would go to a From address anyone can forge (backscatter).
 * Storage errors propagate, so Lambda retries the event; a repeat changes nothing more.
 */
import { readUnsubscribeMail } from '../unsubscribe-mail.ts';
import { unsubscribe, type UnsubscribeDeps } from './unsubscribe.ts';

export type MailUnsubscribeOutcome =
  | 'unsubscribed'
  | 'invalid-token'
  | 'retired-key'
  | 'no-token'
  | 'not-for-us'
  | 'virus';

export interface MailUnsubscribeDeps {
  store: UnsubscribeDeps['store'];
  clock: UnsubscribeDeps['clock'];
  /** Read lazily: a mail that carries no token never needs the keys. */
  keys: UnsubscribeDeps['keys'];
  metrics?: UnsubscribeDeps['metrics'];
  /** UNSUBSCRIBE_MAILTO: the only recipient we act for. */
  mailbox: string;
}

export async function unsubscribeByMail(
  deps: MailUnsubscribeDeps,
  record: unknown,
): Promise<MailUnsubscribeOutcome> {
  const mail = readUnsubscribeMail(record, deps.mailbox);
  if (mail.kind !== 'token') return mail.kind;
  const outcome = await unsubscribe(
    { store: deps.store, clock: deps.clock, keys: deps.keys, metrics: deps.metrics },
    mail.token,
  );
  return outcome.kind === 'unsubscribed'
    ? 'unsubscribed'
    : outcome.kind === 'retired'
      ? 'retired-key'
      : 'invalid-token';
}

/** How many of each outcome: the only thing the handler logs (never an address, subject or token). */
export function countOutcomes(
  outcomes: MailUnsubscribeOutcome[],
): Partial<Record<MailUnsubscribeOutcome, number>> {
  const counts: Partial<Record<MailUnsubscribeOutcome, number>> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}
