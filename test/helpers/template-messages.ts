/** Newsletter messages of a rendered-like part, for the template and bulk tests against the SES emulator. */
import { expect } from 'vitest';
import type { OutgoingEmail } from '../../functions/core/ports.ts';
import { header, type SentEmail } from './inbox.ts';

export const PH = 'KAWARABAN_UNSUBSCRIBE_TOKEN';
let n = 0;
export const address = (tag: string) => `tmpl-${tag}-${Date.now()}-${++n}@example.com`;

/** A part as the renderer makes one: Japanese, a dark-mode media query, the token in a link and a header. */
export const part = (extra = '') => ({
  html: `<html><head><style>@media (prefers-color-scheme:dark){.k{color:#eee !important}}</style></head><body><p>脆弱性「CVE-2026-0001」 &amp; "引用" 😀${extra}</p><a href="https://news.example.jp/u?t=${PH}">配信停止</a></body></html>`,
  text: `脆弱性の報告${extra}\n配信停止: https://news.example.jp/u?t=${PH}\n`,
});

export const message = (p: { html: string; text: string }, to: string, token: string): OutgoingEmail => ({
  to,
  subject: `【かわら版】週報 ${p.html.length}`,
  html: p.html.replaceAll(PH, token),
  text: p.text.replaceAll(PH, token),
  fill: { part: p, placeholder: PH, value: token },
  headers: [
    { name: 'List-Unsubscribe', value: `<https://news.example.jp/u?t=${token}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ],
  tags: { reportId: 'r-tmpl', kind: 'newsletter' },
});

/** The same mail, as a reader sees it. */
export const same = (a: SentEmail, b: SentEmail) => {
  expect(a.subject).toBe(b.subject);
  expect(a.body.html).toBe(b.body.html);
  expect(a.body.text).toBe(b.body.text);
  for (const h of ['List-Unsubscribe', 'List-Unsubscribe-Post']) expect(header(a, h)).toBe(header(b, h));
};
