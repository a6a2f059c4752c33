/** Subject lines (emails/subject.ts): a short prefix a phone's inbox line has room for, the issue number when configured. */
import { describe, expect, it } from 'vitest';
import { renderReportEmail } from '../../emails/render.ts';
import { reportSubject } from '../../emails/subject.ts';
import type { NewsletterContext } from '../../emails/types.ts';
import { defaultShortName, loadConfig } from '../../functions/core/config.ts';
import { parseReport } from '../../functions/core/report-parse.ts';

const ctx: NewsletterContext = {
  newsletterName: 'かわら版 セキュリティレポート',
  shortName: 'かわら版',
  sender: { name: '株式会社テスト', postalAddress: '東京', contact: 'contact@example.jp' },
  publicBaseUrl: 'https://news.example.jp',
};
const subj = (locale: 'ja' | 'en', names: NewsletterContext, title: string, issueNumber?: number) =>
  reportSubject(names, title, locale, issueNumber === undefined ? {} : { issueNumber });

describe('report subjects', () => {
  it('default to the short name in the language’s brackets', () => {
    expect(subj('ja', ctx, 'キャッシュレス決済の不正利用', 12)).toBe(
      '【かわら版】キャッシュレス決済の不正利用',
    );
    expect(subj('en', ctx, 'Cashless fraud', 12)).toBe('[かわら版] Cashless fraud');
    // No short name given: the whole name, as before.
    expect(subj('ja', { ...ctx, shortName: undefined }, 'T')).toBe('【かわら版 セキュリティレポート】T');
  });

  it('take a configured prefix with the issue number, or without it while there is none', () => {
    const numbered = { ...ctx, subjectPrefix: '【かわら版 第{number}号】' };
    expect(subj('ja', numbered, '題', 7)).toBe('【かわら版 第7号】題');
    expect(subj('ja', numbered, '題')).toBe('【かわら版 第?号】題');
    const plain = { ...ctx, subjectPrefix: 'KWR #{number}' };
    expect(subj('en', plain, 'Title', 42)).toBe('KWR #42 Title');
    expect(subj('en', { ...ctx, subjectPrefix: 'KWR {number}' }, 'Title')).toBe('KWR ? Title');
  });

  it('short name defaults to the first word of the newsletter name, and both are checked in the configuration', () => {
    expect(defaultShortName('かわら版 セキュリティレポート')).toBe('かわら版');
    expect(defaultShortName('かわら版　セキュリティレポート')).toBe('かわら版');
    expect(defaultShortName('週刊脅威レポート')).toBe('週刊脅威レポート');
    const env = {
      SUBSCRIBERS_TABLE: 'a',
      REPORTS_TABLE: 'b',
      UPLOAD_BUCKET: 'c',
      NEWSLETTER_NAME: 'かわら版 セキュリティレポート',
      FROM_ADDRESS: 'x@y.jp',
      PUBLIC_BASE_URL: 'https://a.jp',
      UNSUBSCRIBE_MAILTO: 'u@a.jp',
      EDITORS: 'e@a.jp',
      SENDER_NAME: 's',
      SENDER_POSTAL_ADDRESS: 'p',
      SENDER_CONTACT: 'c',
      UNSUBSCRIBE_SECRET: 'x'.repeat(32),
    };
    expect(loadConfig(env)).toMatchObject({ shortName: 'かわら版', subjectPrefix: undefined });
    expect(
      loadConfig({ ...env, NEWSLETTER_SHORT_NAME: 'KWR', SUBJECT_PREFIX: '[KWR {number}]' }),
    ).toMatchObject({
      shortName: 'KWR',
      subjectPrefix: '[KWR {number}]',
    });
    expect(() => loadConfig({ ...env, SUBJECT_PREFIX: 'x'.repeat(31) })).toThrow(/SUBJECT_PREFIX/);
    expect(() => loadConfig({ ...env, NEWSLETTER_SHORT_NAME: '' })).toThrow(/NEWSLETTER_SHORT_NAME/);
  });

  it('reach the rendered report, proofs included', async () => {
    const parsed = parseReport(
      JSON.stringify({
        id: 'a',
        title: '題名',
        issuedOn: '2020-09-18',
        body: [{ type: 'paragraph', text: '本文' }],
      }),
    );
    if (!parsed.ok) throw new Error('bad report');
    const mail = await renderReportEmail(
      parsed.report,
      { ...ctx, subjectPrefix: '【かわら版 第{number}号】' },
      'ja',
      { issueNumber: 3 },
    );
    expect(mail.subject).toBe('【かわら版 第3号】題名');
    const proof = await renderReportEmail(parsed.report, ctx, 'ja', { proof: true });
    expect(proof.subject).toBe('【校正刷り】【かわら版】題名');
  });
});
