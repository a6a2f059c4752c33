/**
 * SES receipt-rule Lambda events, built from the real sample
 * (test/fixtures/aws-events/ses-receipt-lambda-action__ses-docs.json) with only the parts a test
 * is about replaced: the recipients, the subject and the scan verdicts.
 */
import type { SESEvent, SESReceiptStatus } from 'aws-lambda';
import { fixture } from './ses-events.ts';

export interface ReceiptInit {
  /** The envelope recipients this rule matched (receipt.recipients and mail.destination). */
  recipients?: string[];
  /** commonHeaders.subject (already MIME-decoded, as SES gives it); null removes it. */
  subject?: string | null;
  /** mail.source, the From header and the Return-Path: the address anyone can forge. */
  from?: string;
  spam?: SESReceiptStatus['status'];
  virus?: SESReceiptStatus['status'];
}

export function receiptEvent(init: ReceiptInit = {}): SESEvent {
  const event = structuredClone(fixture('ses-receipt-lambda-action__ses-docs.json')) as unknown as SESEvent;
  const { mail, receipt } = event.Records[0]!.ses;
  if (init.recipients) {
    receipt.recipients = init.recipients;
    mail.destination = init.recipients;
    mail.commonHeaders.to = init.recipients;
  }
  if (init.subject === null) {
    delete mail.commonHeaders.subject;
    mail.headers = mail.headers.filter((h) => h.name !== 'Subject');
  } else if (init.subject !== undefined) {
    mail.commonHeaders.subject = init.subject;
    for (const h of mail.headers) if (h.name === 'Subject') h.value = init.subject;
  }
  if (init.from) {
    mail.source = init.from;
    mail.commonHeaders.returnPath = init.from;
    mail.commonHeaders.from = [init.from];
  }
  if (init.spam) receipt.spamVerdict = { status: init.spam };
  if (init.virus) receipt.virusVerdict = { status: init.virus };
  return event;
}

/** The single record of a receiptEvent. */
export const receiptRecord = (init: ReceiptInit = {}) => receiptEvent(init).Records[0]!;
