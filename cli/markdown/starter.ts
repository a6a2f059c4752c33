/**
 * The Markdown a new report starts from (`kawaraban report new <id>`): every construct the
 * converter knows, once, with placeholder text. It converts to a valid report as it is, so the
 * editor can preview from the first minute; a test keeps it so.
 */
import type { ReportLang } from '../../functions/core/report-schema.ts';

/** YYYY-MM-DD of `now` in Japan time: the issue date an editor in Tokyo means by "today". */
function tokyoDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function starterMarkdown(id: string, lang: ReportLang, now: Date): string {
  const today = tokyoDate(now);
  return lang === 'en' ? english(id, today) : japanese(id, today);
}

function japanese(id: string, today: string): string {
  return `---
id: ${id}
title: （件名と見出しになるタイトル）
issuedOn: ${today}
# 配信日時。省略するとアップロード後すぐに配信されます
# sendAt: ${today}T09:00:00+09:00
summary: （受信箱のプレビューに出る1〜2文の要約）
---

（最初の段落。行の区切りはそのままメールの改行になります。
URL は https://www.example.jp/ のようにそのまま書くとリンクになります。）

## 1. 見出し

（段落を空行で区切って続けます。太字・リンク文字・表・画像は使えません。）

- （箇条書きの項目）
- （箇条書きの項目）

> （引用。発言や公式発表の引用に）

## 確認されたサイバー攻撃トピック

- ${today} （トピックのタイトル）
  （トピックの詳細。省略できます）

## 参考URL

- [（記事のタイトル）](https://www.example.jp/) — （発信元）, ${today}

※ （注記。※ で始まる行は末尾の注記になります）
`;
}

function english(id: string, today: string): string {
  return `---
id: ${id}
title: (the title; it is also the Subject)
issuedOn: ${today}
# When to send, with a UTC offset; without it the report goes out right after upload
# sendAt: ${today}T09:00:00+09:00
summary: (one or two sentences shown as the inbox preview)
---

(First paragraph. Each line break stays a line break in the email.
A URL written as is, like https://www.example.com/, becomes a link.)

## 1. A heading

(Separate paragraphs with a blank line. Bold, link text, tables and images are not supported.)

- (a list item)
- (a list item)

> (a block quote)

## Topics

- ${today} (the topic's title)
  (the topic's detail; optional)

## References

- [(the article's title)](https://www.example.com/) — (publisher), ${today}

※ (a note: lines starting with ※ become footnotes)
`;
}
