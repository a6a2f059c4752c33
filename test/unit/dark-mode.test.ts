/// <reference lib="dom" />
/**
 * Dark mode (issue 10, item 1): the email and the pages follow `prefers-color-scheme: dark` where
 * the client honours it, every text colour keeps its WCAG contrast in both schemes, and a client
 * that ignores the stylesheet still gets the light version exactly as before. Checked in a real
 * browser (chromium) with the scheme emulated.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colors, contrastPairs, darkColors } from '../../emails/_components/styles.ts';
import { renderReportEmail } from '../../emails/render.ts';
import { DARK_PALETTE, PALETTE, pageDocument } from '../../functions/http/html.ts';
import * as pages from '../../functions/http/pages.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { contrast } from '../helpers/contrast.ts';
import { parsedSample, sampleContext } from '../helpers/sample-email.ts';

const ctx = sampleContext;
const report = parsedSample();

describe('colours', () => {
  for (const [scheme, palette] of [
    ['light', colors],
    ['dark', darkColors],
  ] as const) {
    it.each(contrastPairs(palette))(`email, ${scheme}: $what keeps $min:1`, ({ fg, bg, min }) => {
      expect(contrast(fg, bg)).toBeGreaterThanOrEqual(min);
    });
  }

  it.each([
    ['light', PALETTE],
    ['dark', DARK_PALETTE],
  ] as const)('pages, %s: text 4.5:1, focus ring and field borders 3:1', (_scheme, p) => {
    for (const fg of [p.text, p.muted, p.link, p.linkHover, p.error])
      expect(contrast(fg, p.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(p.background, p.link)).toBeGreaterThanOrEqual(4.5); // button text on the button
    expect(contrast(p.background, p.linkHover)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(p.focus, p.background)).toBeGreaterThanOrEqual(3);
    expect(contrast(p.border, p.background)).toBeGreaterThanOrEqual(3);
  });
});

describe('the email in either scheme', () => {
  it('declares both schemes, and without its stylesheet is the light version (clients that ignore dark mode)', async () => {
    const { html } = await renderReportEmail(report, ctx, 'ja');
    expect(html).toContain('<meta name="color-scheme" content="light dark"/>');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark"/>');
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    const withoutStyles = html.replace(/<style>[\s\S]*?<\/style>/g, '');
    for (const dark of new Set(Object.values(darkColors))) {
      if ((Object.values(colors) as string[]).includes(dark)) continue; // shared (the header band)
      expect(withoutStyles).not.toContain(dark);
    }
    expect(withoutStyles).toContain(`background-color:${colors.paper}`);
    expect(withoutStyles).toContain(`color:${colors.ink}`);
  });
});

describe('in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

  it.each(['light', 'dark'] as const)('the email is drawn in its %s colours', async (scheme) => {
    const { html } = await renderReportEmail(report, ctx, 'ja', { proof: true });
    const page = await browser.newPage({ colorScheme: scheme });
    try {
      await page.setContent(html);
      const p = scheme === 'dark' ? darkColors : colors;
      const got = await page.evaluate(() => {
        const paper = document.querySelector('.k-paper')!;
        const para = paper.querySelector('h1')!;
        const link = paper.querySelector('.k-foot a')!;
        const muted = paper.querySelector('.k-muted')!;
        const proof = paper.querySelector('.k-proof p')!;
        const css = (el: Element, prop: string) => getComputedStyle(el).getPropertyValue(prop);
        return {
          paper: css(paper, 'background-color'),
          ink: css(para, 'color'),
          link: css(link, 'color'),
          muted: css(muted, 'color'),
          proof: css(proof, 'color'),
          body: css(document.body, 'background-color'),
        };
      });
      expect(got).toEqual({
        paper: rgb(p.paper),
        ink: rgb(p.ink),
        link: rgb(p.link),
        muted: rgb(p.muted),
        proof: rgb(p.proofInk),
        body: rgb(p.page),
      });
    } finally {
      await page.close();
    }
  });

  it.each(['light', 'dark'] as const)('the pages are drawn in their %s colours', async (scheme) => {
    const v = pages.view('ja', {
      newsletterName: 'かわら版',
      senderName: '株式会社テスト',
      contact: 'c@example.jp',
      confirmTtlHours: 48,
    });
    const page = await browser.newPage({ colorScheme: scheme });
    try {
      await page.setContent(pageDocument(pages.homePage(v)));
      const p = scheme === 'dark' ? DARK_PALETTE : PALETTE;
      const got = await page.evaluate(() => ({
        bg: getComputedStyle(document.documentElement).backgroundColor,
        text: getComputedStyle(document.querySelector('h1')!).color,
        button: getComputedStyle(document.querySelector('button')!).backgroundColor,
      }));
      expect(got).toEqual({ bg: rgb(p.background), text: rgb(p.text), button: rgb(p.link) });
    } finally {
      await page.close();
    }
  });
});
