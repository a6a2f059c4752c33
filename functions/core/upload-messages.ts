/**
 * What the render function itself says about an upload (beyond the report schema's own
 * messages in report-messages.ts), in the editor's language.
 */
import type { ReportStatus } from './report.ts';

export interface UploadMessages {
  idMismatch: (id: string, fileName: string) => string;
  badFileName: (fileName: string) => string;
  nested: (prefix: string) => string;
  notReplaceable: (id: string, status: ReportStatus) => string;
  /** A report canceled once sending had begun: some readers have it already. */
  canceledAfterStart: (id: string) => string;
}

const statusJa: Record<ReportStatus, string> = {
  REJECTED: '差し戻し (REJECTED)',
  SCHEDULED: '配信予約済み (SCHEDULED)',
  SENDING: '配信中 (SENDING)',
  PAUSED: '一時停止中 (PAUSED)',
  SENT: '配信済み (SENT)',
  CANCELED: '取り消し (CANCELED)',
};

export const uploadMessages: Record<'ja' | 'en', UploadMessages> = {
  ja: {
    idMismatch: (id, fileName) => `id「${id}」がファイル名「${fileName}」と一致しません。ファイル名は「${id}.json」にしてください`,
    badFileName: (fileName) =>
      `ファイル名「${fileName}」は報告の id として使えません。英小文字・数字・ハイフン(先頭は英小文字か数字、64 文字まで)の「<id>.json」にしてください`,
    nested: (prefix) => `ファイルは ${prefix} の直下に置いてください(例: ${prefix}<id>.json)`,
    notReplaceable: (id, status) =>
      `報告「${id}」はすでに${statusJa[status]}のため、差し替えできません。内容を変えて送り直す場合は新しい id を付けてください`,
    canceledAfterStart: (id) =>
      `報告「${id}」は送信開始後に取り消されたため、差し替えできません(すでに受け取った読者がいるので、同じ id では残りの読者にしか届きません)。送り直す場合は新しい id を付けてください`,
  },
  en: {
    idMismatch: (id, fileName) => `id "${id}" does not match the file name "${fileName}": name the file "${id}.json"`,
    badFileName: (fileName) =>
      `the file name "${fileName}" cannot be a report id: use "<id>.json" with lowercase letters, digits and hyphens (first a letter or digit, at most 64)`,
    nested: (prefix) => `put the file directly under ${prefix} (e.g. ${prefix}<id>.json)`,
    notReplaceable: (id, status) =>
      `report "${id}" is already ${status} and cannot be replaced; give a corrected report a new id`,
    canceledAfterStart: (id) =>
      `report "${id}" was canceled after sending had begun and cannot be replaced (some readers already have it, so the same id would reach only the rest); give the report a new id to send it again`,
  },
};
