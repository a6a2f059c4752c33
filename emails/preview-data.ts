/**
 * Small, fictional props for the templates' `PreviewProps` (React Email's preview server and
 * the tests use them). Kept short on purpose: this module ships inside the render function.
 */
import type { Report } from '../functions/core/report-schema.ts';
import type { NewsletterContext } from './types.ts';

export const previewContext: NewsletterContext = {
  newsletterName: 'かわら版 セキュリティレポート',
  sender: {
    name: '株式会社かわら版インテリジェンス（架空の会社です）',
    postalAddress: '〒100-0005 東京都千代田区丸の内0-0-0 サンプルビル8階',
    contact: 'info@kawaraban.example.jp',
  },
  publicBaseUrl: 'https://news.example.jp',
};

export const previewReport: Report = {
  id: '2020-09-18-cashless',
  title: 'キャッシュレス決済サービスの不正利用について',
  issuedOn: '2020-09-18',
  summary: '銀行口座と連携したキャッシュレス決済の不正利用が相次いでいます。',
  body: [
    { type: 'paragraph', text: '本号は臨時号です。\n登場する企業名はすべて架空のものです。' },
    { type: 'heading', text: '何が起きているのか' },
    { type: 'paragraph', text: '詳しくは https://www.example.jp/kawaraban/2020-09 をご覧ください。' },
    { type: 'list', items: ['リンクからログインしない', '明細をこまめに確認する'] },
    { type: 'quote', text: '口座から身に覚えのない引き落としがあった。' },
  ],
  topics: [{ date: '2020-09-08', title: '架空ペイで不正チャージ', detail: '新規の口座連携を一時停止。' }],
  references: [
    {
      source: '架空ペイ株式会社',
      date: '2020-09-08',
      title: '不正利用についてのお知らせ',
      url: 'https://www.example.com/kakuu-pay/news/20200908',
    },
  ],
  notes: ['本レポートは架空の事例に基づくサンプルです。'],
};
