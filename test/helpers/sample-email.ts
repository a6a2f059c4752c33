/** The bundled sample report, parsed, and a newsletter context to render it with (email tests). */
import { readFileSync } from 'node:fs';
import type { NewsletterContext } from '../../emails/types.ts';
import type { Report } from '../../functions/core/report-schema.ts';
import { parseReport } from '../../functions/core/report-parse.ts';

export const sampleContext: NewsletterContext = {
  newsletterName: 'かわら版 セキュリティレポート',
  sender: { name: '株式会社テスト', postalAddress: '東京都千代田区', contact: 'contact@example.jp' },
  publicBaseUrl: 'https://news.example.jp',
};

/** examples/sample-report.json, validated as an upload is. */
export function parsedSample(): Report {
  const parsed = parseReport(
    readFileSync(new URL('../../examples/sample-report.json', import.meta.url), 'utf8'),
  );
  if (!parsed.ok) throw new Error('sample report is invalid');
  return parsed.report;
}
