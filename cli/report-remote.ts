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
  REPORT_STATUSES,
  type ReportStatus,
} from '../functions/core/report.ts';
import { cliLang } from './context.ts';
import { cliDynamo, cliS3 } from './aws-config.ts';
import { readErrorText } from './read-error.ts';
import { statusJson } from './report-canary.ts';
import { formatReportList, formatStatus } from './report-format.ts';
import { remoteMessages } from './report-remote-messages.ts';
import { isMarkdownPath, reportJson } from './report-source.ts';
import { chooseTarget } from './target.ts';

const lang = (): ReportLang => cliLang();

function setting(name: 'UPLOAD_BUCKET' | 'REPORTS_TABLE'): string | null {
  const value = process.env[name];
  if (value) return value;
  console.error(remoteMessages[lang()].noSetting(name));
  return null;
}

export async function uploadFile(file: string, opts: { draft: boolean }): Promise<number> {
  await chooseTarget();
  const m = remoteMessages[lang()];
  if (isMarkdownPath(file)) {
    // Converted here, and uploaded as the JSON it converts to: the pipeline reads only JSON.
    const report = await (await import('./report-markdown.ts')).loadMarkdownReport(file, lang(), m.refused);
    return report ? putReport(reportJson(report), report.id, opts.draft) : 1;
  }
  let text: Uint8Array;
  try {
    text = await readFile(file);
  } catch (err) {
    console.error(readErrorText(file, err, lang()));
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
  const m = remoteMessages[lang()];
  const bucket = setting('UPLOAD_BUCKET');
  if (!bucket) return 1;
  const s3 = await cliS3();
  const key = `${draft ? 'drafts' : 'reports'}/${id}.json`;
  // Who uploads, for people to read (and the local runtime's identity); on AWS the S3 event's principal decides.
  const { editorIdentity } = await import('./editor-identity.ts');
  const me = await editorIdentity().catch(() => ({ missing: true }) as const);
  const metadata = 'missing' in me ? undefined : { [EDITOR_METADATA]: encodeURIComponent(me.display) };
  await s3.putObject({
    Bucket: bucket,
    Key: key,
    Body: text,
    ContentType: 'application/json; charset=utf-8',
    Metadata: metadata,
  });
  console.log(m.uploaded(`s3://${bucket}/${key}`));
  console.log(m.next(id, draft));
  return 0;
}

/** The report store of the configured stack, or null (after saying why) for a bad id or missing settings. */
async function reportStore(id: string) {
  await chooseTarget();
  if (!REPORT_ID_PATTERN.test(id)) {
    console.error(remoteMessages[lang()].badId(id));
    return null;
  }
  const table = setting('REPORTS_TABLE');
  if (!table) return null;
  // The SDK reads its endpoints when the clients are created: only after chooseTarget().
  const [dynamo, { dynamoReportStore }] = await Promise.all([
    cliDynamo(),
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
    console.error(remoteMessages[lang()].badInterval(opts.interval ?? ''));
    return 1;
  }
  const store = await reportStore(id);
  if (!store) return 1;
  const m = remoteMessages[lang()];
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
export const LISTABLE_STATUSES = REPORT_STATUSES.filter(
  (s): s is Exclude<ReportStatus, 'REJECTED'> => s !== 'REJECTED',
);

/** `report list [--status S]`: one line per report, newest send time first. */
export async function printReportList(status?: string, opts: { json?: boolean } = {}): Promise<number> {
  const m = remoteMessages[lang()];
  if (status !== undefined && !(LISTABLE_STATUSES as readonly string[]).includes(status)) {
    console.error(m.badStatus(status, LISTABLE_STATUSES.join(', ')));
    return 1;
  }
  await chooseTarget();
  const table = setting('REPORTS_TABLE');
  if (!table) return 1;
  const [dynamo, { listReports }] = await Promise.all([
    cliDynamo(),
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

export type ControlAction = 'pause' | 'resume' | 'cancel';

/** `report pause | resume | cancel`: one conditional status change, then the new status and counts. */
export async function controlReport(action: ControlAction, id: string): Promise<number> {
  const store = await reportStore(id);
  if (!store) return 1;
  const m = remoteMessages[lang()];
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
