/**
 * The SES mailbox simulator, locally. SES on AWS answers mail to these addresses with real
 * bounce/complaint/delivery events; the emulator doesn't, so this watches what the emulator
 * received and publishes the events SES would put on the EventBridge bus.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';

export type SesEventsHandler = (event: EventBridgeEvent<string, unknown>) => Promise<unknown>;

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  headers?: { name: string; value: string }[];
  at: number;
}

type Outcome = 'bounce' | 'complaint' | 'success' | 'suppressionlist';

/** Which simulator scenario an address asks for (labels such as bounce+x@ are allowed). */
export function simulatorOutcome(address: string): Outcome | null {
  const m = /^(bounce|complaint|success|suppressionlist)(\+[^@]*)?@simulator\.amazonses\.com$/i.exec(address.trim());
  return m ? (m[1]!.toLowerCase() as Outcome) : null;
}

const detailTypes: Record<Outcome, string> = {
  bounce: 'Email Bounced',
  suppressionlist: 'Email Bounced',
  complaint: 'Email Complaint Received',
  success: 'Email Delivered',
};

/** The event-publishing record SES would send (same shape as test/fixtures/aws-events/ses-eventpub-*). */
export function simulatedEvent(mail: StoredEmail, recipient: string, outcome: Outcome, now = new Date()) {
  const ts = now.toISOString();
  const headers = [
    { name: 'From', value: mail.from },
    { name: 'To', value: recipient },
    { name: 'Subject', value: mail.subject },
    ...(mail.headers ?? []),
  ];
  const record: Record<string, unknown> = {
    eventType: outcome === 'success' ? 'Delivery' : outcome === 'complaint' ? 'Complaint' : 'Bounce',
    mail: {
      timestamp: new Date(mail.at * 1000).toISOString(),
      source: mail.from,
      sendingAccountId: '000000000000',
      messageId: mail.messageId,
      destination: [recipient],
      headersTruncated: false,
      headers,
      commonHeaders: { from: [mail.from], to: [recipient], messageId: mail.messageId, subject: mail.subject },
      // The emulator does not keep EmailTags; the handler falls back to the X-Kawaraban-Report header.
      tags: {},
    },
  };
  if (outcome === 'bounce' || outcome === 'suppressionlist') {
    record.bounce = {
      bounceType: 'Permanent',
      bounceSubType: outcome === 'suppressionlist' ? 'OnAccountSuppressionList' : 'General',
      bouncedRecipients: [
        { emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
      ],
      timestamp: ts,
      feedbackId: randomUUID(),
      reportingMTA: 'dsn; local-simulator',
    };
  } else if (outcome === 'complaint') {
    record.complaint = {
      complainedRecipients: [{ emailAddress: recipient }],
      timestamp: ts,
      feedbackId: randomUUID(),
      complaintFeedbackType: 'abuse',
      arrivalDate: ts,
    };
  } else {
    record.delivery = {
      timestamp: ts,
      processingTimeMillis: 200,
      recipients: [recipient],
      smtpResponse: '250 2.6.0 Message received',
      reportingMTA: 'local-simulator',
    };
  }
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailTypes[outcome],
    source: 'aws.ses',
    account: '000000000000',
    time: ts.replace(/\.\d{3}Z$/, 'Z'),
    region: 'ap-northeast-1',
    resources: [],
    detail: record,
  } satisfies EventBridgeEvent<string, unknown>;
}

export interface Simulator {
  /** Looks at the emulator once and publishes events for anything new. */
  poll(): Promise<number>;
  stop(): void;
}

export function startSimulator(
  sesUrl: string,
  handler: SesEventsHandler,
  everyMs: number,
  onResult: (r: unknown) => void,
): Simulator {
  const seen = new Set<string>();
  let busy: Promise<number> = Promise.resolve(0);
  const poll = () =>
    (busy = busy.then(async () => {
      let published = 0;
      try {
        const res = await fetch(`${sesUrl}/store`);
        const { emails } = (await res.json()) as { emails: StoredEmail[] };
        for (const mail of emails) {
          if (seen.has(mail.messageId)) continue;
          seen.add(mail.messageId);
          for (const to of mail.destination.to) {
            const outcome = simulatorOutcome(to);
            if (!outcome) continue;
            onResult(await handler(simulatedEvent(mail, to, outcome)));
            published++;
          }
        }
      } catch (err) {
        console.error('[ses-events] failed:', err instanceof Error ? err.message : err);
      }
      return published;
    }));
  const timer = setInterval(poll, everyMs);
  return { poll, stop: () => clearInterval(timer) };
}
