import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createElement } from 'react';
import { render } from '@react-email/render';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../functions/core/report-parse.ts';
import type { Report } from '../../functions/core/report-schema.ts';
import { ConfirmationEmail } from '../../emails/confirmation.tsx';
import { splitLinks } from '../../emails/linkify.ts';
import { MAX_LISTED_ISSUES } from '../../emails/notices.ts';
import {
  UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  renderConfirmationEmail as renderConfirmationWithBreaks,
  renderEditorNotice,
  renderReportEmail as renderReportWithBreaks,
  type EditorNotice,
  type NewsletterContext,
  type RenderedEmail,
} from '../../emails/render.ts';
import { ReportEmail } from '../../emails/report.tsx';
import { emailText } from '../../emails/_i18n/index.ts';
import { reportText } from '../../emails/_text/report-text.ts';

/**
 * These tests read the HTML as text: the <wbr> between Japanese phrases is dropped here (phrase
 * breaking has its own tests, test/unit/phrases.test.ts).
 */
const noWbr = (m: RenderedEmail): RenderedEmail => ({ ...m, html: m.html.replaceAll('<wbr/>', '') });
const renderReportEmail = async (...args: Parameters<typeof renderReportWithBreaks>) =>
  noWbr(await renderReportWithBreaks(...args));
const renderConfirmationEmail = async (...args: Parameters<typeof renderConfirmationWithBreaks>) =>
  noWbr(await renderConfirmationWithBreaks(...args));

const ctx: NewsletterContext = {
  newsletterName: 'テスト脅威レポート',
  sender: {
    name: '株式会社テスト',
    postalAddress: '〒100-0001 東京都千代田区千代田1-1',
    contact: 'contact@example.jp',
  },
  publicBaseUrl: 'https://news.example.jp',
};
const unsubscribeHref = `https://news.example.jp/unsubscribe?token=${UNSUBSCRIBE_TOKEN_PLACEHOLDER}`;

