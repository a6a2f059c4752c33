/**
 * `kawaraban report upload | status`: talk to a running stack (the local one through
 * .local/env.json, or AWS through UPLOAD_BUCKET / REPORTS_TABLE and the usual AWS credentials).
 * Exit codes: 0 done, 1 refused (invalid file, unknown report, missing settings).
 */
import { readFile } from 'node:fs/promises';
import { parseReport, type ReportLang } from '../functions/core/report-schema.ts';
import { REPORT_ID_PATTERN, type ReportRecord } from '../functions/core/report.ts';
import { loadCliEnv } from './env.ts';

const lang = (): ReportLang => (process.env.DEFAULT_LOCALE === 'en' ? 'en' : 'ja');

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
  },
  en: {
    missing: (file: string) => `no such file: ${file}`,
    unreadable: (file: string, why: string) => `cannot read ${file} (${why})`,
    refused: (file: string, n: number) => `${file}: not uploaded, ${n} ${n === 1 ? 'problem' : 'problems'}`,
    uploaded: (where: string) => `uploaded: ${where}`,
    next: (id: string, draft: boolean) =>
      draft ? 'A proof goes to the editors.' : `The editors get an email when it is accepted. Track it: npx kawaraban report status ${id}`,
    noSetting: (name: string) =>
      `${name} is not set: keep \`npm start\` running locally, or set ${name} from the stack outputs on AWS`,
    badId: (id: string) => `not a report id: ${id}`,
    unknown: (id: string) => `no such report: ${id}`,
  },
} as const;

function setting(name: 'UPLOAD_BUCKET' | 'REPORTS_TABLE'): string | null {
  const value = process.env[name];
  if (value) return value;
  console.error(messages[lang()].noSetting(name));
  return null;
}

export async function uploadFile(file: string, opts: { draft: boolean }): Promise<number> {
  loadCliEnv();
  const m = messages[lang()];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(code === 'ENOENT' ? m.missing(file) : m.unreadable(file, code ?? String(err)));
    return 1;
  }
  // Validate here first: an invalid file never reaches the bucket.
  const result = parseReport(text, lang());
  if (!result.ok) {
    for (const issue of result.issues) console.error(`${issue.path}: ${issue.message}`);
    console.error(m.refused(file, result.issues.length));
    return 1;
  }
  const bucket = setting('UPLOAD_BUCKET');
  if (!bucket) return 1;
  // The SDK reads its endpoints when the clients are created: only after loadCliEnv().
  const [{ s3 }, { PutObjectCommand }] = await Promise.all([
    import('../functions/adapters/aws/s3.ts'),
    import('@aws-sdk/client-s3'),
  ]);
  const key = `${opts.draft ? 'drafts' : 'reports'}/${result.report.id}.json`;
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: 'application/json; charset=utf-8' }),
  );
  console.log(m.uploaded(`s3://${bucket}/${key}`));
  console.log(m.next(result.report.id, opts.draft));
  return 0;
}

export async function printStatus(id: string): Promise<number> {
  loadCliEnv();
  const m = messages[lang()];
  if (!REPORT_ID_PATTERN.test(id)) {
    console.error(m.badId(id));
    return 1;
  }
  const table = setting('REPORTS_TABLE');
  if (!table) return 1;
  const [{ dynamo }, { dynamoReportStore }] = await Promise.all([
    import('../functions/adapters/aws/dynamo.ts'),
    import('../functions/adapters/dynamo-report-store.ts'),
  ]);
  const report = await dynamoReportStore(dynamo, table).get(id);
  if (!report) {
    console.error(m.unknown(id));
    return 1;
  }
  console.log(formatStatus(report));
  return 0;
}

const n = (x: number) => x.toLocaleString('en-US');
const jst = (iso: string) =>
  `${new Date(iso).toLocaleString('sv-SE', { timeZone: 'Asia/Tokyo' }).slice(0, 16)} JST`;

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
