/// <reference lib="dom" />
/**
 * Accessibility (issue 10, item 9): every page and the emails, loaded in chromium and checked with
 * axe-core, have no serious or critical violation, in both languages and both colour schemes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConfirmationEmail, renderReportEmail, renderReportWeb } from '../../emails/render.ts';
import type { NewsletterContext } from '../../emails/types.ts';
import { archiveSite } from '../../functions/archive/entries.ts';
import { archiveIndexPage } from '../../functions/archive/index-page.ts';
import type { Locale } from '../../functions/core/subscriber.ts';
import { pageDocument } from '../../functions/http/html.ts';
import * as pages from '../../functions/http/pages.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { parsedSample } from '../helpers/sample-email.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ctx: NewsletterContext = {
  newsletterName: 'かわら版 セキュリティレポート',
  shortName: 'かわら版',
  sender: {
    name: '株式会社かわら版インテリジェンス',
    postalAddress: '〒100-0005 東京都千代田区丸の内0-0-0',
    contact: 'info@example.jp',
  },
  publicBaseUrl: 'https://news.example.jp',
};
const report = parsedSample();
const token = 'A'.repeat(65);

function allPages(locale: Locale): Record<string, string> {
  const v = pages.view(
    locale,
    {
      newsletterName: ctx.newsletterName,
      senderName: ctx.sender.name,
      contact: 'info@example.jp',
      confirmTtlHours: 48,
    },
    new URLSearchParams({ token }),
  );
  const shells = {
    home: pages.homePage(v),
    homeWithError: pages.homePage(v, { email: 'not-an-address', problem: 'local-part' }),
    accepted: pages.acceptedPage(v),
    rateLimited: pages.rateLimitedPage(v, 90),
    confirm: pages.confirmPage(v, token),
    confirmed: pages.confirmedPage(v),
    expired: pages.expiredPage(v, token),
    unsubscribe: pages.unsubscribePage(v, token),
    unsubscribed: pages.unsubscribedPage(v),
    invalidUnsubscribe: pages.invalidUnsubscribePage(v),
    notFound: pages.errorPage(v, 'notFound'),
  };
  return Object.fromEntries(Object.entries(shells).map(([k, s]) => [k, pageDocument(s)]));
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

type Violation = { id: string; impact: string | null; help: string; nodes: number };

async function axe(html: string, colorScheme: 'light' | 'dark'): Promise<Violation[]> {
  const page = await browser.newPage({ colorScheme, viewport: { width: 375, height: 800 } });
  try {
    await page.setContent(html);
    await page.addScriptTag({ content: axeSource });
    return await page.evaluate(async () => {
      const run = (
        window as unknown as {
          axe: {
            run: (
              ctx: Document,
              opts: object,
            ) => Promise<{
              violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
            }>;
          };
        }
      ).axe.run;
      const result = await run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
      }));
    });
  } finally {
    await page.close();
  }
}

// Eleven pages (or three emails) in two schemes, one axe run each: slow on a busy two-core machine.
const AXE_TIMEOUT = 120_000;

const serious = (vs: Violation[]) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** Each document, named, in both schemes: no serious or critical violation (the name says which failed). */
async function expectNoSerious(documents: Record<string, string>): Promise<void> {
  for (const [name, html] of Object.entries(documents)) {
    for (const scheme of ['light', 'dark'] as const) {
      expect({ name, scheme, violations: serious(await axe(html, scheme)) }).toEqual({
        name,
        scheme,
        violations: [],
      });
    }
  }
}

describe('axe-core in chromium: no serious or critical violations', () => {
  it('catches a careless page (so the checks below can fail)', async () => {
    const careless =
      '<html><body><img src="x.png"><p style="color:#bbbbbb;background:#ffffff">faint</p><input type="text"></body></html>';
    const ids = serious(await axe(careless, 'light')).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'color-contrast', 'html-has-lang', 'label']));
  });

  for (const locale of ['ja', 'en'] as const) {
    it(
      `every page, ${locale}, light and dark`,
      async () => {
        await expectNoSerious(allPages(locale));
      },
      AXE_TIMEOUT,
    );

    it(
      `the report email, its web version and the confirmation email, ${locale}, light and dark`,
      async () => {
        const mails = {
          report: (await renderReportEmail(report, ctx, locale, { issueNumber: 12 })).html,
          web: await renderReportWeb(report, ctx, locale, { issueNumber: 12 }),
          confirmation: (
            await renderConfirmationEmail({
              confirmUrl: 'https://news.example.jp/confirm?token=x',
              locale,
              ctx,
              expiresInHours: 48,
            })
          ).html,
        };
        await expectNoSerious(mails);
      },
      AXE_TIMEOUT,
    );
  }

  // The web version (with its link to the other language) is checked above in both languages.
  for (const locale of ['ja', 'en'] as const) {
    it(`the archive index, ${locale}`, async () => {
      const site = archiveSite({
        publicBaseUrl: ctx.publicBaseUrl,
        newsletterName: ctx.newsletterName,
        senderName: ctx.sender.name,
        locale,
      });
      const html = archiveIndexPage(site, [
        {
          id: 'a',
          title: 'タイトル',
          issueNumber: 1,
          issuedOn: '2020-09-18',
          sentAt: '2020-09-18T00:00:00.000Z',
          languages: ['ja', 'en'],
        },
      ]);
      expect(html).toContain(`lang="${locale}"`);
      expect(html).toContain(`href="${site.pageUrl('a')}"`);
      for (const scheme of ['light', 'dark'] as const) expect(serious(await axe(html, scheme))).toEqual([]);
    });
  }
});