function loadSample(): Report {
  const r = parseReport(readFileSync(new URL('../../examples/sample-report.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('sample report is invalid');
  return r.report;
}

/** HTML text with the markup between adjacent text nodes removed, for "does the reader see X". */
function visible(html: string): string {
  return html
    .replace(/<!-- -->/g, '')
    .replace(/<br\/>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"');
}

/** A report that uses each field once, with a marker per place, for targeted assertions. */
function smallReport(overrides: Partial<Report> = {}): Report {
  return {
    id: 'r-1',
    title: 'タイトル',
    issuedOn: '2020-09-18',
    body: [{ type: 'paragraph', text: '本文' }],
    ...overrides,
  };
}

describe('renderReportEmail — the sample report in Japanese', () => {
  const report = loadSample();
  let mail: RenderedEmail;
  beforeAll(async () => {
    mail = await renderReportEmail(report, ctx, 'ja');
  });

  it('uses the title as subject, after the newsletter name in 【】', () => {
    expect(mail.subject).toBe(`【テスト脅威レポート】${report.title}`);
  });

  it('is a Japanese document with the title, newsletter name and 配信日 in the header', () => {
    expect(mail.html).toContain('<html dir="ltr" lang="ja">');
    expect(mail.html).toMatch(new RegExp(`<h1[^>]*>${report.title}</h1>`));
    expect(mail.html).toContain(`<title>${report.title}</title>`);
    expect(mail.html).toContain('>テスト脅威レポート</p>');
    expect(mail.html).toContain('配信日: 2020年9月18日');
  });

  it('puts the summary in the hidden inbox preview', () => {
    expect(mail.html).toMatch(/<div style="display:none[^"]*"[^>]*>銀行口座と連携したキャッシュレス決済/);
  });

  it('renders every block type', () => {
    const text = visible(mail.html);
    for (const block of report.body) {
      if (block.type === 'heading') expect(mail.html).toMatch(new RegExp(`<h2[^>]*>${block.text}</h2>`));
      if (block.type === 'paragraph') expect(text).toContain(block.text);
      if (block.type === 'list')
        for (const item of block.items)
          expect(mail.html).toMatch(new RegExp(`<li[^>]*>${escapeRe(item)}</li>`));
      if (block.type === 'quote') expect(text).toContain(block.text);
    }
    expect(mail.html.match(/<blockquote/g)).toHaveLength(
      report.body.filter((b) => b.type === 'quote').length,
    );
  });

  it('keeps line breaks inside a paragraph', () => {
    expect(mail.html).toContain('ありがとうございます。<br/>本号は');
  });

  it('lists the topics under 【確認されたサイバー攻撃トピック】 with their dates', () => {
    expect(mail.html).toMatch(/<h2[^>]*>【確認されたサイバー攻撃トピック】<\/h2>/);
    const text = visible(mail.html);
    for (const topic of report.topics!) {
      expect(mail.html).toMatch(new RegExp(`<h3[^>]*>.*?${escapeRe(topic.title)}</h3>`));
      expect(text).toContain(topic.detail!);
    }
    expect(text).toContain('2020年9月8日　架空ペイで銀行口座連携を悪用した不正チャージ');
  });

  it('links every reference, with its source and date', () => {
    expect(mail.html).toMatch(/<h2[^>]*>【参考URL】<\/h2>/);
    for (const ref of report.references!) {
      expect(mail.html).toMatch(new RegExp(`<a href="${escapeRe(ref.url)}"[^>]*>${escapeRe(ref.title)}</a>`));
    }
    expect(visible(mail.html)).toContain('株式会社サンプル銀行（2020年9月10日）');
  });

  it('shows the ※ notes', () => {
    for (const note of report.notes!) expect(visible(mail.html)).toContain(`※ ${note}`);
  });

  it('ends with the legal sender block, the opt-out statement and a visible unsubscribe link', () => {
    const footer = visible(mail.html.slice(mail.html.lastIndexOf('<hr')));
    expect(visible(mail.html)).toContain('配信停止をご希望の方は、次のリンクからお手続きください。');
    expect(mail.html).toContain(`<a href="${unsubscribeHref}"`);
    expect(mail.html).toMatch(new RegExp(`<a href="${escapeRe(unsubscribeHref)}"[^>]*>配信を停止する</a>`));
    expect(footer).toContain('発行: 株式会社テスト');
    expect(footer).toContain('所在地: 〒100-0001 東京都千代田区千代田1-1');
    expect(footer).toContain('お問い合わせ: contact@example.jp');
  });

  it('autolinks URLs in paragraphs and leaves defanged ones as text', () => {
    expect(mail.html).toContain(
      '<a href="https://www.example.jp/kawaraban/awareness/2020-09-cashless.pdf" style="color:#1d4ed8;text-decoration-line:none;text-decoration:underline;word-break:break-all" target="_blank">',
    );
    expect(mail.html).toContain('hxxps://kakuu-pay-support[.]example/login');
    expect(mail.html).not.toContain('href="hxxps');
  });

  it('links a reference title as words: it wraps like text, not broken mid-word like a URL', () => {
    const ref = report.references![0]!;
    expect(mail.html).toContain(
      `<a href="${ref.url}" style="color:#1d4ed8;text-decoration-line:none;text-decoration:underline" target="_blank">${ref.title}</a>`,
    );
  });

  it('hangs each ※ note under its text: the mark in a cell of its own', () => {
    for (const note of report.notes!)
      expect(mail.html).toMatch(
        new RegExp(`<td style="[^"]*"[^>]*>※ </td><td style="[^"]*"[^>]*>${escapeRe(note)}</td>`),
      );
  });

  it('sets the body in 15px type with 27px lines (1.8) and headings that break at phrases', () => {
    expect(mail.html).toMatch(/<p style="font-size:15px;line-height:27px;[^"]*">いつも/);
    expect(mail.html).toMatch(/<h1 style="[^"]*word-break:auto-phrase[^"]*">/);
  });

  it('makes the unsubscribe link larger and bolder than the small print around it', () => {
    expect(mail.html).toMatch(
      new RegExp(
        `<a href="${escapeRe(unsubscribeHref)}" style="color:#1d4ed8;text-decoration-line:none;text-decoration:underline;font-size:15px;font-weight:700"[^>]*>配信を停止する</a>`,
      ),
    );
  });

  it('sets the font stack a few times to be inherited, not on every paragraph (Gmail clips at ~102 KB)', () => {
    const stacks = mail.html.match(/font-family:/g)!.length;
    expect(stacks).toBeGreaterThanOrEqual(3); // page, paper, content cell
    expect(stacks).toBeLessThan(10); // the sample has 50+ blocks
  });

  it('has no pretty-printing and no leftover React Email placeholders', () => {
    expect(mail.html.startsWith('<!DOCTYPE html')).toBe(true);
    expect(mail.html).not.toContain('\n  <');
  });
});

describe('renderReportEmail — the plain-text part', () => {
  const report = loadSample();
  let text: string;
  beforeAll(async () => {
    // Unwrapped, to read its structure here; the wrapping itself is tested in test/unit/phrases.test.ts.
    text = reportText(report, ctx, emailText('ja'), false, undefined, Number.POSITIVE_INFINITY);
  });

  it('opens with the newsletter name, 配信日 and the title', () => {
    expect(
      text.startsWith(`テスト脅威レポート\n配信日: 2020年9月18日\n${'-'.repeat(60)}\n\n${report.title}\n\n`),
    ).toBe(true);
  });

  it('writes each block type readably', () => {
    expect(text).toContain('\n\n■ 1. 何が起きているのか\n\n');
    expect(text).toContain(
      '\n・入手した情報で決済サービスのアカウントを新規に作成する（メールアドレスは使い捨て）\n',
    );
    expect(text).toContain(
      '\n＞ 決済サービスは使っていないのに、口座から「ペイ」という名目で3万円ずつ4回引き落とされていた。\n＞ （被害に遭った利用者の声・架空の事例）\n',
    );
    expect(text).toContain('ありがとうございます。\n本号は');
    for (const block of report.body) if (block.type === 'paragraph') expect(text).toContain(block.text);
  });

  it('has the topics, the references with their URLs, and the notes', () => {
    expect(text).toContain(
      '【確認されたサイバー攻撃トピック】\n\n◆ 2020年9月8日　架空ペイで銀行口座連携を悪用した不正チャージ\n  14の金融機関の口座で',
    );
    expect(text).toContain(
      '2. 株式会社サンプル銀行（2020年9月10日）\n   決済サービスとの口座連携の一時停止について\n   https://www.example.jp/sample-bank/info/2020/0910.html\n',
    );
    for (const note of report.notes!) expect(text).toContain(`※ ${note}`);
  });

  it('ends with the opt-out statement, the unsubscribe URL and the sender block', () => {
    expect(text).toContain(`配信停止をご希望の方は、次のリンクからお手続きください。\n${unsubscribeHref}\n`);
    expect(
      text
        .trimEnd()
        .endsWith(
          '発行: 株式会社テスト\n所在地: 〒100-0001 東京都千代田区千代田1-1\nお問い合わせ: contact@example.jp',
        ),
    ).toBe(true);
  });

  it('contains no markup', () => {
    expect(text).not.toMatch(/<[a-z/!]/i);
  });
});

describe('Outlook for Windows and narrow screens', () => {
  it('wraps the paper in a 640px table only Outlook reads, and gives Outlook a Windows font first', async () => {
    const ja = await renderReportEmail(smallReport(), ctx, 'ja');
    const confirmation = await renderConfirmationEmail({
      confirmUrl: 'https://news.example.jp/confirm?token=abc',
      locale: 'ja',
      ctx,
    });
    for (const { html } of [ja, confirmation]) {
      const open = html.indexOf(
        '<!--[if mso]><table role="presentation" width="640" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->',
      );
      const paper = html.indexOf('<table align="center" width="100%"', open);
      const close = html.indexOf('<!--[if mso]></td></tr></table><![endif]-->');
      expect(open).toBeGreaterThan(html.indexOf('<body'));
      expect(paper).toBeGreaterThan(open);
      expect(close).toBeGreaterThan(paper);
      expect(html.indexOf('</body>')).toBeGreaterThan(close);
      expect(html).toMatch(
        /<!--\[if mso\]><style>\*\{font-family:Meiryo,'Yu Gothic',sans-serif !important\}<\/style><!\[endif\]--><\/head>/,
      );
      expect(html).not.toContain('data-mso'); // the wrapping spans are gone
      expect(html).toContain(
        '@media only screen and (max-width:480px){.k-pad{padding-left:20px !important;padding-right:20px !important}}',
      );
    }
  });

  it('uses a Latin Windows font for English, unless the report itself is Japanese', async () => {
    const english = smallReport({ title: 'Weekly report', body: [{ type: 'paragraph', text: 'Hello' }] });
    expect((await renderReportEmail(english, ctx, 'en')).html).toContain(
      "<!--[if mso]><style>*{font-family:'Segoe UI',Arial,sans-serif !important}",
    );
    expect((await renderReportEmail(smallReport(), ctx, 'en')).html).toContain(
      "<!--[if mso]><style>*{font-family:Meiryo,'Yu Gothic',sans-serif !important}",
    );
  });
});

describe('the unsubscribe placeholder', () => {
  it('appears in both parts and a plain replaceAll personalises them completely', async () => {
    const mail = await renderReportEmail(loadSample(), ctx, 'ja');
    const token = 'abcDEF123_-xyz';
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(unsubscribeHref);
      const personal = part.replaceAll(UNSUBSCRIBE_TOKEN_PLACEHOLDER, token);
      expect(personal).not.toContain(UNSUBSCRIBE_TOKEN_PLACEHOLDER);
      expect(personal).toContain(`https://news.example.jp/unsubscribe?token=${token}`);
    }
  });
});

describe('escaping and links in report text', () => {
  const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';

  it('never lets markup from the report into the HTML', async () => {
    const report = smallReport({
      title: `件名${evil}`,
      summary: `要約${evil}`,
      body: [
        { type: 'paragraph', text: `段落${evil}` },
        { type: 'heading', text: `見出し${evil}` },
        { type: 'list', items: [`項目${evil}`] },
        { type: 'quote', text: `引用${evil}` },
      ],
      topics: [{ date: '2020-09-01', title: `トピック${evil}`, detail: `詳細${evil}` }],
      references: [
        {
          source: `出典${evil}`,
          date: '2020-09-01',
          title: `記事${evil}`,
          url: 'https://example.com/"><script>x</script>',
        },
      ],
      notes: [`注${evil}`],
    });
    const { html, text } = await renderReportEmail(
      report,
      { ...ctx, sender: { ...ctx.sender, name: `社${evil}` } },
      'ja',
    );
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).not.toContain('"><script>');
    expect(html.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)!.length).toBeGreaterThanOrEqual(11);
    // Plain text is plain: shown as written.
    expect(text).toContain(`段落${evil}`);
  });

  it('links http(s) URLs inside Japanese text, trimming trailing punctuation and brackets', async () => {
    const report = smallReport({
      body: [
        {
          type: 'paragraph',
          text: '詳細はhttps://example.jp/a?b=1&c=2を参照。英語版（https://example.com/en）と (https://example.com/x). javascript:alert(1) や hxxps://bad[.]example は文字のまま。',
        },
        { type: 'list', items: ['一覧の中の https://example.org/list も'] },
      ],
    });
    const { html } = await renderReportEmail(report, ctx, 'ja');
    const hrefs = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      `${ctx.publicBaseUrl}/archive/${report.id}`, // 「ブラウザで表示」
      'https://example.jp/a?b=1&amp;c=2',
      'https://example.com/en',
      'https://example.com/x',
      'https://example.org/list',
      unsubscribeHref,
    ]);
    expect(html).toContain('>https://example.jp/a?b=1&amp;c=2</a>を参照。');
  });

  it('puts each URL on a line of its own in the plain text, keeping the words around it', async () => {
    const report = smallReport({
      body: [
        {
          type: 'paragraph',
          text: '詳細はhttps://example.jp/a?b=1&c=2を参照。詳しくは https://example.jp/b をご覧ください。\nhttps://example.jp/c',
        },
        { type: 'list', items: ['一覧の中の https://example.org/list も'] },
        { type: 'quote', text: '引用 https://example.org/q' },
      ],
      notes: ['出典はhttps://example.net/nです。'],
    });
    const { text } = await renderReportEmail(report, ctx, 'ja');
    expect(text).toContain(
      '\n\n詳細は\nhttps://example.jp/a?b=1&c=2\nを参照。詳しくは\nhttps://example.jp/b\nをご覧ください。\nhttps://example.jp/c\n\n',
    );
    expect(text).toContain('\n・一覧の中の\n  https://example.org/list\n  も\n');
    expect(text).toContain('\n＞ 引用\n＞ https://example.org/q\n');
    expect(text).toContain('\n※ 出典は\n   https://example.net/n\n   です。\n');
  });

  it('splitLinks keeps balanced parentheses and ignores a bare scheme', () => {
    expect(splitLinks('see https://en.example.org/wiki/Foo_(bar), and https:// alone')).toEqual([
      { kind: 'text', value: 'see ' },
      { kind: 'url', value: 'https://en.example.org/wiki/Foo_(bar)' },
      { kind: 'text', value: ', and https:// alone' },
    ]);
    expect(splitLinks('HTTP://EXAMPLE.COM/A.')).toEqual([
      { kind: 'url', value: 'HTTP://EXAMPLE.COM/A' },
      { kind: 'text', value: '.' },
    ]);
  });

  it('omits the sections a report does not have', async () => {
    const { html, text } = await renderReportEmail(smallReport(), ctx, 'ja');
    for (const part of [html, text]) {
      expect(part).not.toContain('【確認されたサイバー攻撃トピック】');
      expect(part).not.toContain('【参考URL】');
      expect(part).not.toContain('※');
    }
    expect(html).not.toContain('display:none'); // no summary, no preview block
  });
});

