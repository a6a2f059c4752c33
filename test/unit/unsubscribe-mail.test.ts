/**
 * Reading a mailto: unsubscribe from an SES receipt record (pure): who it is for, the virus
 * rule, and the token anywhere in the subject — including the exact mailto the dispatcher puts in
 * every newsletter's List-Unsubscribe header.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readUnsubscribeMail } from '../../functions/core/unsubscribe-mail.ts';
import { countOutcomes } from '../../functions/core/use-cases/unsubscribe-by-mail.ts';
import { personalise } from '../../functions/core/use-cases/dispatch-due.ts';
import { newSubscriberId, unsubscribeToken, verifyUnsubscribeToken } from '../../functions/core/tokens.ts';
import { fixture } from '../helpers/ses-events.ts';
import { receiptRecord } from '../helpers/ses-receipts.ts';

const MAILBOX = 'unsubscribe@example.jp';
const key = Buffer.from('unit-test-unsubscribe-key-0123456789abcdef', 'utf8');
const token = unsubscribeToken(key, newSubscriberId());
const toUs = (subject: string | null, more: Parameters<typeof receiptRecord>[0] = {}) =>
  receiptRecord({ recipients: [MAILBOX], subject, ...more });

describe('readUnsubscribeMail', () => {
  it('reads the SES docs sample as it is: for its own recipient without a token, for us not at all', () => {
    const [record] = (fixture('ses-receipt-lambda-action__ses-docs.json') as { Records: unknown[] }).Records;
    expect(readUnsubscribeMail(record, 'recipient@example.com')).toEqual({ kind: 'no-token' });
    expect(readUnsubscribeMail(record, MAILBOX)).toEqual({ kind: 'not-for-us' });
  });

  it.each([
    ['bare', `unsubscribe-${token}`],
    ['Re:', `Re: unsubscribe-${token}`],
    ['AW: (German Outlook)', `AW: unsubscribe-${token}`],
    ['Fwd: Fw: and a tag', `[EXTERNAL] Fwd: Fw: unsubscribe-${token}`],
    ['Japanese reply prefix', `返信: unsubscribe-${token}`],
    ['text after it', `unsubscribe-${token} (配信停止)`],
    ['a capitalised keyword', `Unsubscribe-${token}`],
  ])('finds the token with %s', (_name, subject) => {
    expect(readUnsubscribeMail(toUs(subject), MAILBOX)).toEqual({ kind: 'token', token });
  });

  it.each([
    ['no subject at all', null],
    ['an empty subject', ''],
    ['a written request', '配信停止をお願いします'],
    ['the keyword alone', 'unsubscribe'],
    ['a truncated token (64 characters)', `unsubscribe-${token.slice(0, 64)}`],
    ['a token with an extra character', `unsubscribe-${token}x`],
    ['a token with a character outside the alphabet', `unsubscribe-${token.slice(0, 30)}+${token.slice(31)}`],
    ['the token without the keyword', `Re: ${token}`],
    [
      'a MIME encoded-word SES did not decode',
      `=?UTF-8?B?${Buffer.from(`unsubscribe-${token}`).toString('base64')}?=`,
    ],
  ])('no token in %s', (_name, subject) => {
    expect(readUnsubscribeMail(toUs(subject), MAILBOX)).toEqual({ kind: 'no-token' });
  });

  it('acts for our mailbox whatever its case, also among other recipients', () => {
    const subject = `unsubscribe-${token}`;
    for (const recipients of [
      ['UNSUBSCRIBE@EXAMPLE.JP'],
      ['Unsubscribe@Example.jp'],
      ['someone@example.com', MAILBOX],
    ]) {
      expect(readUnsubscribeMail(receiptRecord({ recipients, subject }), MAILBOX)).toEqual({
        kind: 'token',
        token,
      });
    }
  });

  it('ignores mail for any other recipient, even with a valid token', () => {
    const subject = `unsubscribe-${token}`;
    for (const recipients of [
      ['other@example.jp'],
      ['unsubscribe@example.jp.evil.test'],
      ['unsubscribe@sub.example.jp'],
      ['news@example.jp'],
      [],
    ]) {
      expect(readUnsubscribeMail(receiptRecord({ recipients, subject }), MAILBOX)).toEqual({
        kind: 'not-for-us',
      });
    }
  });

  it('drops a mail SES found a virus in, and only a FAIL', () => {
    const subject = `Re: unsubscribe-${token}`;
    expect(readUnsubscribeMail(toUs(subject, { virus: 'FAIL' }), MAILBOX)).toEqual({ kind: 'virus' });
    for (const virus of ['PASS', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const) {
      expect(readUnsubscribeMail(toUs(subject, { virus }), MAILBOX)).toEqual({ kind: 'token', token });
    }
  });

  it("does not let a spam verdict stop a valid token (a reader's gateway can make a genuine opt-out look like spam)", () => {
    for (const spam of ['FAIL', 'GRAY', 'PROCESSING_FAILED'] as const) {
      expect(readUnsubscribeMail(toUs(`Re: unsubscribe-${token}`, { spam }), MAILBOX)).toEqual({
        kind: 'token',
        token,
      });
    }
  });

  it('never looks at the From address', () => {
    const subject = `unsubscribe-${token}`;
    expect(readUnsubscribeMail(toUs(subject, { from: 'attacker@evil.test' }), MAILBOX)).toEqual(
      readUnsubscribeMail(toUs(subject), MAILBOX),
    );
  });

  it.each([
    ['null', null],
    ['a string', 'Records'],
    ['an SNS record', { eventSource: 'aws:sns', ses: toUs('x').ses }],
    ['a record without a receipt', { eventSource: 'aws:ses', ses: { mail: toUs('x').ses.mail } }],
    [
      'recipients that are not a list',
      { eventSource: 'aws:ses', ses: { mail: {}, receipt: { recipients: MAILBOX } } },
    ],
  ])('treats %s as not for us', (_name, record) => {
    expect(readUnsubscribeMail(record, MAILBOX)).toEqual({ kind: 'not-for-us' });
  });

  it('finds any token in any subject around it (property)', () => {
    const tokenChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    const anyToken = fc.string({ unit: tokenChar, minLength: 65, maxLength: 65 });
    const notTokenChar = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[A-Za-z0-9_-]/.test(c));
    const after = fc.oneof(
      fc.constant(''),
      fc.tuple(notTokenChar, fc.string()).map(([c, s]) => c + s),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), anyToken, after, (before, t, rest) => {
        fc.pre(!/unsubscribe-/i.test(before));
        expect(readUnsubscribeMail(toUs(`${before}unsubscribe-${t}${rest}`), MAILBOX)).toEqual({
          kind: 'token',
          token: t,
        });
      }),
    );
  });
});

describe("the dispatcher's List-Unsubscribe mailto, as a mail client sends it", () => {
  it('carries a token the reader finds and verifies for the same subscriber', () => {
    const id = newSubscriberId();
    const rendered = {
      reportId: 'r-1',
      contentHash: 'h',
      placeholder: 'KAWARABAN_UNSUBSCRIBE_TOKEN',
      locales: { ja: { subject: 's', html: 'h', text: 't' }, en: { subject: 's', html: 'h', text: 't' } },
    };
    const message = personalise(
      rendered,
      { email: 'reader@example.com', id, locale: 'ja' },
      key,
      {
        publicBaseUrl: 'https://news.example.jp',
        unsubscribeMailto: MAILBOX,
      },
      'r-1',
    );
    const header = message.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const mailto = /<mailto:([^?>]+)\?subject=([^>]+)>/.exec(header);
    expect(mailto, header).not.toBeNull();
    // What a mail client does with it (RFC 6068): the address is the recipient, the subject is decoded.
    const record = receiptRecord({
      recipients: [mailto![1]!],
      subject: `Re: ${decodeURIComponent(mailto![2]!)}`,
    });
    const read = readUnsubscribeMail(record, MAILBOX);
    expect(read.kind).toBe('token');
    expect(verifyUnsubscribeToken(key, (read as { token: string }).token)).toBe(id);
  });
});

describe('countOutcomes', () => {
  it('counts each kind', () => {
    expect(countOutcomes(['unsubscribed', 'no-token', 'unsubscribed', 'virus'])).toEqual({
      unsubscribed: 2,
      'no-token': 1,
      virus: 1,
    });
    expect(countOutcomes([])).toEqual({});
  });
});
