/**
 * Fictional props for the templates' `PreviewProps` (React Email's preview server, `npm run
 * email:dev`, and the tests use them). The report is the documented sample; it ships inside the
 * render function as ~15 kB of JSON, which is small beside React.
 */
import sample from '../examples/sample-report.json' with { type: 'json' };
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

/** The sample report (examples/sample-report.json): React Email's preview shows what editors know from the docs. */
export const previewReport = sample as Report;
