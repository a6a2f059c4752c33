/**
 * The wording of Markdown conversion problems, Japanese and English. Schema problems found after
 * conversion keep the report schema's own messages (functions/core/report-messages.ts).
 */

/** What the report format cannot carry, named in a message. */
export type Unsupported =
  | 'orderedList'
  | 'nestedList'
  | 'codeBlock'
  | 'indentedCode'
  | 'table'
  | 'rule'
  | 'html'
  | 'image'
  | 'link'
  | 'emphasis'
  | 'strong'
  | 'strikethrough'
  | 'codeInline';

export type Section = 'topics' | 'references';

export interface MarkdownMessages {
  unsupported: (what: Unsupported) => string;
  title1: string;
  deepHeading: (level: number) => string;
  blockInList: string;
  blockInQuote: string;
  duplicateSection: (section: Section, firstLine: number) => string;
  sectionContent: (section: Section) => string;
  referenceShape: string;
  referenceNoLink: string;
  referenceNoSource: string;
  referenceNoDate: string;
  topicShape: string;
  frontMatterUnclosed: string;
  frontMatterMissing: string;
  frontMatterNotMapping: string;
  frontMatterReserved: (key: string) => string;
  frontMatterKey: string;
  yaml: (code: string, detail: string) => string;
  yamlLeading: (c: string) => string;
  /** Appended when YAML read a front-matter value as something other than text. */
  quoteHint: string;
  /** Prefix naming the field a schema problem is about, where the line alone does not say it. */
  field: (name: string, message: string) => string;
}

const sectionJa: Record<Section, string> = {
  topics: '確認されたサイバー攻撃トピック',
  references: '参考URL',
};
const sectionEn: Record<Section, string> = { topics: 'Topics', references: 'References' };

const unsupportedJa: Record<Unsupported, string> = {
  orderedList:
    '番号付きリストは使えません。箇条書きは「- 」で書いてください（番号を文字として残すなら「1\\.」と書きます）',
  nestedList: '入れ子のリストは使えません（箇条書きは1段だけです）',
  codeBlock: 'コードブロック（```）は使えません',
  indentedCode: '行頭の4つ以上の空白はコードブロックになり、使えません（字下げを消してください）',
  table: '表は使えません。箇条書きか段落で書いてください',
  rule: '区切り線（--- や ***）は使えません。区切りには ## 見出しを使ってください',
  html: 'HTML は使えません（記号を文字として残すなら「\\<」と書いてください）',
  image: '画像は使えません',
  link: '本文ではリンクに別の文字を付けられません。URL をそのまま書いてください（自動でリンクになります）。[タイトル](URL) は「参考URL」の節でだけ使えます',
  emphasis: '斜体（*…* や _…_）は使えません（記号を文字として残すなら「\\*」と書いてください）',
  strong: '太字（**…**）は使えません（記号を文字として残すなら「\\*」と書いてください）',
  strikethrough: '取り消し線（~~…~~）は使えません',
  codeInline: 'インラインコード（`…`）は使えません（記号を文字として残すなら「\\`」と書いてください）',
};

const unsupportedEn: Record<Unsupported, string> = {
  orderedList:
    'numbered lists are not supported: write bullets with "- " (to keep a number as text, write "1\\.")',
  nestedList: 'nested lists are not supported (one level of bullets only)',
  codeBlock: 'code blocks (```) are not supported',
  indentedCode:
    'a line indented by four or more spaces is a code block, which is not supported (remove the indent)',
  table: 'tables are not supported: use a list or paragraphs',
  rule: 'horizontal rules (--- or ***) are not supported: use a ## heading to separate parts',
  html: 'HTML is not supported (to keep the character as text, write "\\<")',
  image: 'images are not supported',
  link: 'links with their own text are not supported in the body: write the URL itself (it becomes a link); [title](url) works only in the References section',
  emphasis: 'italics (*…* or _…_) are not supported (to keep the character as text, write "\\*")',
  strong: 'bold (**…**) is not supported (to keep the character as text, write "\\*")',
  strikethrough: 'strikethrough (~~…~~) is not supported',
  codeInline: 'inline code (`…`) is not supported (to keep the character as text, write "\\`")',
};

/** Hints for the YAML mistakes editors make, by the `yaml` package's error code. */
const yamlJa: Record<string, string> = {
  DUPLICATE_KEY: '同じ項目が2回書かれています',
  TAB_AS_INDENT: '字下げにタブは使えません（空白を使ってください）',
  MULTILINE_IMPLICIT_KEY: '「項目名: 値」の形で書いてください（「:」の後に空白が必要です）',
  BLOCK_AS_IMPLICIT_KEY: '値に「: 」を含めるときは、値全体を "…" で囲んでください',
  BAD_INDENT:
    '字下げが揃っていないか、[ や { が閉じていません（値が [ や { で始まるときは "…" で囲んでください）',
  MISSING_CHAR: '閉じ引用符や括弧が足りません',
  UNEXPECTED_TOKEN: '字下げや記号の位置が正しくありません（各行は行頭から「項目名: 値」で書いてください）',
  BAD_SCALAR_START: '値が @ ` % などの記号で始まるときは、値全体を "…" で囲んでください',
  TAG_RESOLVE_FAILED: '値が ! で始まるときは、値全体を "…" で囲んでください',
  ALIAS: '値が * や & で始まるときは、値全体を "…" で囲んでください',
};

