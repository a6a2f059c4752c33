/**
 * `kawaraban report upload | status | list | pause | resume | cancel`: talk to a running stack (the local one through
 * .local/env.json, or AWS through UPLOAD_BUCKET / REPORTS_TABLE and the usual AWS credentials).
 * Exit codes: 0 done, 1 refused (invalid file, unknown report, missing settings).
 */
import { readFile } from 'node:fs/promises';
import { formatReportIssue, parseReportBytes } from '../functions/core/report-parse.ts';
import type { ReportLang } from '../functions/core/report-schema.ts';
import {
  EDITOR_METADATA,
  REPORT_ID_PATTERN,
  type ReportRecord,
  type ReportStatus,
} from '../functions/core/report.ts';
import { jst } from './columns.ts';
import { cliLang } from './context.ts';
import { canaryText, canaryView, statusJson } from './report-canary.ts';
import { isMarkdownPath, reportJson } from './report-source.ts';
import { chooseTarget } from './target.ts';

const lang = (): ReportLang => cliLang();

const messages = {
  ja: {
    missing: (file: string) => `ファイルが見つかりません: ${file}`,
    unreadable: (file: string, why: string) => `ファイルを読み込めません: ${file}（${why}）`,
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
    missing: (file: string) => `no such file: ${file}`,
    unreadable: (file: string, why: string) => `cannot read ${file} (${why})`,
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

function setting(name: 'UPLOAD_BUCKET' | 'REPORTS_TABLE'): string | null {
  const value = process.env[name];
  if (value) return value;
  console.error(messages[lang()].noSetting(name));
  return null;
}

export async function uploadFile(file: string, opts: { draft: boolean }): Promise<number> {
  await chooseTarget();
  const m = messages[lang()];
  if (isMarkdownPath(file)) {
    // Converted here, and uploaded as the JSON it converts to: the pipeline reads only JSON.
    const report = await (await import('./report-markdown.ts')).loadMarkdownReport(file, lang(), m.refused);
    return report ? putReport(reportJson(report), report.id, opts.draft) : 1;
  }
  let text: Uint8Array;
  try {
    text = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(code === 'ENOENT' ? m.missing(file) : m.unreadable(file, code ?? String(err)));
    return 1;
  }
  // Validate here first: an invalid file never reaches the bucket.
  // Strict UTF-8 first: a Shift_JIS file is refused here, naming its encoding, not uploaded as mojibake.
  const result = parseReportBytes(text, lang());
  if (!result.ok) {
    for (const issue of result.issues) console.error(formatReportIssue(issue, file));
    console.error(m.refused(file, result.issues.length));
    return 1;
  }
  return putReport(text, result.report.id, opts.draft);
}

/** Puts a valid report's JSON at reports/<id>.json (or drafts/) and says what happens next. */
async function putReport(text: string | Uint8Array, id: string, draft: boolean): Promise<number> {
  const m = messages[lang()];
  const bucket = setting('UPLOAD_BUCKET');
  if (!bucket) return 1;
  // The SDK reads its endpoints when the clients are created: only after chooseTarget().
  const [{ s3 }, { PutObjectCommand }] = await Promise.all([
    import('../functions/adapters/aws/s3.ts'),
    import('@aws-sdk/client-s3'),
  ]);
  const key = `${draft ? 'drafts' : 'reports'}/${id}.json`;
  // Who uploads, for people to read (and the local runtime's identity); on AWS the S3 event's principal decides.
  const { editorIdentity } = await import('./editor-identity.ts');
  const me = await editorIdentity().catch(() => ({ missing: true }) as const);
  const metadata = 'missing' in me ? undefined : { [EDITOR_METADATA]: encodeURIComponent(me.display) };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: text,
      ContentType: 'application/json; charset=utf-8',
      Metadata: metadata,
    }),
  );
  console.log(m.uploaded(`s3://${bucket}/${key}`));
  console.log(m.next(id, draft));
  return 0;
}

/** The report store of the configured stack, or null (after saying why) for a bad id or missing settings. */
async function reportStore(id: string) {
  await chooseTarget();
  if (!REPORT_ID_PATTERN.test(id)) {
    console.error(messages[lang()].badId(id));
    return null;
  }
  const table = setting('REPORTS_TABLE');
  if (!table) return null;
  // The SDK reads its endpoints when the clients are created: only after chooseTarget().
  const [{ dynamo }, { dynamoReportStore }] = await Promise.all([
    import('../functions/adapters/aws/dynamo.ts'),
    import('../functions/adapters/dynamo-report-store.ts'),
  ]);
  return dynamoReportStore(dynamo, table);
}

export async function printStatus(
  id: string,
  opts: { json?: boolean; watch?: boolean; interval?: string } = {},
): Promise<number> {
  const interval = opts.interval === undefined ? 5 : Number(opts.interval);
  if (!(interval >= 1 && interval <= 3600)) {
    console.error(messages[lang()].badInterval(opts.interval ?? ''));
    return 1;
  }
  const store = await reportStore(id);
  if (!store) return 1;
  const m = messages[lang()];
  const report = await store.get(id);
  if (!report) {
    console.error(m.unknown(id));
    return 1;
  }
  if (opts.watch) {
    const { watchReport } = await import('./report-watch.ts');
    const deps = {
      get: (x: string) => store.get(x),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      now: Date.now,
      out: process.stdout,
    };
    return watchReport(deps, id, { intervalMs: interval * 1000, json: opts.json });
  }
  console.log(opts.json ? JSON.stringify(statusJson(report), null, 2) : formatStatus(report));
  return 0;
}

