/**
 * What an error from SES SendEmail means for the dispatcher, decided in one place:
 * - throttle: too fast for the account right now → back off and retry the same message;
 * - pause: the account cannot send at all → pause the report and tell the editors;
 * - permanent: SES refuses this one message → ledger row `failed`, carry on;
 * - unknown: anything else (network, 5xx after the SDK's own retries) → the message may or may
 *   not have gone out, so the claim is kept and the next run re-sends it (at-least-once).
 */
import { clip } from './clip.ts';

export type SendErrorKind = 'throttle' | 'pause' | 'permanent' | 'unknown';

export interface SendErrorClass {
  kind: SendErrorKind;
  /** The error's name and message with any address blanked out: safe for the ledger and editors. */
  reason: string;
}

const THROTTLE = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  // A SendBulkEmail entry SES could not take for now (ses-bulk.ts): not sent, so try it again.
  'TransientFailure',
]);
const PAUSE = new Set(['SendingPausedException', 'AccountSuspendedException', 'NotFoundException']);
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'InvalidParameterValue',
  // A SendBulkEmail entry SES could not process (ses-bulk.ts), as it answers an invalid address.
  'BulkEntryFailed',
]);

const ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, '<address>');
}

export function classifySendError(err: unknown): SendErrorClass {
  const e = (err ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const message = e.message ?? String(err);
  const reason = clip(redactAddresses(`${name}: ${message}`), 300);
  if (
    THROTTLE.has(name) ||
    /maximum sending rate exceeded/i.test(message) ||
    e.$metadata?.httpStatusCode === 429
  ) {
    return { kind: 'throttle', reason };
  }
  if (PAUSE.has(name)) return { kind: 'pause', reason };
  if (PERMANENT.has(name)) return { kind: 'permanent', reason };
  return { kind: 'unknown', reason };
}
