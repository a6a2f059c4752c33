/**
 * `kawaraban report approve <id>`: the second editor's approval (two-person approval, deployed
 * with `-c approval=true`). It writes `approvals/<id>.json` naming the version looked at; the
 * render function checks, on the principal AWS attests for that object, that the approver is not
 * the uploader, and schedules the report (functions/core/use-cases/approve-report.ts). The CLI
 * checks the same first, so a refusal is said at once, then waits for the result.
 * Exit codes: 0 approved, 1 refused or not applied within the wait.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EDITOR_METADATA, REPORT_ID_PATTERN, type ReportRecord } from '../functions/core/report.ts';
import { cliLang } from './context.ts';
import { cliDynamo, cliS3 } from './aws-config.ts';
import { editorIdentity, EDITOR_ENV } from './editor-identity.ts';
import { chooseTarget } from './target.ts';

const lang = () => cliLang();

const messages = {
  ja: {
    badId: (id: string) => `報告の id ではありません: ${id}`,
    noSetting: (name: string) =>
      `${name} が設定されていません（ローカルでは npm start を起動したまま、AWS ではスタックの出力値を設定してください）`,
    noIdentity: `承認者を確認できません: ローカルでは ${EDITOR_ENV} に自分の名前を設定してください（AWS では認証情報から自動で決まります）`,
    unknown: (id: string) => `報告が見つかりません: ${id}`,
    notAwaiting: (id: string, status: string) =>
      `承認できません: ${id} は ${status} です（承認できるのは AWAITING_APPROVAL のみ）`,
    own: (id: string) =>
      `承認できません: ${id} をアップロードしたのはあなたです。別の編集者に承認を依頼してください`,
    submitted: (id: string, who: string) => `${id} を ${who} として承認しました。反映を待っています…`,
    approved: (id: string, who: string, at: string, sendAt: string) =>
      `承認されました: ${id}（承認者 ${who}、${at}）。配信予定 ${sendAt}`,
    notYet: (id: string) =>
      `まだ反映されていません: ${id}。結果は編集者宛てのメールと npx kawaraban report status ${id} で確認できます`,
    refused: (id: string, status: string) =>
      `承認は反映されませんでした: ${id} は ${status} のままです。理由は編集者宛てのメールに届きます`,
  },
  en: {
    badId: (id: string) => `not a report id: ${id}`,
    noSetting: (name: string) =>
      `${name} is not set (keep npm start running locally, or set it from the stack outputs on AWS)`,
    noIdentity: `cannot tell who approves: locally, set ${EDITOR_ENV} to your name (on AWS it comes from your credentials)`,
    unknown: (id: string) => `no such report: ${id}`,
    notAwaiting: (id: string, status: string) =>
      `cannot approve ${id}: it is ${status} (only AWAITING_APPROVAL can be approved)`,
    own: (id: string) => `cannot approve ${id}: you uploaded it; ask another editor to approve it`,
    submitted: (id: string, who: string) => `approval of ${id} submitted as ${who}; waiting for it to apply…`,
    approved: (id: string, who: string, at: string, sendAt: string) =>
      `approved: ${id} (by ${who}, ${at}); goes out at ${sendAt}`,
    notYet: (id: string) =>
      `not applied yet: ${id}. The editors get an email either way; check with npx kawaraban report status ${id}`,
    refused: (id: string, status: string) =>
      `the approval did not apply: ${id} is still ${status}; the editors get an email saying why`,
  },
} as const;

export async function approveReportCli(id: string, opts: { wait?: string } = {}): Promise<number> {
  const m = messages[lang()];
  if (!REPORT_ID_PATTERN.test(id)) return fail(m.badId(id));
  await chooseTarget();
  const bucket = process.env.UPLOAD_BUCKET;
  const table = process.env.REPORTS_TABLE;
  if (!bucket) return fail(m.noSetting('UPLOAD_BUCKET'));
  if (!table) return fail(m.noSetting('REPORTS_TABLE'));
  const me = await editorIdentity();
  if ('missing' in me) return fail(m.noIdentity);

  const [dynamo, { dynamoReportStore }, s3] = await Promise.all([
    cliDynamo(),
    import('../functions/adapters/dynamo-report-store.ts'),
    cliS3(),
  ]);
  const reports = dynamoReportStore(dynamo, table);
  const report = await reports.get(id);
  if (!report) return fail(m.unknown(id));
  if (report.status !== 'AWAITING_APPROVAL') return fail(m.notAwaiting(id, report.status));
  if (report.uploadedBy === me.principal) return fail(m.own(id));

  await s3.putObject({
    Bucket: bucket,
    Key: `approvals/${id}.json`,
    Body: JSON.stringify({ contentHash: report.contentHash }),
    ContentType: 'application/json; charset=utf-8',
    Metadata: { [EDITOR_METADATA]: encodeURIComponent(me.display) },
  });
  console.log(m.submitted(id, me.display));

  const waitMs = Math.max(0, Number(opts.wait ?? 60)) * 1000;
  const until = Date.now() + waitMs;
  let now: ReportRecord | null = report;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5000)) {
    now = await reports.get(id);
    if (now?.approvedBy && now.status !== 'AWAITING_APPROVAL') {
      console.log(m.approved(id, now.approvedBy, now.approvedAt ?? '', now.sendAt ?? ''));
      return 0;
    }
    if (now && now.status !== 'AWAITING_APPROVAL') return fail(m.refused(id, now.status));
    if (Date.now() + delay > until) break;
    await sleep(delay);
  }
  console.error(m.notYet(id));
  return 1;
}

function fail(message: string): number {
  console.error(`kawaraban: ${message}`);
  return 1;
}
