/**
 * The confirmation email rendered ahead (emails/confirmation-template.ts): what the api function
 * fills in per request equals a full render, the templates refuse settings they were not rendered
 * for, and the HTML and text parts say the same thing — that the link opens a page whose button confirms.
 */
import { describe, expect, it } from 'vitest';
import {
  CONFIRM_URL_PLACEHOLDER,
  ConfirmationTemplatesError,
  fillConfirmation,
  parseConfirmationTemplates,
  type ConfirmationSettings,
} from '../../emails/confirmation-template.ts';
import { emailText } from '../../emails/_i18n/index.ts';
import { renderConfirmationEmail, renderConfirmationTemplates } from '../../emails/render.ts';
import { en as pageEn } from '../../functions/http/i18n/en.ts';
import { ja as pageJa } from '../../functions/http/i18n/ja.ts';

const settings: ConfirmationSettings = {
  newsletterName: 'テスト脅威レポート',
  sender: {
    name: '株式会社テスト',
    postalAddress: '〒100-0001\n東京都千代田区千代田1-1',
    contact: 'https://example.jp/contact?a=1&b=2',
  },
  confirmTtlHours: 48,
};
const url = 'https://news.example.jp/confirm?token=Zm9vYmFyYmF6cXV4MTIzNDU2';

/** The reader-visible text of an HTML part, one string (tags dropped, the usual entities decoded). */
const visible = (html: string) =>
  html
    .replace(/<!-- -->|<wbr\/>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('confirmation templates', () => {
  it('filled in per request, equal a full render of the same link in both languages', async () => {
    const templates = await renderConfirmationTemplates(settings);
    for (const locale of ['ja', 'en'] as const) {
      const direct = await renderConfirmationEmail({
        confirmUrl: url,
        locale,
        ctx: settings,
        expiresInHours: 48,
      });
      expect(fillConfirmation(templates.locales[locale], url)).toEqual(direct);
      expect(templates.locales[locale].html).toContain(`href="${CONFIRM_URL_PLACEHOLDER}"`);
    }
  });

  it('escapes the link for the HTML part only', () => {
    const mail = fillConfirmation(
      {
        subject: 's',
        html: `<a href="${CONFIRM_URL_PLACEHOLDER}">${CONFIRM_URL_PLACEHOLDER}</a>`,
        text: CONFIRM_URL_PLACEHOLDER,
      },
      'https://x.example/confirm?token=a&b="c"',
    );
    expect(mail.html).toBe(
      '<a href="https://x.example/confirm?token=a&amp;b=&quot;c&quot;">https://x.example/confirm?token=a&amp;b=&quot;c&quot;</a>',
    );
    expect(mail.text).toBe('https://x.example/confirm?token=a&b="c"');
  });

  it('are refused when missing, malformed, incomplete or rendered for other settings, naming the variable', async () => {
    const json = JSON.stringify(await renderConfirmationTemplates(settings));
    expect(parseConfirmationTemplates(json, settings).locales.ja.subject).toBe(
      '【テスト脅威レポート】購読登録の確認',
    );
    const bad: [string | undefined, ConfirmationSettings][] = [
      [undefined, settings],
      ['', settings],
      ['{not json', settings],
      ['{}', settings],
      [JSON.stringify({ ...JSON.parse(json), locales: { ja: JSON.parse(json).locales.ja } }), settings],
      [json.replaceAll(CONFIRM_URL_PLACEHOLDER, 'https://fixed.example/'), settings],
      [json, { ...settings, newsletterName: '別の名前' }],
      [json, { ...settings, sender: { ...settings.sender, postalAddress: '大阪' } }],
      [json, { ...settings, confirmTtlHours: 24 }],
    ];
    for (const [input, expected] of bad) {
      expect(() => parseConfirmationTemplates(input, expected)).toThrow(ConfirmationTemplatesError);
      expect(() => parseConfirmationTemplates(input, expected)).toThrow(/KAWARABAN_CONFIRMATION_TEMPLATES/);
    }
  });
});

describe('what the confirmation email says (issue 10, item 7)', () => {
  for (const [locale, page] of [
    ['ja', pageJa],
    ['en', pageEn],
  ] as const) {
    it(`${locale}: HTML and text carry the same sentences, which name the page's button and not the email's`, async () => {
      const mail = await renderConfirmationEmail({
        confirmUrl: url,
        locale,
        ctx: settings,
        expiresInHours: 48,
      });
      const c = emailText(locale).confirmation;
      const html = visible(mail.html);
      for (const sentence of [
        c.heading,
        c.intro(settings.newsletterName, settings.sender.name),
        c.action,
        c.expires(48),
        c.ignore,
      ]) {
        expect(html).toContain(sentence);
        expect(mail.text).toContain(sentence);
      }
      // The email's button opens the page; the sentence tells the reader to press the page's button there.
      expect(c.action).toContain(page.confirm.button);
      expect(c.button).not.toBe(page.confirm.button);
      expect(html).toContain(c.button);
    });
  }
});
