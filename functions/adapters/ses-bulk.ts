/**
 * One SendBulkEmail for several readers of one newsletter template: what the request carries,
 * and what each entry's answer means.
 *
 * The request carries what every reader shares once (sender, template, the headers and tags
 * alike for all) and per reader only the address, the token (`ReplacementTemplateData`) and the
 * headers that differ (`ReplacementHeaders`: List-Unsubscribe, which SES adds to the template's
 * headers, or puts in place of one of the same name). At 14 readers a second that is one request,
 * one signature and one answer to wake up for instead of fourteen.
 *
 * Each entry's status becomes what a SendEmail would have thrown for that reader
 * (`bulkEntryError`), so the dispatcher decides about it as it does for a single send
 * (send-errors.ts): throttled or a transient failure → retry it, rejected → that row failed, a
 * paused account → pause. A status it does not know keeps the row's claim (it may have gone out).
 */
import type { BulkEmailEntryResult, MessageHeader, SendBulkEmailRequest } from '@aws-sdk/client-sesv2';
import type { BulkOutcome, OutgoingEmail } from '../core/ports.ts';
import type { SendEmailFrom } from './ses-send-body.ts';

/** SES takes up to 50 entries in one SendBulkEmail. */
export const BULK_MAX_ENTRIES = 50;

/** Per entry status, the error a SendEmail for that reader would have answered with (its name decides). */
const STATUS_ERRORS: Record<string, string> = {
  MESSAGE_REJECTED: 'MessageRejected',
  MAIL_FROM_DOMAIN_NOT_VERIFIED: 'MailFromDomainNotVerifiedException',
  CONFIGURATION_SET_NOT_FOUND: 'NotFoundException',
  TEMPLATE_NOT_FOUND: 'TemplateNotFound',
  ACCOUNT_SUSPENDED: 'AccountSuspendedException',
  ACCOUNT_THROTTLED: 'TooManyRequestsException',
  ACCOUNT_DAILY_QUOTA_EXCEEDED: 'LimitExceededException',
  INVALID_SENDING_POOL_NAME: 'BadRequestException',
  ACCOUNT_SENDING_PAUSED: 'SendingPausedException',
  CONFIGURATION_SET_SENDING_PAUSED: 'SendingPausedException',
  INVALID_PARAMETER: 'BadRequestException',
  TRANSIENT_FAILURE: 'TransientFailure',
  FAILED: 'BulkEntryFailed',
};

/** The status a bulk entry is answered with for an error of this name (for tests that inject faults). */
export const statusForError = (name: string): string | undefined =>
  Object.entries(STATUS_ERRORS).find(([, n]) => n === name)?.[0];

/** An entry's refusal, named as the single send's error (an unknown status keeps its own name: "unknown"). */
export function bulkEntryError(status: string, message: string | undefined): Error {
  const err = new Error(message ? `${message} (${status})` : status);
  err.name = STATUS_ERRORS[status] ?? `BulkStatus_${status}`;
  return err;
}

export const isTemplateNotFound = (outcome: BulkOutcome) =>
  'error' in outcome && (outcome.error as Error | null)?.name === STATUS_ERRORS.TEMPLATE_NOT_FOUND;

const sameHeader = (a: { name: string; value: string }, b: { name: string; value: string }) =>
  a.name === b.name && a.value === b.value;

const asHeaders = (hs: { name: string; value: string }[]): MessageHeader[] =>
  hs.map((h) => ({ Name: h.name, Value: h.value }));

const asTags = (tags: Record<string, string> | undefined) =>
  tags ? Object.entries(tags).map(([Name, Value]) => ({ Name, Value })) : undefined;

/**
 * The request for `messages`, all of template `templateName`, each with its template data. A
 * header every message has with the same value goes once, in the template's headers; the rest
 * go per entry. Tags go once when all messages have the same, else per entry.
 */
export function bulkRequest(
  sender: SendEmailFrom,
  templateName: string,
  messages: readonly { msg: OutgoingEmail; data: string }[],
): SendBulkEmailRequest {
  const first = messages[0]!.msg;
  const shared = (first.headers ?? []).filter((h) =>
    messages.every(({ msg }) => (msg.headers ?? []).some((o) => sameHeader(o, h))),
  );
  const firstTags = JSON.stringify(first.tags ?? null);
  const sameTags = messages.every(({ msg }) => JSON.stringify(msg.tags ?? null) === firstTags);
  return {
    FromEmailAddress: sender.from,
    ConfigurationSetName: sender.configurationSet,
    DefaultEmailTags: sameTags ? asTags(first.tags) : undefined,
    DefaultContent: {
      Template: { TemplateName: templateName, TemplateData: '{}', Headers: asHeaders(shared) },
    },
    BulkEmailEntries: messages.map(({ msg, data }) => {
      const own = (msg.headers ?? []).filter((h) => !shared.some((s) => sameHeader(s, h)));
      return {
        Destination: { ToAddresses: [msg.to] },
        ReplacementTags: sameTags ? undefined : asTags(msg.tags),
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: data } },
        ReplacementHeaders: own.length ? asHeaders(own) : undefined,
      };
    }),
  };
}

/** One outcome per entry, in order; an answer without one for each entry is an unknown answer for all. */
export function bulkOutcomes(results: BulkEmailEntryResult[] | undefined, entries: number): BulkOutcome[] {
  if (!results || results.length !== entries)
    throw new Error(
      `SES answered SendBulkEmail with ${results?.length ?? 'no'} results for ${entries} entries`,
    );
  return results.map((r) =>
    r.Status === 'SUCCESS' && r.MessageId
      ? { messageId: r.MessageId }
      : { error: bulkEntryError(r.Status ?? 'NO_STATUS', r.Error) },
  );
}
