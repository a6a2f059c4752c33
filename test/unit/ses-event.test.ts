import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseSesLambdaEvent,
  parseSesRecord,
  isSkip,
  type SesEvent,
} from '../../functions/core/ses-event.ts';
import { REPORT_ID_PATTERN } from '../../functions/core/report.ts';
import { REPORT_ID_PATTERN as SCHEMA_ID_PATTERN } from '../../functions/core/report-schema.ts';
import { fixture, viaEventBridge, viaSns } from '../helpers/ses-events.ts';

const dir = join(import.meta.dirname, '../fixtures/aws-events');
const sesFixtures = readdirSync(dir).filter((f) => /^ses-(eventpub-via-sns|legacy-notification)__/.test(f));

const expected: Record<string, Pick<SesEvent, 'kind' | 'type' | 'recipients'> & { reason?: string }> = {
  'ses-eventpub-via-sns__bounce.json': {
    kind: 'hard-bounce',
    type: 'Bounce',
    recipients: ['recipient@example.com'],
    reason: 'Permanent/General 5.1.1',
  },
  'ses-eventpub-via-sns__click.json': { kind: 'other', type: 'Click', recipients: ['recipient@example.com'] },
  'ses-eventpub-via-sns__complaint.json': {
    kind: 'complaint',
    type: 'Complaint',
    recipients: ['recipient@example.com'],
    reason: 'abuse',
  },
  'ses-eventpub-via-sns__delayed-delivery.json': {
    kind: 'other',
    type: 'DeliveryDelay',
    recipients: ['recipient@example.com'],
  },
  'ses-eventpub-via-sns__delivery.json': {
    kind: 'delivery',
    type: 'Delivery',
    recipients: ['recipient@example.com'],
  },
  // Sent by template and never rendered, so never sent: the row fails as on a Reject.
  'ses-eventpub-via-sns__failure.json': {
    kind: 'reject',
    type: 'Rendering Failure',
    recipients: ['recipient@example.com'],
    reason:
      "not sent: SES could not render the template: Attribute 'attributeName' is not present in the rendering data.",
  },
  'ses-eventpub-via-sns__open.json': { kind: 'other', type: 'Open', recipients: ['recipient@example.com'] },
  'ses-eventpub-via-sns__reject.json': {
    kind: 'reject',
    type: 'Reject',
    recipients: ['sender@example.com'],
    reason: 'rejected by SES: Bad content',
  },
  'ses-eventpub-via-sns__send.json': { kind: 'other', type: 'Send', recipients: ['recipient@example.com'] },
  'ses-eventpub-via-sns__subscription.json': {
    kind: 'other',
    type: 'Subscription',
    recipients: ['recipient@example.com'],
  },
  'ses-legacy-notification__bounce-no-dsn.json': {
    kind: 'hard-bounce',
    type: 'Bounce',
    recipients: ['jane@example.com', 'richard@example.com'],
    reason: 'Permanent/General',
  },
  'ses-legacy-notification__bounce-with-dsn.json': {
    kind: 'hard-bounce',
    type: 'Bounce',
    recipients: ['jane@example.com'],
    reason: 'Permanent/General 5.1.1',
  },
  'ses-legacy-notification__complaint-no-feedback.json': {
    kind: 'complaint',
    type: 'Complaint',
    recipients: ['richard@example.com'],
    reason: 'complaint',
  },
  'ses-legacy-notification__complaint-with-feedback.json': {
    kind: 'complaint',
    type: 'Complaint',
    recipients: ['richard@example.com'],
    reason: 'abuse',
  },
  'ses-legacy-notification__delivery.json': {
    kind: 'delivery',
    type: 'Delivery',
    recipients: ['jane@example.com'],
  },
};

