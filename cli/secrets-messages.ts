/** What `kawaraban secrets` says, in Japanese and English. */
export type SecretsLang = 'ja' | 'en';
type KeyState = 'current' | 'verifying' | 'retired';

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '—');

export const secretsMessages = {
  ja: {
    noStore:
      '配信停止キーの保存先が分かりません: ローカルでは npm start を起動したままにし、AWS では UNSUBSCRIBE_SECRET_ARN にスタックの出力値を設定してください',
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
  en: {
    noStore:
      'cannot tell where the unsubscribe keys are: keep `npm start` running locally, or set UNSUBSCRIBE_SECRET_ARN from the stack outputs on AWS',
    badDays: (v: string) => `--keep-old-days must be a whole number of days, 0 or more: ${v}`,
    rotated: (id: string, where: string) =>
      `added unsubscribe key ${id}; new mail is signed with it (stored in ${where})`,
    old: (id: string, at: string, now: boolean) =>
      now
        ? `key ${id} is retired: its links show the page that offers the contact`
        : `key ${id} keeps verifying links already sent until ${day(at)}, then retires`,
    reachesFunctions:
      'The next dispatcher run signs with the new key; the other functions read the keys again within SECRET_MAX_AGE_SECONDS (300 s by default).',
    afterLeak:
      'The old keys are retired now (the leak procedure): once the functions read the keys again (at most SECRET_MAX_AGE_SECONDS), unsubscribe links in earlier mail show the contact instead. See "Key rotation" in the README.',
    where: (where: string) => `stored in ${where}`,
    key: (id: string, state: KeyState, added?: string, retires?: string) =>
      `${id}  ${{ current: 'signing', verifying: 'verifying only', retired: 'retired' }[state]}  added ${day(added)}  retires ${day(retires)}`,
  },
} satisfies Record<SecretsLang, Record<string, unknown>>;
