/**
 * The operator-facing wording of `subscribers import`, Japanese and English: every problem a
 * list can have and every outcome an address can get. Each problem is printed as
 * `line N: column: reason` (the line and column untranslated, so they can be searched for).
 */
import type { EmailProblem } from './email-address.ts';
import type { CsvProblem } from './csv-parser.ts';
import {
  IMPORT_COLUMNS,
  type ImportIssue,
  type ImportProblem,
  type SameMailboxNotice,
} from './import-rules.ts';
import type { ImportOutcome } from './import-decision.ts';
import { encodingName } from './text-decoding.ts';
import { textProblemMessages } from './text-rules.ts';

export type ImportLang = 'ja' | 'en';

interface ImportMessages {
  problem: (p: ImportProblem) => string;
  sameMailbox: (firstLine: number) => string;
  outcomes: Record<ImportOutcome, string>;
}

const emailJa: Record<EmailProblem, string> = {
  empty: 'メールアドレスがありません',
  'too-long': 'メールアドレスが長すぎます（254文字まで、「@」より前は64文字まで）',
  'missing-at': 'メールアドレスには「@」と、その前後の文字が必要です',
  'full-width': '全角文字が含まれています（半角で書いてください）',
  whitespace: '空白や見えない文字が含まれています',
  'local-part':
    '「@」より前に使えない文字があるか、「.」の使い方が正しくありません（日本語などの文字は SES で送れません）',
  domain: '「@」より後ろのドメイン名が正しくありません',
  'address-literal': '「@」の後ろが IP アドレスです（ドメイン名が必要です）',
  'reserved-domain':
    'テスト用・社内用などに予約されたドメインで、メールを届けられません（README の「受け付けないアドレス」）',
  'source-route': '「%」や「!」は転送の指定として扱われるため、このアドレスには送りません',
};

const emailEn: Record<EmailProblem, string> = {
  empty: 'the address is missing',
  'too-long': 'the address is too long (254 characters, 64 before the "@")',
  'missing-at': 'an address needs an "@" with text on both sides',
  'full-width': 'the address contains full-width characters',
  whitespace: 'the address contains spaces or invisible characters',
  'local-part':
    'the part before the "@" has a character we cannot use (SES cannot send to non-ASCII local parts) or misplaced dots',
  domain: 'the domain after the "@" is not valid',
  'address-literal': 'the part after the "@" is an IP address, not a domain',
  'reserved-domain':
    'a reserved domain (testing, documentation, private networks) that no mail can reach (README: "Addresses we refuse")',
  'source-route': '"%" and "!" are forwarding instructions to mail servers: we do not send to such addresses',
};

const csvJa: Record<CsvProblem, string> = {
  'quote-in-field':
    '「"」で囲まれていない値の中に「"」があります（「"」を含む値は全体を "…" で囲み、中の「"」は「""」と書きます）',
  'after-quote': '閉じる「"」の後、「,」の前に文字があります',
  'unclosed-quote': '「"」で始まる値が閉じられないままファイルが終わっています',
  'field-too-long': '値が長すぎます（64 KiB 超。閉じ忘れた「"」がその先の行を飲み込んでいませんか）',
};

const csvEn: Record<CsvProblem, string> = {
  'quote-in-field':
    'a " inside an unquoted value (quote the whole value as "…" and write a " inside it as "")',
  'after-quote': 'text between a closing " and the next comma',
  'unclosed-quote': 'the file ends inside a quoted value (a " is never closed)',
  'field-too-long': 'a value longer than 64 KiB (an unclosed " swallowing the lines after it?)',
};

const columns = IMPORT_COLUMNS.join(', ');

