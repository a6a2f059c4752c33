/**
 * One SendBulkEmail's request and the meaning of each entry's status (ses-bulk.ts). Against the
 * SES emulator: test/integration/ses-bulk.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  BULK_MAX_ENTRIES,
  bulkOutcomes,
  bulkRequest,
  statusForError,
} from '../../functions/adapters/ses-bulk.ts';
import type { OutgoingEmail } from '../../functions/core/ports.ts';
import { classifySendError } from '../../functions/core/send-errors.ts';

const part = { html: '<p>X</p>', text: 'X' };
const message = (
  to: string,
  token: string,
  tags: Record<string, string> = { reportId: 'r1', kind: 'newsletter' },
) =>
  ({
    to,
    subject: '件名',
    html: '',
    text: '',
    fill: { part, placeholder: 'P', value: token },
    headers: [
      { name: 'List-Unsubscribe', value: `<https://x/u?token=${token}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: 'X-Kawaraban-Report', value: 'r1' },
    ],
    tags,
  }) satisfies OutgoingEmail;

const sender = { from: 'news@example.jp', configurationSet: 'kawaraban' };

describe('bulkRequest', () => {
  it('carries what readers share once and per entry only the address, the token and the headers that differ', () => {
    const msgs = ['a', 'b', 'c'].map((t) => ({
      msg: message(`${t}@example.jp`, t),
      data: `{"token":"${t}"}`,
    }));
    const req = bulkRequest(sender, 'kawaraban-x', msgs);
    expect(req).toMatchObject({
      FromEmailAddress: 'news@example.jp',
      ConfigurationSetName: 'kawaraban',
      DefaultEmailTags: [
        { Name: 'reportId', Value: 'r1' },
        { Name: 'kind', Value: 'newsletter' },
      ],
      DefaultContent: {
        Template: {
          TemplateName: 'kawaraban-x',
          TemplateData: '{}',
          Headers: [
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            { Name: 'X-Kawaraban-Report', Value: 'r1' },
          ],
        },
      },
    });
    expect(req.BulkEmailEntries).toEqual(
      ['a', 'b', 'c'].map((t) => ({
        Destination: { ToAddresses: [`${t}@example.jp`] },
        ReplacementTags: undefined,
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: `{"token":"${t}"}` } },
        ReplacementHeaders: [{ Name: 'List-Unsubscribe', Value: `<https://x/u?token=${t}>` }],
      })),
    );
  });

  it('puts tags per entry when the readers do not share them, and a header one reader lacks per entry', () => {
    const one = message('a@example.jp', 'a', { reportId: 'r1', kind: 'newsletter' });
    const two = { ...message('b@example.jp', 'b', { reportId: 'r2', kind: 'newsletter' }) };
    two.headers = two.headers.filter((h) => h.name !== 'X-Kawaraban-Report');
    const req = bulkRequest(sender, 'kawaraban-x', [
      { msg: one, data: '{}' },
      { msg: two, data: '{}' },
    ]);
    expect(req.DefaultEmailTags).toBeUndefined();
    expect(req.BulkEmailEntries![1]!.ReplacementTags).toEqual([
      { Name: 'reportId', Value: 'r2' },
      { Name: 'kind', Value: 'newsletter' },
    ]);
    expect(req.DefaultContent!.Template!.Headers!.map((h) => h.Name)).toEqual(['List-Unsubscribe-Post']);
    expect(req.BulkEmailEntries![0]!.ReplacementHeaders!.map((h) => h.Name)).toEqual([
      'List-Unsubscribe',
      'X-Kawaraban-Report',
    ]);
    expect(req.BulkEmailEntries![1]!.ReplacementHeaders!.map((h) => h.Name)).toEqual(['List-Unsubscribe']);
  });

  it('is made for at most the 50 entries SES takes in one call', () => {
    expect(BULK_MAX_ENTRIES).toBe(50);
  });
});

describe('bulkOutcomes', () => {
  const kindOf = (status: string, error?: string) => {
    const [o] = bulkOutcomes([{ Status: status as never, Error: error }], 1);
    return 'messageId' in o! ? 'sent' : classifySendError(o!.error).kind;
  };

  it('reads each status as the dispatcher must treat that reader', () => {
    expect(bulkOutcomes([{ Status: 'SUCCESS', MessageId: 'm1' }], 1)).toEqual([{ messageId: 'm1' }]);
    expect(kindOf('ACCOUNT_THROTTLED')).toBe('throttle');
    expect(kindOf('TRANSIENT_FAILURE')).toBe('throttle');
    expect(kindOf('ACCOUNT_DAILY_QUOTA_EXCEEDED')).toBe('throttle');
    expect(kindOf('MESSAGE_REJECTED', 'virus')).toBe('permanent');
    expect(kindOf('FAILED', 'Invalid recipient email address(es)')).toBe('permanent');
    expect(kindOf('INVALID_PARAMETER')).toBe('permanent');
    expect(kindOf('MAIL_FROM_DOMAIN_NOT_VERIFIED')).toBe('permanent');
    expect(kindOf('ACCOUNT_SENDING_PAUSED')).toBe('pause');
    expect(kindOf('CONFIGURATION_SET_SENDING_PAUSED')).toBe('pause');
    expect(kindOf('ACCOUNT_SUSPENDED')).toBe('pause');
    expect(kindOf('CONFIGURATION_SET_NOT_FOUND')).toBe('pause');
    // What may have gone out keeps its claim: a status nobody knows, or SUCCESS without an id.
    expect(kindOf('SOMETHING_NEW')).toBe('unknown');
    expect(kindOf('SUCCESS')).toBe('unknown');
  });

  it("keeps SES's words and the status in the reason, with no address", () => {
    const [o] = bulkOutcomes(
      [{ Status: 'MESSAGE_REJECTED', Error: 'Email address is not verified: a@example.jp' }],
      1,
    );
    expect(classifySendError((o as { error: unknown }).error).reason).toBe(
      'MessageRejected: Email address is not verified: <address> (MESSAGE_REJECTED)',
    );
  });

  it('refuses an answer without one result per entry (nothing is known of any)', () => {
    expect(() => bulkOutcomes(undefined, 2)).toThrow(/no results for 2 entries/);
    expect(() => bulkOutcomes([{ Status: 'SUCCESS', MessageId: 'm' }], 2)).toThrow(/1 results for 2/);
    expect(classifySendError(new Error('x')).kind).toBe('unknown');
  });

  it('names each status back for tests that inject it', () => {
    expect(statusForError('TooManyRequestsException')).toBe('ACCOUNT_THROTTLED');
    expect(statusForError('MessageRejected')).toBe('MESSAGE_REJECTED');
    expect(statusForError('NoSuchError')).toBeUndefined();
  });
});
