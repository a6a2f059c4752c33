/**
 * Every text of the `kawaraban` command in Japanese: help, then messages by command. The
 * English file has the same shape (its type is this object's), so a missing text fails the
 * typecheck. Modules that predate this file keep their own ja/en tables beside their code.
 */
type KeyState = 'current' | 'verifying' | 'retired';
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '—');
import { doctorJa } from './doctor-ja.ts';

/** The canary sample's numbers, formatted. */
export interface CanarySample {
  sent: string;
  bounced: string;
  complained: string;
}

export const ja = {
  help: {
    program:
      '瓦版ニュースレターの運用コマンド: 報告の検証・プレビュー・アップロード・追跡、購読者の管理、接続先の確認と診断。',
    usage: '使い方:',
    arguments: '引数:',
    options: 'オプション:',
    commands: 'コマンド:',
    globalOptions: '共通オプション:',
    helpOption: 'このヘルプを表示する',
    helpCommand: 'コマンドのヘルプを表示する',
    version: 'バージョンを表示する',
    lang: 'メッセージとヘルプの言語 (ja|en)。既定は KAWARABAN_LANG、なければ ja',
    stack:
      'AWS 上のスタック（接頭辞、例 Kawaraban）の出力値から接続先を読む。既定は KAWARABAN_STACK、なければローカルスタック',
    json: 'JSON で出力する（スクリプト向け）',
    report: {
      group: '報告ファイルと配信済みの報告を扱う',
      schema: '報告ファイルの形式を JSON Schema で出力する',
      new: '記入用の Markdown の報告 <id>.md を作る（既にあれば上書きしない）',
      newId: '報告の id（例 2020-09-18-cashless）',
      newOut: 'Markdown の書き出し先（既定は <id>.md）',
      convert:
        'Markdown の報告を JSON に変換する。問題があれば「ファイル.md:行: 理由」をすべて挙げて終了コード 1（何も書かない）',
      mdFile: '報告の Markdown ファイル',
      convertOut: 'JSON の書き出し先（既定は Markdown と同じ場所の <id>.json。- なら標準出力）',
      validate:
        '報告ファイル（.json か .md）を検査する。問題があれば「<JSON パス>: <理由>」（.md は「ファイル.md:行: 理由」）をすべて挙げて終了コード 1',
      preview: '送信されるとおりに報告を描画し、HTML とテキストを書き出して、件名とその長さを表示する',
      out: '<id>.html と <id>.txt を書き出すディレクトリ',
      serve: '書き出す代わりに 127.0.0.1 でライブプレビューを開く（保存のたびに更新）',
      port: '--serve のポート（既定 3001）',
      outOrServe: '--out <ディレクトリ> か --serve のどちらかを指定してください',
      sendTest:
        '読者に届くのと同じメールを、指定した宛先だけに送る（件名に [TEST]、配信停止リンクは無効）。1 分に 3 回まで、送信者を記録',
      sendTestTarget: '報告ファイル（ここで描画）か、アップロード済みの報告の id（保存された描画を使う）',
      to: 'カンマ区切りの宛先（最大 10 件）。ほかの誰にも送らない',
      locale: '送る版 (ja|en)。既定は DEFAULT_LOCALE、なければ ja',
      upload:
        '検証してからバケットにアップロードする（不正なファイルはアップロードしない。.md は変換した JSON を送る）',
      draft: '下書きとしてアップロードする: 校正刷りが編集者にだけ届く',
      status: '報告の状態と配信数を表示する',
      watch: '報告が終わるまで、送信数/対象数・速度・残り時間・バウンス・苦情を更新し続ける',
      interval: '--watch の更新間隔（秒、既定 5）',
      list: '報告の一覧（送信予定の新しい順、状態と数。却下されたアップロードは report status <id> で）',
      listStatus:
        'この状態の報告だけ (AWAITING_APPROVAL|SCHEDULED|SENDING|PAUSED|SENT|CANCELED、大文字小文字は問わない)',
      approve:
        '承認待ち (AWAITING_APPROVAL) の報告を、アップロードした人とは別の編集者として承認する（承認後 SCHEDULED）',
      approveWait: '承認の反映を待つ秒数',
      pause: 'SCHEDULED・SENDING の報告を止める（送信中なら次のページの前に止まる）。resume で続きから',
      resume:
        'PAUSED の報告を再開する（次の配信処理が止まった位置から続ける。送信前に止めたものは SCHEDULED に戻る）',
      cancel: 'SCHEDULED・SENDING・PAUSED の報告を取り消す（送信中なら次のページの前に止まる）',
      file: '報告ファイル（.json、または .md）',
      id: '報告の id',
    },
    subscribers: {
      group: '購読者リストを扱う',
      email: 'メールアドレス',
      unsubscribe:
        '手で頼んできた読者への配信を止める（配信停止リンクと同じ。同意の記録は残す）。アドレスの大文字・小文字は問わない。該当なしは終了コード 1',
      allSpellings: '一覧に出る同じメールボックスの別表記（+タグ、Gmail の「.」）も対象にする',
      count: '状態ごとの購読者数（アドレスは表示しない）',
      export: 'すべての購読者を状態と同意の記録つきの CSV で出力する',
      exportOut: 'CSV を標準出力でなくファイルに書く',
      exportStatus:
        'この状態の購読者だけ (pending|confirmed|unsubscribed|bounced|complained、大文字小文字は問わない)',
      bom: 'Excel 向けに UTF-8 の BOM を先頭につける',
      delete:
        '購読者の個人データを消す（再取り込みを防ぐため、ハッシュだけの墓標を残す）。アドレスの大文字・小文字は問わない。該当なしは終了コード 1',
      import:
        '他のツールで同意を得た読者を confirmed として取り込む。先にファイル全体を検証し（問題があれば何も書かない）、配信停止・バウンス・苦情・消去済みのアドレスは決して戻さない',
      importFile: 'ヘッダーつきの CSV (UTF-8): email, consentAt（必須）; locale, consentSource',
      source: 'consentSource のない行の同意の出どころ（例 "旧フォーム 2023"）',
      policyVersion: '記録する同意文面のバージョン（既定は CONSENT_POLICY_VERSION、なければ 1）',
      dryRun: '検証と照会だけして、何が起きるかを表示する（何も書かない）',
      importReport: '各行の結果を CSV (line, email, outcome) で書き出す',
      show: '一人の読者: 状態・言語・同意の記録・同じメールボックスの別表記・最近の報告ごとの配信状態',
      reports: '配信状態を調べる最近の報告の数（既定 10）',
      reportId: 'この報告の配信状態も調べる（何度でも指定可）',
    },
    target:
      'CLI がどこにつながるか（ローカルかスタックか、リージョン、アカウント、バケット、テーブル）と、届くかどうか',
    doctor: '配信環境を点検する: 1 行に 1 項目、✓ か ✗ と直し方。すべて通れば終了コード 0',
    secrets: {
      group: '配信停止リンクの署名キーを管理する',
      rotate:
        '配信停止キーを追加する: 新しいメールはこのキーで署名し、送信済みのリンクは古いキーが失効するまで使える',
      keepOldDays: '古いキーが送信済みのリンクを検証し続ける日数（既定 730 日、2 年）',
      retireOldNow: '漏えい時: 古いキーをすべてすぐに失効させる（そのリンクは連絡先の案内になる）',
      keys: '配信停止キーの一覧: id、署名中か検証のみか、追加日、失効日（秘密の値は表示しない）',
    },
  },
  markdown: {
    badId: (id: string) =>
      `レポートID にできません: ${id}（英小文字・数字・ハイフンで64文字以内、先頭は英小文字か数字。例: 2020-09-18-cashless）`,
    exists: (file: string) => `すでにあります: ${file}（上書きしません）`,
    created: (file: string) => `作りました: ${file}`,
    next: (file: string) => `確認: npx kawaraban report preview ${file} --out preview/`,
    problems: (file: string, n: number) => `${file}: ${n}件の問題があるため、変換しませんでした`,
    written: (file: string) => `書き出しました: ${file}`,
  },
  source: {
    missing: (file: string) => `ファイルが見つかりません: ${file}`,
    notFile: (file: string) => `ファイルではありません: ${file}`,
    unreadable: (file: string, why: string) => `ファイルを読み込めません: ${file}（${why}）`,
  },
  subject: {
    subject: (s: string) => `件名: ${s}`,
    width: (w: number, t: number) => `件名の長さ: 全角${w}文字（タイトル部分 ${t}文字）`,
    cut: (limit: number, visible: string) =>
      `注意: スマートフォンの受信一覧ではタイトルが全角${limit}文字ほどで切れます。見える部分: 「${visible}」`,
  },
  /** Commander's own usage errors, matched by their English text (it has no message catalogue). */
  usage: [
    [/^error: missing required argument '(.+)'/, "エラー: 引数 '$1' がありません"],
    [/^error: unknown option '([^']+)'(.*)/, "エラー: 不明なオプション '$1'$2"],
    [/^error: unknown command '([^']+)'(.*)/, "エラー: 不明なコマンド '$1'$2"],
    [/^error: option '(.+)' argument missing/, "エラー: オプション '$1' の値がありません"],
    [/^error: required option '(.+)' not specified/, "エラー: オプション '$1' は必須です"],
    [/^error: too many arguments.*/, 'エラー: 引数が多すぎます'],
    [/\(Did you mean one of (.+)\?\)/, '（$1 のどれかですか？）'],
    [/\(Did you mean (.+)\?\)/, '（$1 のことですか？）'],
  ] as [RegExp, string][],
  common: {
    badLang: (value: string) => `--lang は ja か en です（指定: ${value}）`,
    badStatus: (value: string, allowed: string) => `状態「${value}」は使えません（使えるもの: ${allowed}）`,
    badEmail: (why: string) => `保存されうるメールアドレスではありません（${why}）`,
    badNumber: (name: string, value: string) => `${name} には正の整数を指定してください（指定: ${value}）`,
  },
  /** `kawaraban secrets` (cli/secrets.ts). */
  secrets: {
    noStore:
      '配信停止キーの保存先が分かりません: ローカルでは npm start を起動したままにし、AWS では UNSUBSCRIBE_SECRET_ARN にスタックの出力値を設定してください',
    noStackSecret: (stack: string) =>
      `スタック ${stack} の配信停止キーの ARN が分かりません: スタックの出力値を UNSUBSCRIBE_SECRET_ARN に設定してください（ローカルのキーは変更しません）`,
    badDays: (v: string) => `--keep-old-days は 0 以上の整数（日数）で指定してください: ${v}`,
    rotated: (id: string, where: string) =>
      `新しい配信停止キー ${id} を追加しました。今後のメールはこのキーで署名します（保存先: ${where}）`,
    old: (id: string, at: string, now: boolean) =>
      now
        ? `キー ${id} は失効しました: このキーのリンクは連絡先を案内するページになります`
        : `キー ${id} は ${day(at)} まで送信済みのリンクを検証し、その後失効します`,
    reachesFunctions:
      '次の配信処理から新しいキーで署名します。ほかの関数は SECRET_MAX_AGE_SECONDS（既定 300 秒）以内に読み込み直します。',
    afterLeak:
      '古いキーはすぐに失効しました（漏えい時の手順）。各関数が読み込み直した時点（最長 SECRET_MAX_AGE_SECONDS）から、古いメールの配信停止リンクは連絡先の案内になります。README の「Key rotation」を参照してください。',
    where: (where: string) => `保存先: ${where}`,
    key: (id: string, state: KeyState, added?: string, retires?: string) =>
      `${id}  ${{ current: '署名中', verifying: '検証のみ', retired: '失効' }[state]}  追加 ${day(added)}  失効 ${day(retires)}`,
  },
  target: {
    localLine: (file: string) => `接続先: ローカルスタック（${file}）`,
    stackLine: (stack: string, region: string, account: string) =>
      `接続先: スタック ${stack}（リージョン ${region}、アカウント ${account}）`,
    environmentLine: '接続先: 環境変数の設定（SUBSCRIBERS_TABLE など）',
    labels: {
      target: '接続先',
      source: '設定の出どころ',
      region: 'リージョン',
      account: 'アカウント',
      bucket: 'バケット',
      subscribersTable: '購読者テーブル',
      reportsTable: '報告テーブル',
      secret: '配信停止の鍵',
      endpoints: 'エンドポイント',
      reachable: '到達',
    },
    kinds: { local: 'ローカルスタック', environment: '環境変数', stack: 'AWS スタック' },
    localAccount: '（ローカルのエミュレーター）',
    secretLocal: 'UNSUBSCRIBE_SECRET（.local/ 内）',
    none: '（なし）',
  },
  doctor: doctorJa,
  show: {
    labels: {
      email: 'アドレス',
      status: '状態',
      locale: '言語',
      created: '登録',
      confirmed: '確定',
      unsubscribed: '配信停止',
      consent: '同意',
      signup: '申込み',
      softBounces: '一時的なバウンス',
      spellings: '別の表記',
      mailbox: 'メールボックス',
    },
    consent: (at: string, ip: string, source: string, policy: string, ua: string) =>
      `${at}、${ip} から（${source}、同意文面 ${policy}）${ua}`,
    signup: (at: string, ip: string, source: string) => `${at}、${ip} から（${source}）`,
    noRow: 'この表記の購読者はいません',
    erased: 'この表記の購読者はいません（subscribers delete で消去済み。墓標あり）',
    mailboxSuppressed: 'いずれかの表記でハードバウンスか苦情あり: 取り込みでは戻しません',
    none: 'なし',
    reportsHeading: (n: number) => `最近の報告（新しい順、${n} 件）:`,
    noReports: '報告はまだありません',
    notSent: '送っていません',
    unknown: '購読者も、別の表記も、最近の報告への配信もありません',
  },
  progress: {
    rows: '行',
    subscribers: '人',
    eta: (d: string) => `残り ${d}`,
    elapsed: (d: string) => `経過 ${d}`,
  },
  canary: {
    sending: (size: string, s: CanarySample) =>
      `先行送信中: 約 ${size} 人の標本のうち ${s.sent} 人に送信、バウンス ${s.bounced}、苦情 ${s.complained}`,
    waiting: (until: string, size: string, s: CanarySample) =>
      `判定待ち（${until} に判定）: 標本 約 ${size} 人のうち ${s.sent} 人に送信、バウンス ${s.bounced}、苦情 ${s.complained}。残りはまだ送っていません`,
    passed: (at: string, s: CanarySample) =>
      `合格（${at}）: 標本 ${s.sent} 人、バウンス ${s.bounced}、苦情 ${s.complained}。残りの読者へ送信`,
    failed: (at: string, s: CanarySample) =>
      `不合格（${at}）: 標本 ${s.sent} 人、バウンス ${s.bounced}、苦情 ${s.complained}。一時停止中。残りへ送るなら npx kawaraban report resume、やめるなら cancel`,
    small: (audience: string) => `なし（対象 ${audience} 人: 先行送信の基準以下）`,
    byReport: 'なし（レポートに "canary": false）',
    off: 'なし（設定で無効: CANARY_ENABLED=false）',
  },
  watch: {
    line: (c: {
      status: string;
      sent: string;
      audience: string;
      pct: string;
      rate: string;
      eta: string;
      bounced: string;
      complained: string;
    }) =>
      `${c.status}  送信 ${c.sent}/${c.audience}${c.pct}  ${c.rate}  ${c.eta}  バウンス ${c.bounced}  苦情 ${c.complained}`,
    rate: (r: string) => `${r} 通/秒`,
    eta: (d: string) => `残り ${d}`,
    paused: (why: string) => `一時停止中${why ? `（${why}）` : ''}。再開: npx kawaraban report resume`,
    ended: (status: string) => `終了: ${status}`,
  },
  failure: {
    nothing: (file: string) =>
      `接続先がありません: --stack も KAWARABAN_STACK もなく、SUBSCRIBERS_TABLE などの変数もなく、ローカルスタックの ${file} もありません。ローカルなら別の端末で npm start を、AWS なら --stack <接頭辞>（AWS_PROFILE・AWS_REGION の設定で）を指定してください`,
    stackMissing: (name: string, region: string) =>
      `スタック ${name} が見つかりません（リージョン ${region}）。--stack の接頭辞と AWS_REGION（または AWS_PROFILE のリージョン）を確かめてください`,
    stackUnreadable: (detail: string) =>
      `スタックの出力を読めません（${detail}）。AWS_PROFILE・AWS_REGION と認証情報を確かめてください（aws sts get-caller-identity）`,
    outputsMissing: (detail: string) =>
      `スタックの出力が足りません（${detail}）。このリポジトリの版で npm run deploy し直してください`,
    unreachable: (where: string, what: string) => `${where} に届きません（${what}）。`,
    localHint:
      'ローカルスタックを npm start で起動してください（止まった後の .local/env.json が残っています）。AWS なら --stack <接頭辞> を',
    envHint:
      '環境変数 AWS_ENDPOINT_URL_* と SUBSCRIBERS_TABLE などを確かめてください（kawaraban target で表示）',
    stackHint: 'ネットワークと AWS_REGION を確かめてください',
    noCredentials: (where: string) =>
      `AWS の認証情報が見つかりません（${where}）。AWS_PROFILE を設定するか aws sso login してください`,
    noRegion:
      'AWS のリージョンが決まりません。AWS_REGION か、AWS_PROFILE のプロファイルに region を設定してください',
    badCredentials: (where: string, why: string) =>
      `AWS に認証を拒まれました（${where}: ${why}）。認証情報の期限と AWS_PROFILE を確かめてください`,
    noTable: (where: string) =>
      `テーブルがありません（${where}）。kawaraban target で接続先を確かめてください`,
    target: {
      local: 'ローカルスタック',
      environment: '環境変数の設定',
      stack: (s: string) => `スタック ${s}`,
    },
  },
};

export type CliText = typeof ja;