describe('proofs', () => {
  it('carry a 校正刷り banner in both parts and in the subject; a normal render has none', async () => {
    const proof = await renderReportEmail(smallReport(), ctx, 'ja', { proof: true });
    const normal = await renderReportEmail(smallReport(), ctx, 'ja');
    expect(proof.subject).toBe('【校正刷り】【テスト脅威レポート】タイトル');
    expect(visible(proof.html)).toContain('校正刷り（PROOF）');
    expect(visible(proof.html)).toContain('購読者には送信されていません');
    expect(proof.text.split('\n')[0]).toContain('校正刷り（PROOF）');
    for (const part of [normal.subject, normal.html, normal.text]) expect(part).not.toContain('校正刷り');
  });

  it('say PROOF in English', async () => {
    const proof = await renderReportEmail(smallReport(), ctx, 'en', { proof: true });
    expect(proof.subject).toBe('[PROOF] [テスト脅威レポート] タイトル');
    expect(visible(proof.html)).toContain('A proof for the editors');
  });
});

describe('English chrome', () => {
  it('translates everything around the report, not the report itself', async () => {
    const report = loadSample();
    const { subject, html, text } = await renderReportEmail(report, ctx, 'en');
    expect(subject).toBe(`[テスト脅威レポート] ${report.title}`);
    expect(html).toContain('<html dir="ltr" lang="en">');
    expect(html).toContain('lang="ja"'); // the Japanese content is marked as such
    expect(html).toContain('Issued: 18 September 2020');
    expect(html).toMatch(/<h2[^>]*>Cyber attacks observed<\/h2>/);
    expect(html).toMatch(/<h2[^>]*>References<\/h2>/);
    expect(html).toMatch(/>Unsubscribe<\/a>/);
    expect(visible(html)).toContain('Published by: 株式会社テスト');
    expect(visible(html)).toContain('株式会社サンプル銀行, 10 September 2020');
    for (const ja of ['配信日', '【確認されたサイバー攻撃トピック】', '【参考URL】', '配信停止', '発行:']) {
      expect(html).not.toContain(ja);
      expect(text).not.toContain(ja);
    }
    expect(text).toContain(`To stop receiving these emails, use the link below.\n${unsubscribeHref}`);
    expect(text).toContain('## 1. 何が起きているのか');
    expect(text).toContain('\n- 入手した情報で');
  });
});

