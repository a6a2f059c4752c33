/**
 * Every text of the live preview page and the `--serve` command, per language. The page shows
 * both, Japanese first. Templates use {name} placeholders, filled on the server or in the page.
 */
const ja = {
  title: 'ライブプレビュー',
  file: 'ファイル: {file}',
  help: '保存するたびにこのページが更新されます。再読み込みは不要です。',
  starting: '読み込み中…',
  ok: '{time} に更新',
  invalid: '{time} の保存に問題があります',
  disconnected: 'プレビューサーバーとの接続が切れました。再接続を試みています…',
  problems: '問題',
  lastGood: '下には最後に正しく表示できた版（{time}）を表示しています。',
  nothingYet: '表示できる版はまだありません。問題を直して保存してください。',
  at: '{line}行目 {column}列目',
  atLine: '{line}行目',
  inbox: '受信トレイでの見え方',
  from: '差出人',
  subject: '件名',
  preheader: 'プレビュー文',
  subjectLength: '件名は全角 {length} 文字（タイトル部分は {title} 文字、半角は 0.5 文字）。',
  cut: 'スマートフォンの受信トレイでは、タイトルが全角 {limit} 文字ほどで切れます:「{shown}」',
  fits: 'スマートフォンの受信トレイでもタイトルは切れません（全角 {limit} 文字まで）。',
  options: '表示の切り替え',
  language: 'メールの言語',
  japanese: '日本語',
  english: '英語',
  scheme: '配色',
  light: 'ライト',
  dark: 'ダーク',
  darkNote:
    'ダークは、メールの prefers-color-scheme: dark のスタイルを適用した表示です（メールアプリ独自の色の反転は再現しません）。',
  html: 'HTML メール',
  desktop: 'デスクトップ（幅 640 px）',
  phone: 'スマートフォン（幅 375 px）',
  frameDesktop: 'HTML メール、デスクトップ幅',
  framePhone: 'HTML メール、スマートフォン幅',
  text: 'テキスト版',
  // The command's own lines.
  serving: 'ライブプレビュー: {url}',
  stop: '（Ctrl-C で終了）',
  badPort: '--port は 1〜65535 の整数にしてください（指定値: {port}）',
  portInUse: 'ポート {port} は使用中です。--port で別のポートを指定してください',
  missing: 'ファイルが見つかりません: {file}',
};

const en: Record<keyof typeof ja, string> = {
  title: 'Live preview',
  file: 'File: {file}',
  help: 'This page updates every time you save. No need to reload.',
  starting: 'Loading…',
  ok: 'Updated at {time}',
  invalid: 'The save at {time} has problems',
  disconnected: 'Lost the connection to the preview server; trying to reconnect…',
  problems: 'Problems',
  lastGood: 'Below is the last version that rendered ({time}).',
  nothingYet: 'Nothing has rendered yet. Fix the problems and save.',
  at: 'line {line}, column {column}',
  atLine: 'line {line}',
  inbox: 'In the inbox',
  from: 'From',
  subject: 'Subject',
  preheader: 'Preview text',
  subjectLength:
    'The subject is {length} full-width characters long (the title {title}; a half-width character counts 0.5).',
  cut: 'A phone’s inbox line cuts the title after about {limit} full-width characters: “{shown}”',
  fits: 'The title fits a phone’s inbox line (up to {limit} full-width characters).',
  options: 'View',
  language: 'Email language',
  japanese: 'Japanese',
  english: 'English',
  scheme: 'Colour scheme',
  light: 'Light',
  dark: 'Dark',
  darkNote:
    'Dark applies the email’s prefers-color-scheme: dark styles (a mail app’s own colour inversion is not simulated).',
  html: 'HTML email',
  desktop: 'Desktop (640 px wide)',
  phone: 'Phone (375 px wide)',
  frameDesktop: 'HTML email, desktop width',
  framePhone: 'HTML email, phone width',
  text: 'Plain-text part',
  serving: 'Live preview: {url}',
  stop: '(Ctrl-C to stop)',
  badPort: '--port must be a whole number from 1 to 65535 (got {port})',
  portInUse: 'port {port} is in use: choose another with --port',
  missing: 'no such file: {file}',
};

export const previewMessages = { ja, en };

export type PreviewMessageKey = keyof typeof ja;

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, k: string) => (k in vars ? String(vars[k]) : all));
}

/** One language: for the command's lines (the page shows both). */
export function message(
  lang: 'ja' | 'en',
  key: PreviewMessageKey,
  vars: Record<string, string | number> = {},
): string {
  return fill(previewMessages[lang][key], vars);
}
