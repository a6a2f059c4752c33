/**
 * What `kawaraban report upload | status | list | pause | resume | cancel` print, in Japanese (the
 * default) and English (`--lang en`).
 */
export const remoteMessages = {
  ja: {
    refused: (file: string, n: number) => `${file}: ${n}件の問題があるため、アップロードしませんでした`,
    uploaded: (where: string) => `アップロードしました: ${where}`,
    next: (id: string, draft: boolean) =>
      draft
        ? '校正刷りが編集者宛てに送られます。'
        : `受付結果は編集者宛てにメールで届きます。状況: npx kawaraban report status ${id}`,
    noSetting: (name: string) =>
      `${name} が設定されていません: ローカルでは npm start を起動したままにし、AWS ではスタックの出力値を ${name} に設定してください`,
    badId: (id: string) => `報告の id ではありません: ${id}`,
    unknown: (id: string) => `報告が見つかりません: ${id}`,
    badInterval: (v: string) => `--interval は 1〜3600 の秒数です（指定: ${v}）`,
    noReports: '該当する報告はありません',
    badStatus: (status: string, allowed: string) =>
      `状態「${status}」では絞り込めません（使えるもの: ${allowed}）`,
    paused: (id: string) =>
      `一時停止しました: ${id}（送信中なら、次のページの前に止まります。再開: npx kawaraban report resume ${id}）`,
    resumed: (id: string) => `再開しました: ${id}（次の配信処理で、保存された位置から続きを送ります）`,
    rescheduled: (id: string) =>
      `再開しました: ${id}（まだ送信前のため、配信予約 (SCHEDULED) に戻しました。sendAt の時刻に送ります）`,
    guardRestarted: (reason: string) =>
      `注意: この報告は評判ガードで止まっていました（${reason}）。ガードは再開以降の送信だけで率を判定し直します。`,
    canceled: (id: string) => `取り消しました: ${id}（送信中なら、次のページの前に止まります）`,
    notPausable: (id: string, status: string) =>
      `一時停止できません: ${id} は ${status} です（一時停止できるのは SCHEDULED・SENDING のみ）`,
    notResumable: (id: string, status: string) =>
      `再開できません: ${id} は ${status} です（再開できるのは PAUSED のみ）`,
    notCancelable: (id: string, status: string) =>
      `取り消せません: ${id} は ${status} です（取り消せるのは SCHEDULED・SENDING・PAUSED のみ）`,
  },
  en: {
    refused: (file: string, n: number) => `${file}: not uploaded, ${n} ${n === 1 ? 'problem' : 'problems'}`,
    uploaded: (where: string) => `uploaded: ${where}`,
    next: (id: string, draft: boolean) =>
      draft
        ? 'A proof goes to the editors.'
        : `The editors get an email when it is accepted. Track it: npx kawaraban report status ${id}`,
    noSetting: (name: string) =>
      `${name} is not set: keep \`npm start\` running locally, or set ${name} from the stack outputs on AWS`,
    badId: (id: string) => `not a report id: ${id}`,
    unknown: (id: string) => `no such report: ${id}`,
    badInterval: (v: string) => `--interval must be 1 to 3600 seconds (got ${v})`,
    noReports: 'no reports',
    badStatus: (status: string, allowed: string) =>
      `cannot filter by status "${status}" (use one of: ${allowed})`,
    paused: (id: string) =>
      `paused: ${id} (a send under way stops before its next page; continue with: npx kawaraban report resume ${id})`,
    resumed: (id: string) => `resumed: ${id} (the next dispatcher run continues from the saved cursor)`,
    rescheduled: (id: string) =>
      `resumed: ${id} (it had not started, so it is SCHEDULED again and goes out at its sendAt)`,
    guardRestarted: (reason: string) =>
      `note: the reputation guard had paused this report (${reason}); from now on it judges only what is sent after this resume.`,
    canceled: (id: string) => `canceled: ${id} (a send under way stops before its next page)`,
    notPausable: (id: string, status: string) =>
      `cannot pause ${id}: it is ${status} (only SCHEDULED or SENDING can be paused)`,
    notResumable: (id: string, status: string) =>
      `cannot resume ${id}: it is ${status} (only PAUSED can be resumed)`,
    notCancelable: (id: string, status: string) =>
      `cannot cancel ${id}: it is ${status} (only SCHEDULED, SENDING or PAUSED can be canceled)`,
  },
} as const;