const yamlEn: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'a value holding ": " must be put in "…"',
  BAD_SCALAR_START: 'a value starting with @ ` or % must be put in "…"',
  TAG_RESOLVE_FAILED: 'a value starting with ! must be put in "…"',
  ALIAS: 'a value starting with * or & must be put in "…"',
};

export const ja: MarkdownMessages = {
  unsupported: (what) => unsupportedJa[what],
  title1:
    '「# 」の見出しは使えません。タイトルはフロントマターの title に、本文の見出しは「## 」で書いてください',
  deepHeading: (level) => `「${'#'.repeat(level)} 」の見出しは使えません（見出しは「## 」の1段だけです）`,
  blockInList: '箇条書きの中には文章だけを書けます（引用・見出し・コードなどは外に出してください）',
  blockInQuote: '引用（>）の中には文章だけを書けます（箇条書き・見出し・入れ子の引用などは使えません）',
  duplicateSection: (s, first) =>
    `「## ${sectionJa[s]}」の節は1つだけにしてください（${first}行目にもあります）`,
  sectionContent: (s) =>
    s === 'references'
      ? '「参考URL」の節には「- [タイトル](URL) — 発信元, YYYY-MM-DD」の箇条書きと ※ の注記だけを書けます'
      : '「確認されたサイバー攻撃トピック」の節には「- YYYY-MM-DD タイトル」の箇条書き（2行目以降は詳細）と ※ の注記だけを書けます',
  referenceShape:
    '参考URL は「- [タイトル](https://…) — 発信元, YYYY-MM-DD」の形で1項目に1つずつ書いてください',
  referenceNoLink: '参考URL の項目は [タイトル](https://…) で始めてください',
  referenceNoSource: 'リンクの後に「 — 発信元, YYYY-MM-DD」を書いてください（発信元がありません）',
  referenceNoDate: '発信元の後に「, YYYY-MM-DD」で日付を書いてください',
  topicShape:
    'トピックは「- YYYY-MM-DD タイトル」の形で書いてください（詳細は2行目以降に字下げして書けます）',
  frontMatterUnclosed: 'フロントマターが閉じていません（--- だけの行で終えてください）',
  frontMatterMissing: '1行目から --- で囲んだフロントマター（id, title, issuedOn など）を書いてください',
  frontMatterNotMapping: 'フロントマターは「項目名: 値」の行で書いてください',
  frontMatterReserved: (key) =>
    `'${key}' はフロントマターには書けません（本文・トピック・参考URL・注記は Markdown の本文に書きます）`,
  frontMatterKey: 'フロントマターの項目名は文字列にしてください',
  yaml: (code, detail) => `フロントマターの YAML が正しくありません: ${yamlJa[code] ?? detail}`,
  quoteHint: '（値全体を "…" で囲むと文字列になります）',
  yamlLeading: (c) =>
    `フロントマターの YAML が正しくありません: 値が「${c}」で始まるときは、値全体を "…" で囲んでください`,
  field: (name, message) => `${name}: ${message}`,
};

export const en: MarkdownMessages = {
  unsupported: (what) => unsupportedEn[what],
  title1:
    '"# " headings are not supported: put the title in the front matter (title) and write body headings with "## "',
  deepHeading: (level) =>
    `"${'#'.repeat(level)} " headings are not supported (only one level of headings, "## ")`,
  blockInList: 'a list item can hold text only (move quotes, headings or code out of the list)',
  blockInQuote: 'a block quote (>) can hold text only (no lists, headings or nested quotes)',
  duplicateSection: (s, first) =>
    `only one "## ${sectionEn[s]}" section is allowed (another starts at line ${first})`,
  sectionContent: (s) =>
    s === 'references'
      ? 'the References section can hold only items "- [title](url) — source, YYYY-MM-DD" and ※ notes'
      : 'the Topics section can hold only items "- YYYY-MM-DD title" (detail on the following lines) and ※ notes',
  referenceShape: 'write each reference as one item "- [title](https://…) — source, YYYY-MM-DD"',
  referenceNoLink: 'a reference starts with [title](https://…)',
  referenceNoSource: 'after the link write " — source, YYYY-MM-DD" (the source is missing)',
  referenceNoDate: 'after the source write ", YYYY-MM-DD" (the date is missing)',
  topicShape: 'write a topic as "- YYYY-MM-DD title" (detail may follow on indented lines)',
  frontMatterUnclosed: 'the front matter is not closed (end it with a line of ---)',
  frontMatterMissing: 'start the file with front matter between --- lines (id, title, issuedOn…)',
  frontMatterNotMapping: 'write the front matter as "key: value" lines',
  frontMatterReserved: (key) =>
    `'${key}' cannot be set in the front matter (body, topics, references and notes are written in Markdown)`,
  frontMatterKey: 'front matter keys must be plain names',
  yaml: (code, detail) =>
    `the front matter is not valid YAML: ${yamlEn[code] ? `${yamlEn[code]} (${detail})` : detail}`,
  quoteHint: ' (put the value in "…" to make it text)',
  yamlLeading: (c) => `the front matter is not valid YAML: a value starting with "${c}" must be put in "…"`,
  field: (name, message) => `${name}: ${message}`,
};

export const markdownMessages = { ja, en } as const;
