/**
 * SES feedback as a small domain type. SES speaks in several shapes: configuration-set event
 * publishing (`eventType`, via EventBridge `detail` or an SNS message) and the older identity
 * notifications (`notificationType`, via SNS). All become `SesEvent`s here, in one place, so
 * the rules in record-ses-event.ts never look at a raw payload.
 */
import * as z from './zod.ts';
import { clip } from './clip.ts';
import { normalizeEmail } from './email-address.ts';
import { REPORT_ID_PATTERN } from './report.ts';

export type SesEventKind = 'hard-bounce' | 'soft-bounce' | 'complaint' | 'delivery' | 'reject' | 'other';

export interface SesEvent {
  kind: SesEventKind;
  /** SES's own name for it: Bounce, Complaint, Delivery, Reject, Send, Open, DeliveryDelay… */
  type: string;
  messageId: string;
  /** Stable for one event (SES feedback id when there is one): makes counting idempotent. */
  eventId: string;
  /** From the `reportId` tag or the X-Kawaraban-Report header; null for other mail. */
  reportId: string | null;
  /** The `kind` tag (newsletter | confirmation | editor) when SES kept it. */
  mailKind: string | null;
  /** Normalised addresses this event is about (never logged). */
  recipients: string[];
  at: string;
  /** Short, address-free detail for the ledger: "Permanent/General 5.1.1", "abuse"… */
  reason?: string;
}

export type Skip = { reason: string };

export const REPORT_HEADER = 'X-Kawaraban-Report';

const header = z.object({ name: z.string(), value: z.string() });
const mailSchema = z.object({
  messageId: z.string().check(z.minLength(1)),
  timestamp: z.optional(z.string()),
  destination: z._default(z.array(z.string()), []),
  headers: z.optional(z.array(header)),
  tags: z.optional(z.record(z.string(), z.array(z.string()))),
});
const recipient = z.object({ emailAddress: z.string(), status: z.optional(z.string()) });
const bounceSchema = z.object({
  bounceType: z.string(),
  bounceSubType: z.optional(z.string()),
  bouncedRecipients: z.array(recipient).check(z.minLength(1)),
  feedbackId: z.optional(z.string()),
  timestamp: z.optional(z.string()),
});
const complaintSchema = z.object({
  complainedRecipients: z.array(z.object({ emailAddress: z.string() })).check(z.minLength(1)),
  complaintFeedbackType: z.optional(z.string()),
  feedbackId: z.optional(z.string()),
  timestamp: z.optional(z.string()),
});
const deliverySchema = z.object({
  recipients: z.array(z.string()).check(z.minLength(1)),
  timestamp: z.optional(z.string()),
});
const rejectSchema = z.optional(z.object({ reason: z.optional(z.string()) }));
const failureSchema = z.optional(z.object({ errorMessage: z.optional(z.string()) }));

const recordSchema = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: mailSchema,
  bounce: z.optional(z.unknown()),
  complaint: z.optional(z.unknown()),
  delivery: z.optional(z.unknown()),
  reject: z.optional(z.unknown()),
  failure: z.optional(z.unknown()),
});

function reportIdOf(mail: z.infer<typeof mailSchema>): string | null {
  const fromTag = mail.tags?.reportId?.[0];
  const fromHeader = mail.headers
    ?.find((h) => h.name.toLowerCase() === REPORT_HEADER.toLowerCase())
    ?.value.trim();
  const id = fromTag ?? fromHeader;
  return id && REPORT_ID_PATTERN.test(id) ? id : null;
}

const addresses = (raw: string[]) => [
  ...new Set(raw.map((a) => normalizeEmail(a)).filter((a): a is string => !!a)),
];

/**
 * The recipients a bounce, complaint or delivery names, in the spelling we sent to. A receiving
 * server's report may change the case of the local part (`Taro@` → `taro@`), while the row and
 * the ledger are keyed by the address as stored, which is exactly what `mail.destination` holds:
 * a name that matches a destination only without case is read as that destination, so a
 * bounce or complaint is never lost because of case. A name matching no destination stays as given.
 */
function asSent(named: string[], destination: string[]): string[] {
  const sent = addresses(destination);
  return [
    ...new Set(
      addresses(named).flatMap((a) => {
        if (sent.includes(a)) return [a];
        const sameAnyCase = sent.filter((d) => d.toLowerCase() === a.toLowerCase());
        return sameAnyCase.length ? sameAnyCase : [a];
      }),
    ),
  ];
}