export const ja: ImportMessages = {
  problem(p) {
    switch (p.kind) {
      case 'not-utf8':
        return `UTF-8 として読めません${p.likely ? `（おそらく ${encodingName[p.likely]}）` : ''}。Excel では「CSV UTF-8（コンマ区切り）」で保存してください（「CSV（コンマ区切り）」は Shift_JIS になります）`;
      case 'csv':
        return csvJa[p.problem];
      case 'no-header':
        return `ファイルが空です。1行目に見出し（${columns}）が必要です`;
      case 'no-rows':
        return '見出しの後に取り込む行がありません';
      case 'blank-column':
        return '見出しに空の列名があります（行末の余分な「,」ではありませんか）';
      case 'unknown-column':
        return p.suggestion
          ? `不明な列 '${p.name}' です。'${p.suggestion}' の書き間違いではありませんか`
          : `不明な列 '${p.name}' です（使える列: ${columns}）`;
      case 'duplicate-column':
        return `同じ列名が ${p.firstPosition} 列目にもあります`;
      case 'missing-column':
        return '必須の列がありません';
      case 'field-count':
        return `値が ${p.actual} 個あります。見出しは ${p.expected} 列です（値の中の「,」は "…" で囲んでください）`;
      case 'required':
        return '必須の値がありません';
      case 'email':
        return emailJa[p.problem];
      case 'duplicate-address':
        return `同じアドレスが ${p.firstLine} 行目にもあります`;
      case 'date-format':
        return `日時は 2023-04-01T09:00:00+09:00、日付だけなら 2023-04-01 の形で書いてください（書かれている値: ${p.value}）`;
      case 'date-not-real':
        return `存在しない日付または時刻です（${p.value}）`;
      case 'datetime-no-offset':
        return `時差（+09:00 など）が必要です。日本時間なら ${p.value}+09:00 のように書いてください`;
      case 'future':
        return `同意日時が未来です（${p.value}）`;
      case 'locale':
        return `ja か en を書いてください（空なら既定の言語になります。書かれている値: ${p.value}）`;
      case 'too-long':
        return `${p.max}文字以内にしてください（${p.actual}文字あります）`;
      case 'text':
        return textProblemMessages.ja(p.problem);
    }
  },
  sameMailbox: (first) =>
    `注意: ${first} 行目と同じメールボックスの別表記です（大文字小文字・+タグ・Gmail の「.」の違い）。別の購読者として両方取り込みます`,
  outcomes: {
    imported: '新しく購読者（確認済み）として登録',
    'confirmed-pending': '確認待ちだった購読者を、前のツールでの同意に基づき確認済みに',
    'already-confirmed': 'すでに確認済み（変更なし）',
    'skipped-unsubscribed': '配信停止済み（変更なし。戻れるのは本人の申し込みと確認だけ）',
    'skipped-bounced': '宛先不明で停止中（変更なし）',
    'skipped-complained': '迷惑メール報告で停止中（変更なし）',
    'skipped-erased': '本人の求めで削除済み（変更なし）',
    'skipped-suppressed-mailbox': 'このメールボックスは宛先不明か迷惑メール報告で停止中（変更なし）',
  },
};

export const en: ImportMessages = {
  problem(p) {
    switch (p.kind) {
      case 'not-utf8':
        return `not valid UTF-8${p.likely ? ` (most likely ${encodingName[p.likely]})` : ''}; in Excel save as "CSV UTF-8 (Comma delimited)" (plain "CSV" is Shift_JIS on Japanese Windows)`;
      case 'csv':
        return csvEn[p.problem];
      case 'no-header':
        return `the file is empty; line 1 must be a header (${columns})`;
      case 'no-rows':
        return 'there are no rows after the header';
      case 'blank-column':
        return 'the header has an empty column name (a trailing comma?)';
      case 'unknown-column':
        return p.suggestion
          ? `unknown column '${p.name}' — did you mean '${p.suggestion}'?`
          : `unknown column '${p.name}' (allowed: ${columns})`;
      case 'duplicate-column':
        return `the same column is also column ${p.firstPosition}`;
      case 'missing-column':
        return 'required column is missing';
      case 'field-count':
        return `${p.actual} values, but the header has ${p.expected} columns (quote a value that contains a comma as "…")`;
      case 'required':
        return 'required value is missing';
      case 'email':
        return emailEn[p.problem];
      case 'duplicate-address':
        return `the same address is on line ${p.firstLine}`;
      case 'date-format':
        return `write 2023-04-01T09:00:00+09:00, or 2023-04-01 for a date only (found: ${p.value})`;
      case 'date-not-real':
        return `no such date or time: ${p.value}`;
      case 'datetime-no-offset':
        return `a UTC offset is required, e.g. ${p.value}+09:00 for Japan time`;
      case 'future':
        return `the consent time is in the future (${p.value})`;
      case 'locale':
        return `write ja or en (or leave it empty for the default; found: ${p.value})`;
      case 'too-long':
        return `must be at most ${p.max} characters (it has ${p.actual})`;
      case 'text':
        return textProblemMessages.en(p.problem);
    }
  },
  sameMailbox: (first) =>
    `note: the same mailbox as line ${first}, spelt differently (case, +tag or Gmail dots); both are imported as separate subscribers`,
  outcomes: {
    imported: 'new subscriber, confirmed',
    'confirmed-pending': 'was pending here; confirmed on the consent from the old tool',
    'already-confirmed': 'already confirmed (unchanged)',
    'skipped-unsubscribed': 'unsubscribed (unchanged: only the person can come back, by double opt-in)',
    'skipped-bounced': 'stopped after bounces (unchanged)',
    'skipped-complained': 'stopped after a complaint (unchanged)',
    'skipped-erased': "erased at the person's request (unchanged)",
    'skipped-suppressed-mailbox': 'the mailbox bounced or complained, in some spelling (unchanged)',
  },
};

export const importMessages = { ja, en } as const;

/** Why an address was refused, per language: for every command that takes addresses. */
export const emailProblemMessages = { ja: emailJa, en: emailEn } as const;

/** `line N: column: reason` (or `line N: reason` for a whole line or the file). */
export function formatIssue(issue: ImportIssue, lang: ImportLang): string {
  const where = issue.column === null ? `line ${issue.line}` : `line ${issue.line}: ${issue.column}`;
  return `${where}: ${importMessages[lang].problem(issue.problem)}`;
}

export function formatNotice(notice: SameMailboxNotice, lang: ImportLang): string {
  return `line ${notice.line}: email: ${importMessages[lang].sameMailbox(notice.firstLine)}`;
}
