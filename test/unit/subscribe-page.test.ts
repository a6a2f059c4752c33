/**
 * The subscribe page (issue 10, item 5): how often reports come, what the address is used for and
 * the privacy policy (a configured URL), in both languages; on the English page the Japanese company
 * name is marked Japanese, so it gets Japanese fonts and phrase breaks instead of Latin rules.
 */
import { describe, expect, it } from 'vitest';
import { pageDocument } from '../../functions/http/html.ts';
import { en } from '../../functions/http/i18n/en.ts';
import { ja } from '../../functions/http/i18n/ja.ts';
import * as pages from '../../functions/http/pages.ts';

const site = {
  newsletterName: 'かわら版 セキュリティレポート',
  senderName: '株式会社かわら版インテリジェンス',
  contact: 'info@example.jp',
  confirmTtlHours: 48,
};
const home = (locale: 'ja' | 'en', privacyPolicyUrl?: string) =>
  pageDocument(pages.homePage(pages.view(locale, { ...site, privacyPolicyUrl }))).replaceAll('<wbr>', '');

describe('subscribe page', () => {
  it.each([
    ['ja', ja],
    ['en', en],
  ] as const)(
    '%s: says how often, what the address is for, and links the privacy policy when configured',
    (locale, t) => {
      const page = home(locale, 'https://example.jp/privacy?x=1&y=2');
      for (const s of [t.home.frequencyLabel, t.home.frequency, t.home.purposeLabel, t.home.purpose])
        expect(page).toContain(s);
      expect(page).toContain(`<a href="https://example.jp/privacy?x=1&amp;y=2">${t.home.privacy}</a>`);
      expect(home(locale)).not.toContain(t.home.privacy);
    },
  );

  it('the English page marks the Japanese names as Japanese', () => {
    const page = home('en');
    expect(page).toContain('<span lang="ja">株式会社かわら版インテリジェンス</span>');
    expect(page).toContain('<span lang="ja">かわら版 セキュリティレポート</span>');
  });
});