describe('renderConfirmationEmail', () => {
  const confirmUrl = 'https://news.example.jp/confirm?token=Zm9vYmFyYmF6cXV4MTIzNDU2';

  it('says what the list is, links the confirmation, and says to ignore it if unrequested', async () => {
    const mail = await renderConfirmationEmail({ confirmUrl, locale: 'ja', ctx });
    expect(mail.subject).toBe('【テスト脅威レポート】購読登録の確認');
    expect(mail.html).toContain('<html dir="ltr" lang="ja">');
    expect(visible(mail.html)).toContain(
      '株式会社テストが発行する「テスト脅威レポート」の購読登録のお申し込みを受け付けました。',
    );
    expect(mail.html).toMatch(
      new RegExp(`<a href="${escapeRe(confirmUrl)}"[^>]*>.*確認ページを開く.*</a>`, 's'),
    );
    expect(mail.html).toContain(`>${confirmUrl}</a>`);
    expect(visible(mail.html)).toContain('お心当たりのない場合は、このメールを破棄してください');
    expect(visible(mail.html)).toContain('発行: 株式会社テスト');
    expect(mail.text).toContain(`\n${confirmUrl}\n`);
    expect(mail.text).toContain('お心当たりのない場合は');
    expect(mail.text).toContain('所在地: 〒100-0001 東京都千代田区千代田1-1');
    expect(mail.html).not.toContain('unsubscribe');
  });

  it('varies only by the confirmation URL (nothing the requester typed can appear)', async () => {
    const other = 'https://news.example.jp/confirm?token=b3RoZXJ0b2tlbm90aGVydG9r';
    const a = await renderConfirmationEmail({ confirmUrl, locale: 'ja', ctx });
    const b = await renderConfirmationEmail({ confirmUrl: other, locale: 'ja', ctx });
    expect(a.html).not.toEqual(b.html);
    expect(a.html.replaceAll(confirmUrl, 'URL')).toEqual(b.html.replaceAll(other, 'URL'));
    expect(a.text.replaceAll(confirmUrl, 'URL')).toEqual(b.text.replaceAll(other, 'URL'));
    expect(a.subject).toEqual(b.subject);
  });

  it('mentions the expiry only when given, and has an English version', async () => {
    const ja = await renderConfirmationEmail({ confirmUrl, locale: 'ja', ctx, expiresInHours: 48 });
    expect(ja.text).toContain('このリンクの有効期限は48時間です。');
    const en = await renderConfirmationEmail({ confirmUrl, locale: 'en', ctx });
    expect(en.subject).toBe('[テスト脅威レポート] Please confirm your subscription');
    expect(en.html).toContain('lang="en"');
    expect(en.html).toMatch(/>Open the confirmation page<\/span>/);
    expect(en.html).toMatch(/<p style="font-size:15px;line-height:24px;[^"]*">We received a request/); // 1.6 for English
    expect(ja.html).toMatch(/<p style="font-size:15px;line-height:27px;[^"]*">株式会社テストが発行する/); // 1.8 for Japanese
    expect(en.text).toContain('If you did not request this, ignore this email');
    expect(en.text).not.toContain('有効期限');
  });
});

