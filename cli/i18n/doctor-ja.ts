/** `kawaraban doctor` の各項目: 通ったとき、落ちたとき、直し方、対象外のとき。 */
import type { CheckId, Facts } from '../doctor/check.ts';

type F = (f: Facts) => string;
export interface CheckText {
  pass: F;
  fail: F;
  fix: F;
  skip?: F;
}

const err = (f: Facts) => (f.error ? `（${f.error}）` : '');

export const doctorJa: {
  checks: Record<CheckId, CheckText>;
  summary: (passed: number, failed: number, skipped: number) => string;
  heading: (target: string) => string;
} = {
  heading: (target) => `kawaraban doctor — ${target}`,
  summary: (passed, failed, skipped) =>
    failed
      ? `${failed} 件の問題があります（合格 ${passed}、対象外 ${skipped}）`
      : `すべて合格（${passed} 件、対象外 ${skipped}）`,
  checks: {
    identity: {
      pass: (f) => `SES の ID ${f.domain}: 検証済み、DKIM SUCCESS`,
      fail: (f) =>
        `SES の ID ${f.domain}: ${f.error ? `読めません${err(f)}` : `検証 ${f.verified}、DKIM ${f.dkim}`}`,
      fix: () =>
        'DKIM の CNAME 3 件を DNS に公開し、SES が確認するまで待ってください（最長 72 時間）。ID はステートフルスタックが作ります',
    },
    'dkim-dns': {
      pass: (f) => `DKIM の CNAME ${f.count} 件が ${f.domain} の DNS にあります`,
      fail: (f) => `DKIM の CNAME が DNS にありません${err(f)}`,
      fix: (f) =>
        f.missing
          ? `公開してください: ${f.missing}`
          : 'スタックの出力 DkimRecord1〜3 を DNS に公開してください',
    },
    'mail-from-mx': {
      pass: (f) => `MAIL FROM ${f.domain} の MX が SES を指しています`,
      fail: (f) =>
        `MAIL FROM ${f.domain ?? ''} の MX がありません${f.found ? `（見つかったもの: ${f.found}）` : ''}${err(f)}`,
      fix: (f) => `公開してください: ${f.record ?? 'スタックの出力 MailFromMxRecord'}`,
      skip: () => 'MAIL FROM: 独自ドメインを使わない設定（mailFromDomain=none）',
    },
    'mail-from-spf': {
      pass: (f) => `MAIL FROM ${f.domain} の SPF が amazonses.com を含みます`,
      fail: (f) =>
        `MAIL FROM ${f.domain ?? ''} の SPF ${f.several ? 'が複数あります（permerror）' : f.found ? `が amazonses.com を含みません（${f.found}）` : 'がありません'}${err(f)}`,
      fix: (f) => `SPF を 1 件だけにしてください: ${f.record ?? 'スタックの出力 MailFromSpfRecord'}`,
      skip: () => 'SPF: 独自の MAIL FROM を使わない設定（SES 自身のドメインで SPF が通ります）',
    },
    dmarc: {
      pass: (f) =>
        `DMARC ${f.domain}: p=${f.policy}${f.policy === 'none' ? '（監視のみ。レポートが落ち着いたら quarantine に）' : ''}`,
      fail: (f) =>
        f.record
          ? `DMARC ${f.domain}: ポリシー p= が読めません（${f.record}）`
          : `DMARC ${f.domain ?? ''}: レコードがありません${err(f)}`,
      fix: () =>
        'スタックの出力 DmarcRecord（p=none から）を組織ドメインに公開してください。Gmail・Yahoo・Microsoft は大量送信者に求めています',
    },
    'production-access': {
      pass: () => 'SES の本番アクセス: あり（サンドボックス外）',
      fail: (f) => `SES の本番アクセス: なし（サンドボックス内。検証済みアドレスにしか送れません）${err(f)}`,
      fix: (f) =>
        `SES コンソール（リージョン ${f.region ?? ''}）の「アカウントダッシュボード」から本番アクセスを申請してください`,
    },
    sending: {
      pass: (f) => `送信は有効: 上限 ${f.max24} 通/24 時間、${f.rate} 通/秒（直近 24 時間 ${f.sent24} 通）`,
      fail: (f) =>
        f.error
          ? `送信状態が読めません${err(f)}`
          : `送信が止められています（${f.enforcement || '理由不明'}; 上限 ${f.max24} 通/24 時間）`,
      fix: () =>
        'SES コンソールの「評判メトリクス」で理由を確かめ、直したうえで AWS に送信の再開を依頼してください',
    },
    'event-destination': {
      pass: (f) => `設定セット ${f.set}: イベントが EventBridge（${f.bus}）へ`,
      fail: (f) =>
        `設定セット ${f.set ?? ''}: バウンス・苦情・配信・拒否・レンダリング失敗のイベントを EventBridge へ送る宛先がありません${f.missing ? `（不足: ${f.missing}）` : ''}${err(f)}`,
      fix: () =>
        'ステートフルスタックを配備し直してください（宛先 ToEventBridge を作ります）。ないとバウンスが購読者に反映されません',
    },
    suppression: {
      pass: () => 'アカウントの抑制リスト: バウンスと苦情で有効',
      fail: (f) =>
        `アカウントの抑制リスト: バウンスと苦情の両方では有効になっていません（${f.reasons ?? f.error ?? ''}）`,
      fix: () => 'aws sesv2 put-account-suppression-attributes --suppressed-reasons BOUNCE COMPLAINT',
    },
    'receipt-rule-set': {
      pass: (f) => `受信ルールセット ${f.set} が有効（ルール ${f.rules} 件）`,
      fail: (f) =>
        `受信ルールセット ${f.set ?? ''} が有効になっていません（有効なもの: ${f.active ?? '?'}）${err(f)}`,
      fix: (f) =>
        `aws ses set-active-receipt-rule-set --region ${f.region ?? '<region>'} --rule-set-name ${f.set ?? '<InboundRuleSetName>'}（同じリージョンの他のルールセットは無効になります）`,
      skip: () => '受信ルールセット: mailto の配信停止を SES で受けない設定',
    },
    'api-domain': {
      pass: (f) => `API のドメイン ${f.domain}: 名前解決でき、証明書は有効（期限 ${f.validTo}）`,
      fail: (f) => `API のドメイン ${f.domain ?? ''}: ${f.problem ?? f.error ?? ''}`,
      fix: (f) =>
        f.record
          ? `公開してください: ${f.record}。証明書は ACM（スタックのリージョン）で発行済みで、検証レコードが残っていること`
          : 'スタックの出力 ApiDomainRecord を公開してください',
      skip: () => 'API のドメイン: 独自ドメインなし（execute-api の URL）',
    },
    secret: {
      pass: (f) => `配信停止の鍵 ${f.secret} を読めます`,
      fail: (f) => `配信停止の鍵 ${f.secret ?? ''} を読めません${f.short ? '（短すぎます）' : ''}${err(f)}`,
      fix: () =>
        'この CLI の認証情報に secretsmanager:GetSecretValue があるか、スタックの出力 UnsubscribeSecretArn が正しいかを確かめてください',
    },
    'local-dynamodb': {
      pass: (f) => `DynamoDB Local: テーブル ${f.tables} とインデックスがあります`,
      fail: (f) =>
        `DynamoDB Local: ${f.missing ? `インデックスがありません（${f.missing}）` : `届きません${err(f)}`}`,
      fix: () =>
        'npm start で起動してください（テーブルは起動時に作られます）。壊れていれば npm start -- --reset',
    },
    'local-bucket': {
      pass: (f) => `s3rver: バケット ${f.bucket} があります`,
      fail: (f) => `s3rver: バケットに届きません${err(f)}`,
      fix: () => 'npm start で起動してください',
    },
    'local-ses': {
      pass: (f) => `SES エミュレーター: ${f.url} が応答`,
      fail: (f) => `SES エミュレーター: 応答しません${err(f)}`,
      fix: () => 'npm start で起動してください（受信箱は http://localhost:8005）',
      skip: () => 'SES エミュレーター: AWS_ENDPOINT_URL_SESV2 が未設定',
    },
    'local-api': {
      pass: (f) => `API: ${f.url} が購読ページを返します`,
      fail: (f) => `API: 応答しません${err(f)}`,
      fix: () => 'npm start で起動してください（KAWARABAN_API_PORT、既定 3000）',
      skip: () => 'API: PUBLIC_BASE_URL が未設定',
    },
    'local-config': {
      pass: () => '関数の設定（差出人、法定表示、配信停止の鍵）がそろっています',
      fail: (f) => `関数の設定が不完全です${err(f)}`,
      fix: () => 'npm start -- --reset で .local/env.json を作り直すか、足りない変数を設定してください',
    },
  },
};
