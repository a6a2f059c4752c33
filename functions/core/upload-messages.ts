/**
 * What the render function itself says about an upload (beyond the report schema's own
 * messages in report-messages.ts), in the editor's language.
 */
import type { ReportStatus } from './report.ts';

export interface UploadMessages {
  idMismatch: (id: string, fileName: string) => string;
  badFileName: (fileName: string) => string;
  /** The object is far larger than any report: not read. */
  tooLarge: (bytes: number, max: number) => string;
  /** The name under reports/ or drafts/ does not end exactly in `.json`. */
  badSuffix: (name: string, prefix: string) => string;
  nested: (prefix: string) => string;
  notReplaceable: (id: string, status: ReportStatus) => string;
  /** A report canceled once sending had begun: some readers have it already. */
  canceledAfterStart: (id: string) => string;
  /** Two-person approval refused (approvals/<id>.json): why. */
  approval: Record<ApprovalRefusal, (id: string) => string>;
}

export type ApprovalRefusal =
  | 'unknown-report'
  | 'not-awaiting'
  | 'own-upload'
  | 'stale'
  | 'unreadable'
  | 'no-identity';

const statusJa: Record<ReportStatus, string> = {
  REJECTED: '差し戻し (REJECTED)',
  AWAITING_APPROVAL: '承認待ち (AWAITING_APPROVAL)',
  SCHEDULED: '配信予約済み (SCHEDULED)',
  SENDING: '配信中 (SENDING)',
  PAUSED: '一時停止中 (PAUSED)',
  SENT: '配信済み (SENT)',
  CANCELED: '取り消し (CANCELED)',
};

/** "x.JSON" or "x.json.txt" → "x.json"; null when the name gives no hint. */
function suggestName(name: string): string | null {
  const m = /^(.+?)\.json(?![a-z0-9])/i.exec(name);
  return m ? `${m[1]}.json` : null;
}

export const uploadMessages: Record<'ja' | 'en', UploadMessages> = {
  ja: {
    idMismatch: (id, fileName) =>
      `id「${id}」がファイル名「${fileName}」と一致しません。ファイル名は「${id}.json」にしてください`,
    badFileName: (fileName) =>
      `ファイル名「${fileName}」は報告の id として使えません。英小文字・数字・ハイフン(先頭は英小文字か数字、64 文字まで)の「<id>.json」にしてください`,
    badSuffix: (name, prefix) =>
      `「${prefix}${name}」は名前が「.json」(小文字)で終わっていないため、配信されません。${suggestName(name) ? `「${prefix}${suggestName(name)}」` : `「${prefix}<id>.json」`}という名前でアップロードし直してください(Windows で拡張子が隠れていると「.json.txt」になることがあります)`,
    tooLarge: (bytes, max) =>
      `ファイルが大きすぎるため読み込んでいません(${(bytes / 1048576).toFixed(1)} MiB。報告は ${max / 1048576} MiB まで)。別のファイルをアップロードしていませんか`,
    nested: (prefix) => `ファイルは ${prefix} の直下に置いてください(例: ${prefix}<id>.json)`,
    notReplaceable: (id, status) =>
      `報告「${id}」はすでに${statusJa[status]}のため、差し替えできません。内容を変えて送り直す場合は新しい id を付けてください`,
    canceledAfterStart: (id) =>
      `報告「${id}」は送信開始後に取り消されたため、差し替えできません(すでに受け取った読者がいるので、同じ id では残りの読者にしか届きません)。送り直す場合は新しい id を付けてください`,
    approval: {
      'unknown-report': (id) => `承認できません: 報告「${id}」はありません`,
      'not-awaiting': (id) => `承認できません: 報告「${id}」は承認待ち (AWAITING_APPROVAL) ではありません`,
      'own-upload': (id) =>
        `承認できません: 報告「${id}」をアップロードした本人は承認できません。別の編集者に依頼してください`,
      stale: (id) =>
        `承認できません: 報告「${id}」は承認の依頼後に差し替えられました。新しい版を確認してから承認し直してください`,
      unreadable: (id) =>
        `承認できません: approvals/${id}.json の内容を読み取れません(kawaraban report approve で作ってください)`,
      'no-identity': (id) => `承認できません: 報告「${id}」の承認者を確認できません`,
    },
  },
  en: {
    idMismatch: (id, fileName) =>
      `id "${id}" does not match the file name "${fileName}": name the file "${id}.json"`,
    badFileName: (fileName) =>
      `the file name "${fileName}" cannot be a report id: use "<id>.json" with lowercase letters, digits and hyphens (first a letter or digit, at most 64)`,
    badSuffix: (name, prefix) =>
      `"${prefix}${name}" does not end exactly in ".json" (lower case), so it will not be sent: upload it again as "${prefix}${suggestName(name) ?? '<id>.json'}" (Windows hides known suffixes, which can make a file "x.json.txt")`,
    tooLarge: (bytes, max) =>
      `the file is too large to be a report and was not read (${(bytes / 1048576).toFixed(1)} MiB; at most ${max / 1048576} MiB): was another file uploaded by mistake?`,
    nested: (prefix) => `put the file directly under ${prefix} (e.g. ${prefix}<id>.json)`,
    notReplaceable: (id, status) =>
      `report "${id}" is already ${status} and cannot be replaced; give a corrected report a new id`,
    canceledAfterStart: (id) =>
      `report "${id}" was canceled after sending had begun and cannot be replaced (some readers already have it, so the same id would reach only the rest); give the report a new id to send it again`,
    approval: {
      'unknown-report': (id) => `cannot approve: there is no report "${id}"`,
      'not-awaiting': (id) => `cannot approve: report "${id}" is not AWAITING_APPROVAL`,
      'own-upload': (id) =>
        `cannot approve: the person who uploaded report "${id}" cannot approve it; ask another editor`,
      stale: (id) =>
        `cannot approve: report "${id}" was replaced after approval was asked for; review the new version and approve again`,
      unreadable: (id) =>
        `cannot approve: approvals/${id}.json cannot be read (create it with kawaraban report approve)`,
      'no-identity': (id) => `cannot approve: the approver of report "${id}" is not known`,
    },
  },
};