describe('renderEditorNotice', () => {
  const notices: Record<EditorNotice['kind'], EditorNotice> = {
    accepted: {
      kind: 'accepted',
      reportId: '2020-09-18-cashless',
      title: 'タイトル',
      sendAt: '2020-09-18T09:00:00+09:00',
      audience: 1234,
    },
    rejected: {
      kind: 'rejected',
      reportId: null,
      sourceKey: 'reports/bad<b>.json',
      issues: [
        { path: '$.title', message: '必須の項目がありません' },
        { path: '$.body[3].text', message: '<script>alert(1)</script>' },
        { path: '$.titel', message: "不明な項目 'titel' です" },
      ],
    },
    paused: { kind: 'paused', reportId: 'r-1', title: 'タイトル', reason: 'bounce rate 6.2% > 5% & rising' },
    sent: { kind: 'sent', reportId: 'r-1', title: 'タイトル', sent: 1200, failed: 3 },
  };

  it('accepted: schedule in Japan time and the audience', async () => {
    const n = await renderEditorNotice(notices.accepted, 'ja', ctx);
    expect(n.subject).toBe('【テスト脅威レポート】受付完了: タイトル');
    expect(n.text).toContain('レポートID: 2020-09-18-cashless');
    expect(n.text).toContain('配信予定: 2020年9月18日 9:00（日本時間）');
    expect(n.text).toContain('配信対象: 1,234名');
    expect(n.html).toContain('<html lang="ja">');
  });

  it('rejected: lists every problem as "path: reason", escaped in the HTML', async () => {
    const n = await renderEditorNotice(notices.rejected, 'ja', ctx);
    expect(n.subject).toBe('【テスト脅威レポート】差し戻し: reports/bad<b>.json');
    expect(n.text).toContain('次の3件の問題があるため');
    expect(n.text).toContain(
      "・$.title: 必須の項目がありません\n・$.body[3].text: <script>alert(1)</script>\n・$.titel: 不明な項目 'titel' です",
    );
    expect(n.html.match(/<li /g)).toHaveLength(3);
    expect(n.html).toMatch(
      /<code [^>]*>\$\.body\[3\]\.text<\/code>: &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/li>/,
    );
    expect(n.html).toContain('reports/bad&lt;b&gt;.json');
    expect(n.html).not.toMatch(/<script|<b>/);
  });

  it('reads on a phone: a viewport, a bounded column, and a fixed width for Outlook', async () => {
    for (const notice of Object.values(notices)) {
      const { html } = await renderEditorNotice(notice, 'ja', ctx);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toContain('<div style="max-width:640px;');
      expect(html).toContain('<!--[if mso]><table role="presentation" width="640"');
      expect(html.indexOf('<!--[if mso]></td></tr></table><![endif]-->')).toBeGreaterThan(
        html.indexOf('</div>'),
      );
    }
  });

  it('rejected: a huge list is cut with a count of the rest', async () => {
    const issues = Array.from({ length: MAX_LISTED_ISSUES + 5 }, (_, i) => ({
      path: `$.body[${i}].text`,
      message: '空にできません',
    }));
    const n = await renderEditorNotice(
      { kind: 'rejected', reportId: 'r-1', sourceKey: 'reports/r-1.json', issues },
      'en',
      ctx,
    );
    expect(n.html.match(/<li /g)).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(n.text).toContain(`$.body[${MAX_LISTED_ISSUES - 1}].text`);
    expect(n.text).not.toContain(`$.body[${MAX_LISTED_ISSUES}].text`);
    expect(n.text).toContain('… and 5 more');
    expect(n.text).toContain(`because of the ${MAX_LISTED_ISSUES + 5} problems below`);
  });

  it('paused and sent: the reason, the counts; English too', async () => {
    const paused = await renderEditorNotice(notices.paused, 'ja', ctx);
    expect(paused.subject).toBe('【テスト脅威レポート】配信を一時停止しました: タイトル');
    expect(paused.text).toContain('理由: bounce rate 6.2% > 5% & rising');
    expect(paused.html).toContain('bounce rate 6.2% &gt; 5% &amp; rising');
    const sent = await renderEditorNotice(notices.sent, 'en', ctx);
    expect(sent.subject).toBe('[テスト脅威レポート] Sent: タイトル');
    expect(sent.text).toContain('Sent: 1,200\nFailed: 3');
    expect(sent.html).toContain('<html lang="en">');
  });

  it('keeps subjects on one line whatever comes in', async () => {
    const n = await renderEditorNotice(
      { ...notices.rejected, sourceKey: 'reports/a\r\nBcc: x@example.com.json' } as EditorNotice,
      'ja',
      ctx,
    );
    expect(n.subject).not.toMatch(/[\r\n]/);
  });

  it('is React-free: bundling emails/notices.ts pulls in no React', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../emails/notices.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('emails/_i18n/ja.ts'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/(react|react-dom|@react-email)\//.test(p))).toEqual([]);
  });
});

describe('templates as components', () => {
  it('render from their PreviewProps', async () => {
    const report = await render(createElement(ReportEmail, ReportEmail.PreviewProps));
    expect(report).toContain(ReportEmail.PreviewProps.report.title);
    expect(report).toContain('/unsubscribe?token=KAWARABAN_UNSUBSCRIBE_TOKEN');
    const confirmation = await render(createElement(ConfirmationEmail, ConfirmationEmail.PreviewProps));
    expect(confirmation).toContain(ConfirmationEmail.PreviewProps.confirmUrl);
  });

  it('the preview report’s plain text reads as expected (snapshot, in addition to the checks above)', async () => {
    const { text } = await renderReportEmail(ReportEmail.PreviewProps.report, ctx, 'ja');
    expect(text).toMatchSnapshot();
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
