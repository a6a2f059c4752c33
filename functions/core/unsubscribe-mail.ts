/**
 * Reading a `mailto:` unsubscribe (List-Unsubscribe, RFC 2369) that SES receiving hands to a
 * Lambda action. SES gives us the headers, not the body, and `commonHeaders.subject` already
 * MIME-decoded, so all we read is: who it was addressed to, SES's virus verdict, and the token
 * in the subject. The From address is never read: anyone can write any From, and the HMAC token
 * is the authentication, exactly as for the one-click POST.
 */
import * as z from './zod.ts';
import { normalizeEmail } from './email-address.ts';

/** What every newsletter's mailto carries: `?subject=unsubscribe-<token>` (dispatch-due.ts personalise). */
export const UNSUBSCRIBE_SUBJECT_PREFIX = 'unsubscribe-';

/**
 * The token anywhere in the subject, so `Re:`, `AW:`, `Fwd:`, `[EXTERNAL]` and the like around it
 * do not matter. Exactly 69 token characters (65 for a token sent before key ids): any other run
 * is not one of our tokens (matching a prefix would accept a mangled subject).
 */
const TOKEN_IN_SUBJECT = /unsubscribe-([A-Za-z0-9_-]{69}|[A-Za-z0-9_-]{65})(?![A-Za-z0-9_-])/i;

export type UnsubscribeMail =
  /** Addressed to us with a token-shaped string in the subject: the use case verifies it. */
  | { kind: 'token'; token: string }
  /** Addressed to us, but nothing token-shaped in the subject (a person wrote "please remove me"). */
  | { kind: 'no-token' }
  /** SES found a virus: dropped without reading further (see readUnsubscribeMail). */
  | { kind: 'virus' }
  /** Not an SES receipt record, or none of its recipients is our unsubscribe mailbox. */
  | { kind: 'not-for-us' };

const verdict = z.optional(z.object({ status: z.string() }));
const recordSchema = z.object({
  eventSource: z.literal('aws:ses'),
  ses: z.object({
    mail: z.object({ commonHeaders: z.optional(z.object({ subject: z.optional(z.string()) })) }),
    receipt: z.object({
      recipients: z.array(z.string()),
      spamVerdict: verdict,
      virusVerdict: verdict,
    }),
  }),
});

/**
 * One mailbox, compared without regard to case: domains are case-insensitive, and the local part
 * is compared the same way because SES and practically every MTA route it so; being stricter
 * could only lose a reader's opt-out — the token, not the address, authorises.
 */
function sameMailbox(a: string, b: string): boolean {
  const x = normalizeEmail(a);
  const y = normalizeEmail(b);
  return x !== null && y !== null && x.toLowerCase() === y.toLowerCase();
}

/**
 * One record of an SES receipt-rule Lambda event → what to do with it. Steps:
 * 1. Not an SES receipt record, or not addressed to `mailbox` → not-for-us (a shared rule set
 *    may route other mail here; we act only on our own mailbox).
 * 2. Virus verdict FAIL → virus, dropped. A mail client's List-Unsubscribe mailto is a short
 *    message without attachments, so an infected mail was not sent by that mechanism: it is
 *    malware mailing addresses harvested from a mailbox, and it must not unsubscribe a reader who
 *    did not ask. The reader loses nothing: the same token works from the link in every issue.
 * 3. The spam verdict is deliberately ignored: the HMAC token is the authentication, and a
 *    reader's own corporate gateway (rewritten headers, a relay without SPF/DKIM alignment) can
 *    make a genuine opt-out look like spam; 特定電子メール法 requires that it be honoured.
 * 4. Token-shaped string in the (decoded) subject → token; otherwise no-token.
 */
export function readUnsubscribeMail(record: unknown, mailbox: string): UnsubscribeMail {
  const parsed = recordSchema.safeParse(record);
  if (!parsed.success) return { kind: 'not-for-us' };
  const { mail, receipt } = parsed.data.ses;
  if (!receipt.recipients.some((r) => sameMailbox(r, mailbox))) return { kind: 'not-for-us' };
  if (receipt.virusVerdict?.status === 'FAIL') return { kind: 'virus' };
  const match = TOKEN_IN_SUBJECT.exec(mail.commonHeaders?.subject ?? '');
  return match ? { kind: 'token', token: match[1]! } : { kind: 'no-token' };
}