describe('parseSesLambdaEvent', () => {
  it('has an expectation for every SES fixture', () => {
    expect(sesFixtures.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const name of sesFixtures) {
    it(`reads ${name} the same way from EventBridge and from SNS`, () => {
      const record = fixture(name);
      const fromEb = parseSesLambdaEvent(viaEventBridge(record));
      const fromSns = parseSesLambdaEvent(viaSns(record));
      expect(fromEb.skipped).toEqual([]);
      expect(fromEb.events).toHaveLength(1);
      expect(fromEb.events[0]).toMatchObject(expected[name]!);
      expect(fromEb.events[0]!.messageId).toBe((record.mail as { messageId: string }).messageId);
      expect(fromSns).toEqual(fromEb);
    });
  }

  it('uses the SES feedback id as the event id of bounces and complaints', () => {
    const ev = parseSesRecord(fixture('ses-eventpub-via-sns__bounce.json')) as SesEvent;
    expect(ev.eventId).toBe('01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000');
  });

  it('does not take a not-spam feedback report for a complaint, and does take every other type', () => {
    const withType = (t: string) => {
      const record = fixture('ses-eventpub-via-sns__complaint.json');
      (record.complaint as Record<string, unknown>).complaintFeedbackType = t;
      return parseSesRecord(record) as SesEvent;
    };
    expect(withType('not-spam')).toMatchObject({ kind: 'other', reason: 'not-spam' });
    for (const t of ['abuse', 'auth-failure', 'fraud', 'other', 'virus'])
      expect(withType(t).kind).toBe('complaint');
  });

  it('treats transient and undetermined bounces as soft', () => {
    for (const bounceType of ['Transient', 'Undetermined']) {
      const record = fixture('ses-eventpub-via-sns__bounce.json');
      (record.bounce as Record<string, unknown>).bounceType = bounceType;
      expect((parseSesRecord(record) as SesEvent).kind).toBe('soft-bounce');
    }
  });

  it('takes the report id from the reportId tag, else from the X-Kawaraban-Report header', () => {
    const tagged = fixture('ses-eventpub-via-sns__delivery.json') as {
      mail: { tags: Record<string, string[]>; headers: unknown[] };
    };
    tagged.mail.tags.reportId = ['2030-04-01-weekly'];
    tagged.mail.tags.kind = ['newsletter'];
    expect(parseSesRecord(tagged)).toMatchObject({ reportId: '2030-04-01-weekly', mailKind: 'newsletter' });

    const headed = fixture('ses-eventpub-via-sns__delivery.json') as {
      mail: { headers: { name: string; value: string }[] };
    };
    headed.mail.headers.push({ name: 'x-kawaraban-report', value: '2030-04-01-weekly' });
    expect(parseSesRecord(headed)).toMatchObject({ reportId: '2030-04-01-weekly' });

    const bogus = fixture('ses-eventpub-via-sns__delivery.json') as {
      mail: { headers: { name: string; value: string }[] };
    };
    bogus.mail.headers.push({ name: 'X-Kawaraban-Report', value: '../../etc/passwd' });
    expect(parseSesRecord(bogus)).toMatchObject({ reportId: null });
    expect(parseSesRecord(fixture('ses-legacy-notification__delivery.json'))).toMatchObject({
      reportId: null,
    });
  });

  it('normalises recipient addresses the way subscribers are keyed', () => {
    const record = fixture('ses-eventpub-via-sns__bounce.json') as {
      bounce: { bouncedRecipients: { emailAddress: string }[] };
    };
    record.bounce.bouncedRecipients[0]!.emailAddress = '  Someone@Example.COM ';
    expect((parseSesRecord(record) as SesEvent).recipients).toEqual(['Someone@example.com']);
  });

  it('skips, without throwing, what is not an SES event', () => {
    const cases: unknown[] = [
      fixture('sns-envelope__aws-lambda-go.json'), // "Hello from SNS!"
      viaSns({ hello: 'world' }),
      viaSns({ eventType: 'Bounce', mail: { messageId: 'm' } }), // no bounce object
      viaSns({
        notificationType: 'Complaint',
        mail: { messageId: 'm' },
        complaint: { complainedRecipients: [] },
      }),
      viaEventBridge({ eventType: 'Delivery' }), // no mail
      viaEventBridge({ mail: { messageId: 'm' } }), // no type
      fixture('eventbridge-scheduled-event__lambda-docs.json'),
      fixture('s3-objectcreated-put__lambda-docs.json'),
      null,
      'text',
      { Records: [] },
    ];
    for (const c of cases) {
      const out = parseSesLambdaEvent(c);
      expect(out.events, JSON.stringify(c)?.slice(0, 80)).toEqual([]);
      expect(out.skipped.length).toBeGreaterThan(0);
      expect(out.skipped.every((s) => isSkip(s) && !/@/.test(s.reason))).toBe(true);
    }
  });

  it('keeps the report id pattern in step with the report schema', () => {
    expect(REPORT_ID_PATTERN.source).toBe(SCHEMA_ID_PATTERN.source);
  });
});
