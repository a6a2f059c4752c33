/**
 * Every word the HTTP pages say, in Japanese (the default). en.ts mirrors this shape. Text that
 * names the newsletter, the sender or the contact is built with `html`, so pages.ts can hand it
 * those names marked up (their language, the contact as a link) and everything else is escaped.
 */
import type { EmailProblem } from '../../core/email-address.ts';
import { html, type Html } from '../html.ts';

/** What the pages are configured with. */
export interface PageContext {
  newsletterName: string;
  senderName: string;
  /** SENDER_CONTACT: an email address, an https URL or any text. */
  contact: string;
  confirmTtlHours: number;
  /** UNSUBSCRIBE_MAILTO: offered on the page for a broken unsubscribe link. */
  unsubscribeMailto?: string;
  /** PRIVACY_POLICY_URL: linked from the subscribe page. */
  privacyPolicyUrl?: string | undefined;
}

/** The same as the text shows it: names marked up by pages.ts. */
export interface Shown {
  newsletterName: Html;
  senderName: Html;
  contact: Html;
  confirmTtlHours: number;
}

export const ja = {
  langName: '日本語',
  switchTo: 'English',
  /** Label of the link to the subscribe page in the other language (pages with nothing to repeat). */
  switchToHome: 'Subscription page in English',
  footer: {
    publisher: (name: Html) => html`発行: ${name}`,
    contact: (contact: Html) => html`お問い合わせ: ${contact}`,
  },
  home: {
    title: '購読のお申し込み',
    lead: (c: Shown) =>
      html`${c.senderName}が発行する「${c.newsletterName}」を、メールで無料でお届けします。`,
    emailLabel: 'メールアドレス',
    emailHint:
      '確認メールをお送りします。メール内のリンクから確認ページを開き、ボタンを押すと購読が確定します。',
    // What a person wants to know before giving an address: how often, what for, and the policy.
    frequencyLabel: '配信頻度',
    frequency: '不定期です。注意が必要なサイバー攻撃の動向があるときに、月に数回程度お送りします。',
    purposeLabel: 'メールアドレスの利用目的',
    purpose: '本レポートの配信と、購読の確認・停止のご連絡にのみ使います。第三者には提供しません。',
    privacy: '個人情報の取り扱いについて',
    localeLegend: 'メールの言語',
    submit: '購読を申し込む',
    consent: (c: Shown) =>
      html`お申し込みいただくと、確認後に${c.senderName}から「${c.newsletterName}」をメールでお送りします。配信は各メールのリンクからいつでも停止できます。`,
    honeypotLabel: 'この欄は空のままにしてください',
  },
  accepted: {
    title: '確認メールをお送りしました',
    body: (c: Shown) =>
      html`このアドレスで購読の確認が必要な場合は、確認メールをお送りしました。メール内のリンクを開き、「購読を確定する」ボタンを押してください。リンクの有効期限は${c.confirmTtlHours}時間です。`,
    noMail:
      'メールが届かない場合は、迷惑メールフォルダをご確認のうえ、10分ほどおいてからもう一度お申し込みください。',
  },
  invalidEmail: {
    title: 'メールアドレスをご確認ください',
    problems: {
      empty: 'メールアドレスを入力してください。',
      'too-long': 'メールアドレスが長すぎます。',
      'missing-at': 'メールアドレスには「@」と、その前後の文字が必要です。',
      'full-width': '全角文字が含まれています。半角英数字で入力してください。',
      whitespace: 'メールアドレスに空白や見えない文字が含まれています。',
      'local-part': '「@」より前の部分に使えない文字があるか、「.」の使い方が正しくありません。',
      domain: '「@」より後ろのドメイン名が正しくありません（例: example.co.jp）。',
      'address-literal':
        '「@」の後ろには IP アドレスではなく、ドメイン名を入力してください（例: example.co.jp）。',
      'reserved-domain': 'このドメインはテスト用・社内用などに予約されていて、メールをお届けできません。',
      'source-route':
        '「%」や「!」を含むアドレスには、メールをお届けできません（転送の指定として扱われるため）。',
    } satisfies Record<EmailProblem, string>,
  },
  rateLimited: {
    title: 'しばらくしてからお試しください',
    body: (minutes: number) =>
      `このネットワークからのお申し込みが多いため、受付を一時停止しています。約${minutes}分後にもう一度お試しください。`,
  },
  confirm: {
    title: '購読の確定',
    body: (c: Shown) => html`「${c.newsletterName}」の購読を確定するには、下のボタンを押してください。`,
    note: 'このページを開いただけでは、購読は確定しません。',
    button: '購読を確定する',
  },
  confirmed: {
    title: '購読が確定しました',
    body: (c: Shown) =>
      html`次号から「${c.newsletterName}」をお届けします。配信は各メールのリンクからいつでも停止できます。`,
  },
  alreadyConfirmed: {
    title: '購読はすでに確定しています',
    body: 'このリンクによる購読の確定は完了しています。追加の手続きは必要ありません。',
  },
  expired: {
    title: 'リンクの有効期限が切れています',
    body: (c: Shown) =>
      html`確認リンクの有効期限（${c.confirmTtlHours}時間）が過ぎました。下のボタンを押すと、新しい確認メールをお送りします。`,
    button: '新しい確認メールを送る',
  },
  invalidConfirm: {
    title: 'このリンクは使用できません',
    body: 'リンクが正しくないか、すでに使用されたか、新しい確認メールのリンクに置き換えられています。最新の確認メールのリンクをお使いいただくか、もう一度お申し込みください。',
  },
  newLinkSent: {
    title: '新しい確認メールをお送りしました',
    body: (c: Shown) =>
      html`確認が必要な場合は、新しい確認メールをお送りしました。メール内のリンクの有効期限は${c.confirmTtlHours}時間です。メールは10分に1通まで送信されます。`,
  },
  newLinkLimited: {
    title: '新しい確認メールはまだお送りできません',
    body: (wait: string) =>
      `このアドレスには最近確認メールをお送りしたため、1つのアドレスに送るメールの上限により、今は新しいメールをお送りしていません。${wait}ほど待ってから、下のボタンをもう一度押してください。`,
    button: '新しい確認メールを送る',
  },
  /** A wait of about this long, for the pages that ask the reader to wait. */
  waitFor: (amount: number, unit: 'minutes' | 'hours' | 'days') =>
    `約${amount}${unit === 'minutes' ? '分' : unit === 'hours' ? '時間' : '日'}`,
  unsubscribe: {
    title: '配信停止',
    body: (c: Shown) => html`「${c.newsletterName}」の配信を停止するには、下のボタンを押してください。`,
    note: 'このページを開いただけでは、配信は停止されません。',
    button: '配信を停止する',
  },
  unsubscribed: {
    title: '配信を停止しました',
    body: (c: Shown) =>
      html`今後、このアドレスに「${c.newsletterName}」をお送りすることはありません。再開をご希望の場合は、あらためてお申し込みください。`,
    oneClick: '配信を停止しました。',
  },
  invalidUnsubscribe: {
    title: 'このリンクは使用できません',
    body: '配信停止リンクが正しくありません。メールに記載されたリンクを、途中で切れていないかご確認のうえそのままお使いください。',
    byMail: (address: Html) =>
      html`メールでも配信を停止できます。ニュースレターを受け取っているアドレスから ${address} 宛てにメールをお送りください（件名・本文はそのままで構いません）。そのアドレスへの配信を停止します。`,
    help: (c: Shown) => html`ご不明な点は ${c.contact} までお問い合わせください。`,
    oneClick: '配信停止リンクが正しくありません。',
  },
  retiredUnsubscribe: {
    title: 'このリンクは有効期限が切れています',
    body: 'この配信停止リンクは、安全のため使えなくなりました。最近お届けしたメールのリンクをお使いいただくか、下記までご連絡ください。',
    help: (c: Shown) => html`配信の停止は ${c.contact} までお申し付けください。`,
    oneClick: 'この配信停止リンクは有効期限が切れています。',
  },
  toHome: '購読のお申し込みページへ',
  errors: {
    notFound: { title: 'ページが見つかりません', body: 'URLをご確認ください。' },
    methodNotAllowed: { title: 'この操作はできません', body: 'このページはこの方法では利用できません。' },
    tooLarge: { title: '送信内容が大きすぎます', body: 'フォームから送信し直してください。' },
    unsupported: { title: '送信形式に対応していません', body: 'フォームまたは JSON で送信してください。' },
    malformed: { title: '送信内容を読み取れませんでした', body: 'フォームから送信し直してください。' },
    missingToken: {
      title: 'リンクが不完全です',
      body: 'メールに記載されたリンクを、途中で切れていないかご確認のうえそのままお使いください。',
    },
    unavailable: { title: '一時的にご利用いただけません', body: 'しばらくしてからもう一度お試しください。' },
  },
};

export type Messages = typeof ja;
