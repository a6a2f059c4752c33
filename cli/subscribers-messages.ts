/**
 * What `subscribers unsubscribe` and `subscribers delete` print, in Japanese (the default) and
 * English (`--lang en`). The operator typed the address, so it may be shown back to them.
 */
import type { SubscriberStatus } from '../functions/core/subscriber.ts';
import type { CliLang } from './i18n/index.ts';

export { cliLang } from './context.ts';

export interface PersonMessages {
  notAnAddress: (problem: string) => string;
  unsubscribed: (email: string, before: SubscriberStatus) => string;
  alreadyStopped: (email: string, status: SubscriberStatus) => string;
  goneMeanwhile: (email: string) => string;
  noSubscriber: string;
  deleted: (email: string) => string;
  ledgerErased: (n: number) => string;
  tombstone: string;
  otherSpellings: (count: number, acted: boolean) => string;
  spelling: (email: string, status: SubscriberStatus) => string;
  allSpellingsHint: (command: 'unsubscribe' | 'delete') => string;
  changedWhileDeleting: string;
}

export const personMessages: Record<CliLang, PersonMessages> = {
  ja: {
    notAnAddress: (problem) => `メールアドレスとして読めません（${problem}）`,
    unsubscribed: (email, before) =>
      `${email}: 配信を停止しました（停止前: ${before}）。送信中の報告も、次の確保から送りません`,
    alreadyStopped: (email, status) =>
      `${email}: すでに ${status} のため送っていません。何も変更していません`,
    goneMeanwhile: (email) => `${email}: 処理中に削除されました。何も変更していません`,
    noSubscriber: 'そのアドレスの購読者は、大文字・小文字の違いを含めて見つかりませんでした',
    deleted: (email) => `${email}: 購読者の行を削除しました`,
    ledgerErased: (n) => `配信記録 ${n} 行を削除しました`,
    tombstone:
      '以後の取り込み (subscribers import) でこのアドレスが戻らないよう、ハッシュ化した削除記録を残しました（大文字・小文字を区別しません）',
    otherSpellings: (count, acted) =>
      acted
        ? `同じメールボックスの別表記 ${count} 件も対象にしました（--all-spellings）`
        : `同じメールボックスに届く別表記が ${count} 件あります。これらは変更していません:`,
    spelling: (email, status) => `  ${email}（${status}）`,
    allSpellingsHint: (command) =>
      `同じ人の申し出であれば、それぞれのアドレスで、または --all-spellings を付けて、もう一度 subscribers ${command} を実行してください`,
    changedWhileDeleting: '削除中に購読者が変更されました。もう一度実行してください',
  },
  en: {
    notAnAddress: (problem) => `not an email address we could have stored (${problem})`,
    unsubscribed: (email, before) =>
      `${email}: unsubscribed (was ${before}); a send under way skips them from its next claim`,
    alreadyStopped: (email, status) => `${email}: already ${status}: never mailed, nothing changed`,
    goneMeanwhile: (email) => `${email}: erased meanwhile, nothing changed`,
    noSubscriber: 'no subscriber with that address, in any case',
    deleted: (email) => `${email}: deleted the subscriber`,
    ledgerErased: (n) => `erased ${n} delivery-ledger row(s)`,
    tombstone: 'a hashed tombstone (case-insensitive) keeps the address from being re-imported',
    otherSpellings: (count, acted) =>
      acted
        ? `also acted on ${count} other spelling(s) of the same mailbox (--all-spellings)`
        : `${count} other spelling(s) reach the same mailbox; NOT changed:`,
    spelling: (email, status) => `  ${email} (${status})`,
    allSpellingsHint: (command) =>
      `if the same person asked, run subscribers ${command} again with each address, or with --all-spellings`,
    changedWhileDeleting: 'the subscriber changed while being deleted; run the command again',
  },
};
