/**
 * The live preview (issue 8, items 3 and 5) in a real browser: Debian's chromium through
 * playwright-core. Edit the file → the page changes without a reload; an invalid save → its
 * problems with their lines, the last good rendering kept; report text never becomes markup.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivePreview, type LivePreview } from '../../cli/preview/command.ts';
import { launchBrowser } from '../helpers/browser.ts';

const sample = JSON.parse(readFileSync('examples/sample-report.json', 'utf8')) as Record<string, unknown>;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('report preview --serve', () => {
  let dir: string;
  let file: string;
  let preview: LivePreview;
  let browser: Browser;
  let page: Page;
  /** Saves the report as an editor would, one field per line so lines are meaningful. */
  const save = (text: string) => writeFileSync(file, text);
  const saveReport = (changes: Record<string, unknown>) =>
    save(`${JSON.stringify({ ...sample, ...changes }, null, 2)}\n`);
  const frameBody = (id: string) => page.frameLocator(`#${id}`).locator('body');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kawaraban-preview-'));
    file = join(dir, 'report.json');
    saveReport({});
    preview = await startLivePreview({ file, port: 0, lang: 'ja', debounceMs: 30 });
    browser = await launchBrowser();
    // axe is injected by the test; the page's own policy allows only its script.
    const context = await browser.newContext({ bypassCSP: true });
    page = await context.newPage();
    await page.goto(preview.server.url);
    await page.locator('body[data-phase="ok"]').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await preview?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the inbox line, the subject length and the phone cut, the HTML at two widths, and the text', async () => {
    const title = sample.title as string;
    await expect(page.locator('#subject').textContent()).resolves.toBe(
      `【かわら版 セキュリティレポート】${title}`,
    );
    await expect(page.locator('#from').textContent()).resolves.toContain('report@kawaraban.example.jp');
    await expect(page.locator('#preheader').textContent()).resolves.toBe(sample.summary);
    // The sample's title is 41 full-width characters: a phone shows 30 of them.
    await expect(page.locator('#subject-length').textContent()).resolves.toContain('タイトル部分は 41 文字');
    await expect(page.locator('#subject-fit.warn').textContent()).resolves.toContain(
      `「${title.slice(0, 29)}…」`,
    );
    await frameBody('frame-desktop').getByText(title).first().waitFor();
    await frameBody('frame-phone').getByText(title).first().waitFor();
    expect(
      await page
        .locator('#frame-phone')
        .evaluate((f) => (f as unknown as { clientWidth: number }).clientWidth),
    ).toBe(375);
    expect(
      await page
        .locator('#frame-desktop')
        .evaluate((f) => (f as unknown as { clientWidth: number }).clientWidth),
    ).toBeGreaterThanOrEqual(600);
    // The text part wraps at 70 columns between phrases (emails/_text/text-helpers.ts): read it unwrapped.
    expect((await page.locator('#text').textContent())?.replace(/\n/g, '')).toContain(title);
  });

  it('switches the email to English chrome and to the dark scheme', async () => {
    await page.getByLabel('英語').check();
    await expect(page.locator('#subject').textContent()).resolves.toMatch(
      /^\[かわら版 セキュリティレポート\] /,
    );
    await page.getByLabel('ダーク').check();
    expect(
      await page
        .locator('#frame-desktop')
        .evaluate(
          (f) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { colorScheme: string } }
            ).getComputedStyle(f).colorScheme,
        ),
    ).toBe('dark');
    await page.getByLabel('日本語').check();
    await page.getByLabel('ライト').check();
    await expect(page.locator('#subject').textContent()).resolves.toMatch(/^【/);
  });

  it('follows each save without a reload; an invalid save shows its problems with lines and keeps the last good rendering', async () => {
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    saveReport({ title: '短い題名の臨時号' });
    await page
      .locator('#subject', { hasText: '【かわら版 セキュリティレポート】短い題名の臨時号' })
      .waitFor();
    await page.locator('#subject-fit.fits').waitFor();
    await frameBody('frame-desktop').getByText('短い題名の臨時号').first().waitFor();

    // A JSON syntax error: a missing comma on line 3.
    const good = `${JSON.stringify({ ...sample, title: '短い題名の臨時号' }, null, 2)}\n`;
    const lines = good.split('\n');
    lines[2] = lines[2]!.replace(/,$/, '');
    save(lines.join('\n'));
    await page.locator('body[data-phase="invalid"]').waitFor();
    const problem = await page.locator('#problem-list li').first().textContent();
    expect(problem).toContain('report.json:4:');
    expect(problem).toContain('JSON の構文エラー');
    await expect(page.locator('#problems-note').textContent()).resolves.toContain('最後に正しく表示できた版');
    await expect(page.locator('#subject').textContent()).resolves.toContain('短い題名の臨時号');
    await frameBody('frame-desktop').getByText('短い題名の臨時号').first().waitFor();

    // Schema problems: each with the line of the field it names.
    save(good.replace('"title":', '"titel":').replace(/"issuedOn": "[^"]*"/, '"issuedOn": "9月18日"'));
    await page.locator('#problem-list li', { hasText: '$.titel' }).waitFor();
    const texts = await page.locator('#problem-list li').allTextContents();
    const lineOf = (needle: string) => good.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(texts.find((t) => t.includes('$.titel'))).toContain(`report.json:${lineOf('"title":')}:`);
    expect(texts.find((t) => t.includes('$.issuedOn'))).toContain(`report.json:${lineOf('"issuedOn":')}:`);
    await expect(page.locator('#subject').textContent()).resolves.toContain('短い題名の臨時号');

    // Fixed: the problems go, the new rendering comes; still the same page (no reload).
    saveReport({ title: '直した題名' });
    await page.locator('body[data-phase="ok"]').waitFor();
    await page.locator('#subject', { hasText: '直した題名' }).waitFor();
    expect(await page.locator('#problems').isHidden()).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
  });

  it('shows report text as text: markup in the title and summary never runs or renders', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    saveReport({ title: `題名${hostile}`, summary: `要約${hostile}` });
    await page.locator('#subject', { hasText: '<img src=x' }).waitFor();
    await frameBody('frame-desktop').getByText('題名<img src=x').first().waitFor();
    expect(await page.locator('#subject img, #preheader img, #subject script').count()).toBe(0);
    expect(await frameBody('frame-desktop').locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // The email itself is sandboxed: no scripts, not the page's origin.
    expect(await page.locator('#frame-desktop').getAttribute('sandbox')).not.toContain('allow-scripts');
    expect(await page.locator('#frame-desktop').getAttribute('sandbox')).not.toContain('allow-same-origin');
  });

  it('passes axe (WCAG 2 A/AA) with a rendering and with problems shown', async () => {
    saveReport({ title: 'アクセシビリティ確認' });
    await page.locator('#subject', { hasText: 'アクセシビリティ確認' }).waitFor();
    await page.addScriptTag({ content: axeSource });
    const run = () =>
      page.evaluate(async () => {
        const axe = (
          globalThis as unknown as {
            axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string }[] }> };
          }
        ).axe;
        // The framed email is checked by the email tests; this is about the page around it.
        const r = await axe.run({ exclude: [['iframe']] }, { runOnly: ['wcag2a', 'wcag2aa'] });
        return r.violations.map((v) => v.id);
      });
    expect(await run()).toEqual([]);
    save('{ "id": ');
    await page.locator('body[data-phase="invalid"]').waitFor();
    expect(await run()).toEqual([]);
  });

  it('answers only on loopback, to its own Host, and only GET', async () => {
    const { port, url } = preview.server;
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    // A page on another site pointing its DNS name at 127.0.0.1 sends its own Host.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port, path: '/state', headers: { Host: `attacker.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
