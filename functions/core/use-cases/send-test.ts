/**
 * A test send: exactly the email readers would get, to a few given addresses only.
 *
 * 1. Check the recipients: 1 to 10 addresses, each one the form would accept, no mailbox twice.
 * 2. Count the send against the stack-wide limits (DynamoDB, so they hold across invocations).
 * 3. Record who asked, before anything is sent (the audit record).
 * 4. Send one message per recipient: the reader's email with `[TEST]` before the Subject and an
 *    inert unsubscribe token (the unsubscribe page refuses it), no report tag (events for a
 *    test send must not count against the report).
 * 5. Record the outcome on the audit record.
 */
import { checkNewAddress, type EmailProblem, mailboxKey } from '../email-address.ts';
import { unsubscribeUrl } from '../links.ts';
import type { Clock, Mailer, OutgoingEmail } from '../ports.ts';
import type { RenderedPart } from '../report.ts';
import { sha256Hex } from '../tokens.ts';
import { PROOF_TOKEN } from './accept-report.ts';
import { type RateLimitStore, TEST_SEND_LIMITS } from './rate-limits.ts';

export const MAX_TEST_RECIPIENTS = 10;
export const TEST_SUBJECT_PREFIX = '[TEST] ';

export type RecipientProblem =
  | { kind: 'none' }
  | { kind: 'too-many'; count: number; max: number }
  | { kind: 'invalid'; position: number; value: string; problem: EmailProblem }
  | { kind: 'duplicate'; position: number; value: string; firstPosition: number };

export type RecipientCheck = { ok: true; addresses: string[] } | { ok: false; problems: RecipientProblem[] };

/** `a@example.com,b@example.com` → the addresses, or every problem (positions are 1-based). */
export function parseTestRecipients(raw: string): RecipientCheck {
  const values = raw.split(',').map((v) => v.trim());
  if (values.length === 1 && values[0] === '') return { ok: false, problems: [{ kind: 'none' }] };
  const problems: RecipientProblem[] = [];
  if (values.length > MAX_TEST_RECIPIENTS)
    problems.push({ kind: 'too-many', count: values.length, max: MAX_TEST_RECIPIENTS });
  const addresses: string[] = [];
  const seen = new Map<string, number>();
  values.forEach((value, i) => {
    const checked = checkNewAddress(value);
    if (!checked.ok) {
      problems.push({ kind: 'invalid', position: i + 1, value, problem: checked.problem });
      return;
    }
    const mailbox = mailboxKey(checked.email);
    const first = seen.get(mailbox);
    if (first !== undefined) {
      problems.push({ kind: 'duplicate', position: i + 1, value, firstPosition: first });
      return;
    }
    seen.set(mailbox, i + 1);
    addresses.push(checked.email);
  });
  return problems.length ? { ok: false, problems } : { ok: true, addresses };
}

export interface TestSendRecord {
  id: string;
  reportId: string;
  /** Who asked: an AWS principal ARN, or `local:<user>`. */
  caller: string;
  at: string;
  /** `file` (rendered here from the editor's file) or `uploaded` (the stored rendering). */
  source: 'file' | 'uploaded';
  subject: string;
  recipients: number;
  /** SHA-256 of each address: the record can confirm who got it without holding addresses. */
  recipientHashes: string[];
}

export interface TestSendAudit {
  record(entry: TestSendRecord): Promise<void>;
  finish(reportId: string, id: string, outcome: { sent: number; failed: number; at: string }): Promise<void>;
}

export interface SendTestDeps {
  mailer: Mailer;
  limits: RateLimitStore;
  audit: TestSendAudit;
  clock: Clock;
  newId: () => string;
}

export interface SendTestRequest {
  reportId: string;
  source: TestSendRecord['source'];
  /** The locale's rendered part, with `placeholder` where each reader's token goes. */
  part: RenderedPart;
  placeholder: string;
  to: string;
  caller: string;
  publicBaseUrl: string;
  unsubscribeMailto: string;
}

export type SendTestOutcome =
  | { kind: 'refused'; problems: RecipientProblem[] }
  | { kind: 'limited'; retryAfterSeconds: number }
  | {
      kind: 'sent';
      auditId: string;
      subject: string;
      sent: string[];
      failed: { to: string; error: string }[];
    };

export async function sendTest(deps: SendTestDeps, req: SendTestRequest): Promise<SendTestOutcome> {
  // 1. The recipients.
  const recipients = parseTestRecipients(req.to);
  if (!recipients.ok) return { kind: 'refused', problems: recipients.problems };

  // 2. The limit.
  // The rarer limit first: a send it refuses then does not use up a minute slot.
  for (const rule of TEST_SEND_LIMITS) {
    const limit = await deps.limits.recordSpaced(`send-test#${rule.windowSeconds}`, rule, deps.clock.now());
    if (!limit.allowed) return { kind: 'limited', retryAfterSeconds: limit.retryAfterSeconds };
  }

  // 3. The audit record, before any mail leaves.
  const subject = `${TEST_SUBJECT_PREFIX}${req.part.subject}`;
  // `<when>#<random>`: records sort by time.
  const auditId = `${deps.clock.now().toISOString()}#${deps.newId()}`;
  await deps.audit.record({
    id: auditId,
    reportId: req.reportId,
    caller: req.caller,
    at: deps.clock.now().toISOString(),
    source: req.source,
    subject,
    recipients: recipients.addresses.length,
    recipientHashes: recipients.addresses.map((a) => sha256Hex(a.toLowerCase())),
  });

  // 4. One message each.
  const sent: string[] = [];
  const failed: { to: string; error: string }[] = [];
  for (const to of recipients.addresses) {
    try {
      await deps.mailer.send(testMessage(req, subject, to));
      sent.push(to);
    } catch (err) {
      failed.push({ to, error: err instanceof Error ? err.name : String(err) });
    }
  }

  // 5. The outcome.
  await deps.audit.finish(req.reportId, auditId, {
    sent: sent.length,
    failed: failed.length,
    at: deps.clock.now().toISOString(),
  });
  return { kind: 'sent', auditId, subject, sent, failed };
}

/**
 * The reader's message with an inert token: the same headers as the dispatcher's `personalise`
 * (List-Unsubscribe with https and mailto, one-click POST), so the test shows what readers get.
 */
export function testMessage(req: SendTestRequest, subject: string, to: string): OutgoingEmail {
  const inert = (s: string) => s.replaceAll(req.placeholder, PROOF_TOKEN);
  return {
    to,
    subject,
    html: inert(req.part.html),
    text: inert(req.part.text),
    headers: [
      {
        name: 'List-Unsubscribe',
        value: `<${unsubscribeUrl(req.publicBaseUrl, PROOF_TOKEN)}>, <mailto:${req.unsubscribeMailto}?subject=unsubscribe-${PROOF_TOKEN}>`,
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    tags: { kind: 'test' },
  };
}
