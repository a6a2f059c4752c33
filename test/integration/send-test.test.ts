/**
 * `kawaraban report send-test` (issue 8, item 4) through the command line entry, against this
 * file's own tables, bucket and the SES emulator: only the given addresses get the reader's
 * email, the subscribers get nothing, the limit holds across invocations, bad lists are refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportEmail, UNSUBSCRIBE_TOKEN_PLACEHOLDER } from '../../emails/render.ts';
import { newsletterContext } from '../../functions/adapters/editor-notifier.ts';
import { parseReport } from '../../functions/core/report-parse.ts';
import { sha256Hex } from '../../functions/core/tokens.ts';
import { doc, renderedFor, seedConfirmed, seedReport } from '../helpers/audience.ts';
import { cliWithStackPerTest } from '../helpers/cli.ts';
import { header, sentTo } from '../helpers/inbox.ts';
import type { TestStack } from '../helpers/stack.ts';

let stack: TestStack;
const cli = cliWithStackPerTest((s) => (stack = s));
const samplePath = 'examples/sample-report.json';
const sample = parseReport(readFileSync(samplePath, 'utf8'));

beforeAll(() => {
  process.env.KAWARABAN_EDITOR = 'editor-tanaka';
});
afterAll(() => {
  delete process.env.KAWARABAN_EDITOR;
});

async function auditRecords(reportId: string) {
  const out = await doc.scan({
    TableName: stack.env.SUBSCRIBERS_TABLE,
    FilterExpression: 'begins_with(email, :p) AND reportId = :r',
    ExpressionAttributeValues: { ':r': reportId, ':p': 'audit#test-send#' },
    ConsistentRead: true,
  });
  return out.Items ?? [];
}

describe('kawaraban report send-test', () => {
  it('sends a file, rendered as the render function would, to the given addresses only; the subscribers get nothing; who sent it is recorded', async () => {
    if (!sample.ok) throw new Error('sample report is invalid');
    const readers = await seedConfirmed(stack, 4);
    const [a, b] = [stack.address('editor-a'), stack.address('editor-b')];
    const r = await cli('report', 'send-test', samplePath, '--to', `${a}, ${b}`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('local:editor-tanaka');

    const reader = await renderReportEmail(sample.report, newsletterContext(stack.config), 'ja');
    for (const to of [a, b]) {
      const mails = await sentTo(to);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.subject).toBe(`[TEST] ${reader.subject}`);
      // The reader's email, byte for byte, but for the inert token.
      expect(mail.body.html).toBe(reader.html.replaceAll(UNSUBSCRIBE_TOKEN_PLACEHOLDER, 'proof'));
      expect(mail.body.text).toBe(reader.text.replaceAll(UNSUBSCRIBE_TOKEN_PLACEHOLDER, 'proof'));
      expect(header(mail, 'List-Unsubscribe')).toBe(
        '<https://news.example.jp/unsubscribe?token=proof>, <mailto:unsubscribe@example.jp?subject=unsubscribe-proof>',
      );
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      // Not attributed to the report: a bounce of a test must not count against it.
      expect(header(mail, 'X-Kawaraban-Report')).toBeUndefined();
    }
    for (const s of readers) expect(await sentTo(s.email)).toEqual([]);

    const [audit, ...more] = await auditRecords(sample.report.id);
    expect(more).toEqual([]);
    expect(audit).toMatchObject({
      caller: 'local:editor-tanaka',
      source: 'file',
      recipients: 2,
      sent: 2,
      failed: 0,
      outcome: 'sent',
      subject: `[TEST] ${reader.subject}`,
    });
    expect(audit!.recipientHashes).toEqual([sha256Hex(a.toLowerCase()), sha256Hex(b.toLowerCase())]);
    expect(JSON.stringify(audit)).not.toContain(a);
    // Kept apart from subscribers: no id or status, so no index or subscriber scan sees it.
    expect(audit).not.toHaveProperty('id');
    expect(audit).not.toHaveProperty('status');
  });

  it('sends a Markdown file as the JSON it converts to', async () => {
    if (!sample.ok) throw new Error('sample report is invalid');
    const to = stack.address('md');
    const r = await cli('report', 'send-test', 'examples/sample-report.md', '--to', to);
    expect(r.code).toBe(0);
    const reader = await renderReportEmail(sample.report, newsletterContext(stack.config), 'ja');
    const [mail] = await sentTo(to);
    expect(mail?.body.html).toBe(reader.html.replaceAll(UNSUBSCRIBE_TOKEN_PLACEHOLDER, 'proof'));
  });

  it('sends an uploaded report from its stored rendering, in the locale asked for', async () => {
    const readers = await seedConfirmed(stack, 3);
    const report = await seedReport(stack);
    const to = stack.address('editor');
    const r = await cli('report', 'send-test', report.reportId, '--to', to, '--locale', 'en');
    expect(r.code).toBe(0);
    const stored = renderedFor(report.reportId).locales.en;
    const [mail, ...more] = await sentTo(to);
    expect(more).toEqual([]);
    expect(mail?.subject).toBe(`[TEST] ${stored.subject}`);
    expect(mail?.body.html).toBe(stored.html.replaceAll(renderedFor(report.reportId).placeholder, 'proof'));
    for (const s of readers) expect(await sentTo(s.email)).toEqual([]);
    expect(await auditRecords(report.reportId)).toEqual([
      expect.objectContaining({ source: 'uploaded', recipients: 1 }),
    ]);
  });

  it('allows three sends a minute for the whole stack, however many invocations: the fourth is refused and sends nothing', async () => {
    const report = await seedReport(stack);
    const to = (i: number) => stack.address(`limit${i}`);
    for (let i = 1; i <= 3; i++) {
      const r = await cli('report', 'send-test', report.reportId, '--to', to(i));
      expect(r.code).toBe(0);
    }
    const fourth = to(4);
    const r = await cli('report', 'send-test', report.reportId, '--to', fourth);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/テスト送信の上限に達しました.*\d+ 秒後/);
    expect(await sentTo(fourth)).toEqual([]);
    expect(await auditRecords(report.reportId)).toHaveLength(3);
  });

  it('refuses a bad --to list clearly, before anything is read, counted or sent', async () => {
    const report = await seedReport(stack);
    const eleven = Array.from({ length: 11 }, (_, i) => stack.address(`many${i}`));
    const cases: [string, RegExp][] = [
      [eleven.join(','), /宛先が多すぎます: 11 件（最大 10 件）/],
      ['', /--to に宛先を 1 件以上/],
      [`${stack.address('ok')},not-an-address`, /2 件目「not-an-address」: メールアドレスには「@」と/],
      [`${stack.address('ok')},`, /2 件目「」: メールアドレスがありません/],
      ['ｅｄｉｔｏｒ@example.jp', /1 件目.*全角文字/],
      ['editor@kawaraban.test', /1 件目.*予約されたドメイン/],
      [
        'Editor@Example.com,editor@example.com',
        /2 件目「editor@example.com」は 1 件目と同じメールボックスです/,
      ],
      ['a.b@gmail.com,ab+news@gmail.com', /同じメールボックス/],
    ];
    for (const [list, message] of cases) {
      const r = await cli('report', 'send-test', report.reportId, '--to', list);
      expect(r.code, list).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('送信しませんでした');
    }
    for (const a of [...eleven, 'editor@example.com', 'Editor@Example.com'])
      expect(await sentTo(a)).toEqual([]);
    expect(await auditRecords(report.reportId)).toEqual([]);
    // None of them used the limit.
    for (let i = 0; i < 3; i++)
      expect((await cli('report', 'send-test', report.reportId, '--to', stack.address('after'))).code).toBe(
        0,
      );
  });

  it('refuses what is neither a valid file nor a rendered report', async () => {
    const to = stack.address('x');
    const unknown = await cli('report', 'send-test', 'no-such-report', '--to', to);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('報告が見つかりません: no-such-report');
    const neither = await cli('report', 'send-test', 'missing/file.json', '--to', to);
    expect(neither.code).toBe(1);
    expect(neither.err).toContain('ファイルでも報告 id でもありません');
    const invalid = await cli('report', 'send-test', 'examples/invalid-report.json', '--to', to);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('送信しませんでした');
    const rejected = await seedReport(stack, { status: 'REJECTED', extra: { renderedKey: undefined } });
    const r = await cli('report', 'send-test', rejected.reportId, '--to', to);
    expect(r.code).toBe(1);
    expect(r.err).toContain('レンダリングされていません');
    expect(await sentTo(to)).toEqual([]);
  });
});
