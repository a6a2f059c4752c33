/** 日本語（既定）のメール文言。 */
import type { EmailText } from './types.ts';

function ymd(isoDate: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

const jstFormat = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

export const ja: EmailText = {
  locale: 'ja',
  date: (iso) => {
    const d = ymd(iso);
    return d ? `${d[0]}年${d[1]}月${d[2]}日` : iso;
  },
  dateTime: (iso) => {
    const t = new Date(iso);
    return Number.isNaN(t.getTime()) ? iso : `${jstFormat.format(t)}（日本時間）`;
  },
  fontFamily:
    "'Hiragino Kaku Gothic ProN','Hiragino Sans','BIZ UDPGothic',Meiryo,'Yu Gothic',YuGothic,'Noto Sans JP',sans-serif",
  bodyLineHeight: '27px',
  // Meiryo rather than Yu Gothic: Word draws Yu Gothic thin and faint at 13–15px.
  outlookFontFamily: "Meiryo,'Yu Gothic',sans-serif",

  subject: {
    prefix: (name) => `【${name}】`,
    // 【…】 brackets itself; anything else gets a space.
    report: (prefix, title) => (prefix.endsWith('】') ? `${prefix}${title}` : `${prefix} ${title}`),
    proof: (subject) => `【校正刷り】${subject}`,
    confirmation: (name) => `【${name}】購読登録の確認`,
  },

  report: {
    issuedOn: '配信日',
    issueNumber: (n) => `第${n}号`,
    proofBanner: '校正刷り（PROOF）',
    proofDetail: '編集者確認用の試し刷りです。購読者には送信されていません。',
    topics: '【確認されたサイバー攻撃トピック】',
    references: '【参考URL】',
    notes: '注記',
    notePrefix: '※',
    topicSeparator: '　',
    referenceMeta: (source, date) => `${source}（${date}）`,
  },

  web: {
    viewInBrowser: 'ブラウザで表示',
    about: (name) => `これは「${name}」のWeb版です。メールで届くのと同じ内容です。`,
    subscribe: '購読のお申し込み',
    backIssues: 'バックナンバー',
    indexTitle: (name) => `${name} バックナンバー`,
    empty: 'まだ公開している号はありません。',
    feed: 'Atomフィード',
    switchTo: 'English',
  },

  plain: {
    heading: '■ ',
    bullet: '・',
    topic: '◆ ',
    quote: '＞ ',
    proof: '★★★ 校正刷り（PROOF）: 編集者確認用です。購読者には送信されていません。 ★★★',
  },

  footer: {
    publisher: '発行',
    postalAddress: '所在地',
    contact: 'お問い合わせ',
    reason: (name) => `このメールは、${name}の配信を登録された方にお送りしています。`,
    optOut: '配信停止をご希望の方は、次のリンクからお手続きください。',
    unsubscribe: '配信を停止する',
  },

  confirmation: {
    heading: '購読登録の確認',
    intro: (name, sender) => `${sender}が発行する「${name}」の購読登録のお申し込みを受け付けました。`,
    // Says what the link does: it opens a page, and the page's button (functions/http/i18n) confirms.
    action:
      '次のリンクから確認ページを開き、そのページの「購読を確定する」ボタンを押すと登録が確定します。ページを開いただけでは確定しません。',
    button: '確認ページを開く',
    fallback: 'ボタンが使えない場合は、次のURLをブラウザで開いてください。',
    expires: (hours) => `このリンクの有効期限は${hours}時間です。`,
    ignore:
      'お申し込みにお心当たりのない場合は、このメールを破棄してください。登録は確定されず、今後メールが届くことはありません。',
    preview: (name) => `「${name}」の購読登録を確定してください。`,
    sentBy: '送信者',
  },

  notices: {
    subject: {
      accepted: (name, title) => `【${name}】受付完了: ${title}`,
      rejected: (name, key) => `【${name}】差し戻し: ${key}`,
      paused: (name, title) => `【${name}】配信を一時停止しました: ${title}`,
      sent: (name, title) => `【${name}】配信完了: ${title}`,
    },
    heading: {
      accepted: 'レポートを受け付けました',
      rejected: 'レポートを受け付けられませんでした',
      paused: '配信を一時停止しました',
      sent: '配信が完了しました',
    },
    reportId: 'レポートID',
    title: 'タイトル',
    sourceKey: 'ファイル',
    sendAt: '配信予定',
    audience: (n) => `配信対象: ${n.toLocaleString('ja-JP')}名（現時点の確定済み購読者数）`,
    acceptedNote: '配信が始まる前であれば、同じIDのファイルをアップロードし直すと差し替えられます。',
    approvalAwaited: (id) =>
      `このレポートは、別の編集者が承認するまで配信されません（アップロードした人は承認できません）。承認: npx kawaraban report approve ${id}`,
    approvedBy: (who) => `承認: ${who}（予定の時刻に配信します）`,
    rejectedIntro: (n) =>
      `次の${n}件の問題があるため、このファイルは受け付けていません。このファイルの内容は配信されません。`,
    rejectedMore: (n) =>
      `ほか${n}件（すべての問題は npx kawaraban report validate <ファイル> で確認できます）`,
    issueAt: (line, column) => `（${line}行目 ${column}列目）`,
    rejectedHelp: '修正してからアップロードし直してください。',
    reason: '理由',
    pausedNote: '原因を確認のうえ、運用担当者にご連絡ください。配信済みの宛先に再送されることはありません。',
    sent: (n) => `送信: ${n.toLocaleString('ja-JP')}件`,
    failed: (n) => `送信失敗: ${n.toLocaleString('ja-JP')}件`,
    footer: (name) => `このメールは ${name} の配信システムから編集者の方へ自動で送信しています。`,
  },
};
