/**
 * The SES mailbox simulator, locally. SES on AWS answers mail to these addresses with real
 * bounce/complaint/delivery events; the emulator doesn't, so this watches what the emulator
 * received and publishes the events SES would put on the EventBridge bus.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { singleFlight } from './single-flight.ts';

export type SesEventsHandler = (event: EventBridgeEvent<string, unknown>) => Promise<unknown>;

export interface StoredEmail {
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
  const m = /^(bounce|complaint|success|suppressionlist)(\+[^@]*)?@simulator\.amazonses\.com$/i.exec(
    address.trim(),
  );
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
        {
          emailAddress: recipient,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
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
  /** Looks at the emulator once (after a look already under way) and publishes events for anything new. */
  poll(): Promise<number>;
  /** Stops the timer and waits for a look under way. */
  stop(): Promise<void>;
}

/**
 * What the simulator has seen, kept small: the emulator stamps each mail with whole seconds
 * (`at`) and answers `GET /store?since=s` with the mails at or after `s`, so asking from the
 * newest second seen returns only that second's mails again, which the ids of that second
 * filter out. The store can hold thousands of report-sized mails; reading all of them every
 * second slowed the SendEmail calls the same process serves (issue 6).
 */
export class StoreCursor {
  private since = 0;
  private idsAtSince = new Set<string>();

  get query(): string {
    return `since=${this.since}`;
  }

  /** The mails not seen before, in the emulator's order; remembers them. */
  take(emails: StoredEmail[]): StoredEmail[] {
    const fresh: StoredEmail[] = [];
    for (const mail of emails) {
      if (mail.at < this.since || (mail.at === this.since && this.idsAtSince.has(mail.messageId))) continue;
      if (mail.at > this.since) {
        this.since = mail.at;
        this.idsAtSince = new Set();
      }
      this.idsAtSince.add(mail.messageId);
      fresh.push(mail);
    }
    return fresh;
  }
}

export function startSimulator(
  sesUrl: string,
  handler: SesEventsHandler,
  everyMs: number,
  onResult: (r: unknown) => void,
): Simulator {
  const cursor = new StoreCursor();
  const look = singleFlight(async () => {
    let published = 0;
    try {
      const res = await fetch(`${sesUrl}/store?${cursor.query}`);
      if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
      const { emails } = (await res.json()) as { emails: StoredEmail[] };
      for (const mail of cursor.take(emails)) {
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
  });
  const timer = setInterval(() => look.whenIdle(), everyMs);
  return {
    poll: () => look.fresh(),
    async stop() {
      clearInterval(timer);
      await look.idle();
    },
  };
}
