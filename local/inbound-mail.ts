/**
 * The local stand-in for SES receiving: the local stack has no SMTP server, so a mail a reader's
 * client would send to the List-Unsubscribe `mailto:` is handed to the same handler as on AWS
 * (functions/inbound-unsubscribe.ts), as the SES receipt-rule Lambda event it would get there:
 * the recipient, the decoded subject, verdicts PASS. Nothing else of the event is read.
 */
import { randomUUID } from 'node:crypto';
import type { SESEvent } from 'aws-lambda';

export interface OutgoingMailto {
  to: string;
  subject: string;
}

/** `<https://…>, <mailto:box@example.jp?subject=…>` → the mailto's address and subject. */
export function mailtoOf(listUnsubscribe: string): OutgoingMailto | null {
  const m = /<mailto:([^?>]+)(?:\?([^>]*))?>/i.exec(listUnsubscribe);
  if (!m) return null;
  const subject = new URLSearchParams(m[2] ?? '').get('subject') ?? '';
  return { to: decodeURIComponent(m[1]!), subject };
}

/** The receipt event SES would invoke the rule's Lambda action with for this mail. */
export function receiptEventFor(mail: OutgoingMailto, from: string, now = new Date()): SESEvent {
  const verdict = { status: 'PASS' as const };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: now.toISOString(),
            source: from,
            messageId: `local-${randomUUID()}`,
            destination: [mail.to],
            headersTruncated: false,
            headers: [
              { name: 'From', value: from },
              { name: 'To', value: mail.to },
              { name: 'Subject', value: mail.subject },
            ],
            commonHeaders: {
              returnPath: from,
              from: [from],
              date: now.toUTCString(),
              to: [mail.to],
              messageId: `<local-${randomUUID()}@localhost>`,
              subject: mail.subject,
            },
          },
          receipt: {
            timestamp: now.toISOString(),
            processingTimeMillis: 1,
            recipients: [mail.to],
            spamVerdict: verdict,
            virusVerdict: verdict,
            spfVerdict: verdict,
            dkimVerdict: verdict,
            dmarcVerdict: verdict,
            action: {
              type: 'Lambda',
              invocationType: 'Event',
              functionArn: 'arn:aws:lambda:local:000000000000:function:inbound-unsubscribe',
            },
          },
        },
      },
    ],
  } as SESEvent;
}