/** Statuses `report list` can show: the index it reads holds reports with a send time, so not REJECTED uploads. */
export const LISTABLE_STATUSES = [
  'AWAITING_APPROVAL',
  'SCHEDULED',
  'SENDING',
  'PAUSED',
  'SENT',
  'CANCELED',
] as const;

/** `report list [--status S]`: one line per report, newest send time first. */
export async function printReportList(status?: string, opts: { json?: boolean } = {}): Promise<number> {
  const m = messages[lang()];
  if (status !== undefined && !(LISTABLE_STATUSES as readonly string[]).includes(status)) {
    console.error(m.badStatus(status, LISTABLE_STATUSES.join(', ')));
    return 1;
  }
  await chooseTarget();
  const table = setting('REPORTS_TABLE');
  if (!table) return 1;
  const [{ dynamo }, { listReports }] = await Promise.all([
    import('../functions/adapters/aws/dynamo.ts'),
    import('../functions/adapters/dynamo-report-store.ts'),
  ]);
  const reports = await listReports(dynamo, table, status ? [status as ReportStatus] : LISTABLE_STATUSES);
  if (opts.json) {
    console.log(JSON.stringify(reports, null, 2));
    return 0;
  }
  if (reports.length === 0) {
    console.log(m.noReports);
    return 0;
  }
  console.log(formatReportList(reports));
  return 0;
}

/** Plain columns: id, status, send time (JST), sent/audience, bounced, complained, title. */
export function formatReportList(reports: ReportRecord[]): string {
  const rows = reports.map((r) => [
    r.reportId,
    r.status,
    r.sendAt ? jst(r.sendAt) : '-',
    `${n(r.counts.sent)}/${n(r.counts.audience)}`,
    n(r.counts.bounced),
    n(r.counts.complained),
    r.title,
  ]);
  const head = ['report', 'status', 'sendAt', 'sent', 'bounced', 'complained', 'title'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // The title is last and not padded: Japanese text is wider than its length.
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export type ControlAction = 'pause' | 'resume' | 'cancel';

/** `report pause | resume | cancel`: one conditional status change, then the new status and counts. */
export async function controlReport(action: ControlAction, id: string): Promise<number> {
  const store = await reportStore(id);
  if (!store) return 1;
  const m = messages[lang()];
  const control = await import('../functions/core/use-cases/report-control.ts');
  const deps = { reports: store, clock: { now: () => new Date() } };
  const run = { pause: control.pauseReport, resume: control.resumeReport, cancel: control.cancelReport }[
    action
  ];
  const outcome = await run(deps, id);
  if (outcome.kind === 'unknown') {
    console.error(m.unknown(id));
    return 1;
  }
  if (outcome.kind === 'refused') {
    const refused = { pause: m.notPausable, resume: m.notResumable, cancel: m.notCancelable }[action];
    console.error(refused(id, outcome.status));
    return 1;
  }
  const { record, before } = outcome;
  if (action === 'resume') {
    console.log(record.status === 'SCHEDULED' ? m.rescheduled(id) : m.resumed(id));
    if (before?.pauseKind === 'reputation') console.log(m.guardRestarted(before.pauseReason ?? ''));
  } else {
    console.log(action === 'pause' ? m.paused(id) : m.canceled(id));
  }
  console.log(formatStatus(record));
  return 0;
}

const n = (x: number) => x.toLocaleString('en-US');

/** A plain, greppable block: one `label  value` per line. */
export function formatStatus(r: ReportRecord): string {
  const c = r.counts;
  const rows: [string, string | undefined][] = [
    ['report', r.reportId],
    ['title', r.title || undefined],
    ['status', r.status],
    ['sendAt', r.sendAt && `${r.sendAt} (${jst(r.sendAt)})`],
    ['started', r.startedAt],
    ['completed', r.completedAt],
    ['paused', r.pauseReason],
    ['uploadedBy', r.uploadedBy],
    [
      'approval',
      r.status === 'AWAITING_APPROVAL'
        ? `awaited from a second editor${r.uploadedBy ? ` (anyone but ${r.uploadedBy})` : ''}: npx kawaraban report approve ${r.reportId}`
        : r.approvedBy && `approved by ${r.approvedBy} at ${r.approvedAt}`,
    ],
    [
      'guardSince',
      r.guardSince &&
        `sent ${n(r.guardSince.sent)}, bounced ${n(r.guardSince.bounced)}, complained ${n(r.guardSince.complained)}`,
    ],
    ['canary', r.canary && canaryText(canaryView(r)!)],
    ['failedRuns', r.failedRuns ? String(r.failedRuns) : undefined],
    ['audience', n(c.audience)],
    ['sent', n(c.sent)],
    ['delivered', n(c.delivered)],
    ['bounced', n(c.bounced)],
    ['softBounced', n(c.softBounced)],
    ['complained', n(c.complained)],
    ['failed', n(c.failed)],
    ['source', r.sourceKey],
  ];
  const lines = rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k.padEnd(12)}${v}`);
  if (r.errors?.length) {
    lines.push(`errors      ${r.errors.length}`);
    for (const e of r.errors) lines.push(`  ${e.path}: ${e.message}`);
  }
  return lines.join('\n');
}