/** One SES record (the event-publishing `detail`, or an SNS message body) → a domain event. */
export function parseSesRecord(value: unknown): SesEvent | Skip {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) return { reason: 'not an SES event record' };
  const r = parsed.data;
  const type = r.eventType ?? r.notificationType;
  if (!type) return { reason: 'SES record without eventType or notificationType' };
  const mail = r.mail;
  const base = {
    type,
    messageId: mail.messageId,
    reportId: reportIdOf(mail),
    mailKind: mail.tags?.kind?.[0] ?? null,
    at: mail.timestamp ?? new Date(0).toISOString(),
  };
  switch (type) {
    case 'Bounce': {
      const b = bounceSchema.safeParse(r.bounce);
      if (!b.success) return { reason: 'Bounce without a valid bounce object' };
      // Undetermined bounces are treated as soft: three in a row still suppress the address.
      const hard = b.data.bounceType === 'Permanent';
      const status = b.data.bouncedRecipients.find((x) => x.status)?.status;
      return {
        ...base,
        kind: hard ? 'hard-bounce' : 'soft-bounce',
        eventId: b.data.feedbackId ?? `${mail.messageId}:bounce`,
        recipients: asSent(
          b.data.bouncedRecipients.map((x) => x.emailAddress),
          mail.destination,
        ),
        at: b.data.timestamp ?? base.at,
        reason: [`${b.data.bounceType}/${b.data.bounceSubType ?? '-'}`, status].filter(Boolean).join(' '),
      };
    }
    case 'Complaint': {
      const c = complaintSchema.safeParse(r.complaint);
      if (!c.success) return { reason: 'Complaint without a valid complaint object' };
      return {
        ...base,
        // A feedback report of type not-spam is the reader rescuing us from their spam folder
        // (RFC 5965): recorded, but no complaint.
        kind: c.data.complaintFeedbackType === 'not-spam' ? 'other' : 'complaint',
        eventId: c.data.feedbackId ?? `${mail.messageId}:complaint`,
        recipients: asSent(
          c.data.complainedRecipients.map((x) => x.emailAddress),
          mail.destination,
        ),
        at: c.data.timestamp ?? base.at,
        reason: c.data.complaintFeedbackType ?? 'complaint',
      };
    }
    case 'Delivery': {
      const d = deliverySchema.safeParse(r.delivery);
      if (!d.success) return { reason: 'Delivery without a valid delivery object' };
      return {
        ...base,
        kind: 'delivery',
        eventId: `${mail.messageId}:delivery`,
        recipients: asSent(d.data.recipients, mail.destination),
        at: d.data.timestamp ?? base.at,
      };
    }
    case 'Reject': {
      const j = rejectSchema.safeParse(r.reject);
      return {
        ...base,
        kind: 'reject',
        eventId: `${mail.messageId}:reject`,
        recipients: addresses(mail.destination),
        reason: `rejected by SES: ${(j.success && j.data?.reason) || 'unknown reason'}`,
      };
    }
    case 'Rendering Failure': {
      // A newsletter sent by template that SES could not render was never sent: as a Reject.
      // (ses-template.ts makes only templates whose one variable every send carries.)
      const f = failureSchema.safeParse(r.failure);
      return {
        ...base,
        kind: 'reject',
        eventId: `${mail.messageId}:rendering-failure`,
        recipients: addresses(mail.destination),
        reason: clip(
          `not sent: SES could not render the template: ${(f.success && f.data?.errorMessage) || 'unknown reason'}`,
          300,
        ),
      };
    }
    default:
      // Send, Open, Click, DeliveryDelay (SES still retrying), Subscription…
      return {
        ...base,
        kind: 'other',
        eventId: `${mail.messageId}:${type}`,
        recipients: addresses(mail.destination),
      };
  }
}

export const isSkip = (x: SesEvent | Skip): x is Skip => !('kind' in x);

const eventBridgeSchema = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.optional(z.string()),
  detail: z.unknown(),
});
const snsSchema = z.object({
  Records: z
    .array(z.object({ Sns: z.object({ Message: z.string(), MessageId: z.optional(z.string()) }) }))
    .check(z.minLength(1)),
});

export interface ParsedBatch {
  events: SesEvent[];
  skipped: Skip[];
}

/** A Lambda invocation from EventBridge (`source: aws.ses`) or SNS (`Records[].Sns.Message`). */
export function parseSesLambdaEvent(event: unknown): ParsedBatch {
  const out: ParsedBatch = { events: [], skipped: [] };
  const add = (x: SesEvent | Skip) => (isSkip(x) ? out.skipped.push(x) : out.events.push(x));
  const eb = eventBridgeSchema.safeParse(event);
  if (eb.success) {
    add(parseSesRecord(eb.data.detail));
    return out;
  }
  const sns = snsSchema.safeParse(event);
  if (sns.success) {
    for (const rec of sns.data.Records) {
      let body: unknown;
      try {
        body = JSON.parse(rec.Sns.Message);
      } catch {
        out.skipped.push({ reason: 'SNS message is not JSON' });
        continue;
      }
      add(parseSesRecord(body));
    }
    return out;
  }
  out.skipped.push({ reason: 'neither an EventBridge aws.ses event nor an SNS event' });
  return out;
}
