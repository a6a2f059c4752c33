/**
 * `kawaraban report send-test <file|id> --to a@example.com[,b@example.com] [--locale ja|en]`:
 * the email readers would get, to a few addresses only (functions/core/use-cases/send-test.ts).
 * `<file>` is rendered here with the render function's renderer; `<id>` sends the uploaded
 * report's stored rendering. Talks to the stack the other report commands use (.local/env.json
 * or the environment). Exit codes: 0 sent, 1 refused or failed, 2 bad arguments.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { emailProblemMessages } from '../functions/core/import-messages.ts';
import type { ReportLang } from '../functions/core/report-schema.ts';
import { REPORT_ID_PATTERN, type RenderedPart, type RenderedReport } from '../functions/core/report.ts';
import type { Locale } from '../functions/core/subscriber.ts';
import type { RecipientProblem, SendTestOutcome } from '../functions/core/use-cases/send-test.ts';
import { cliLang } from './context.ts';
import { cliAwsConfig, cliDynamo, cliS3 } from './aws-config.ts';
import { editorIdentity, isLocalStack } from './editor-identity.ts';
import { chooseTarget } from './target.ts';

const messages = {
  ja: {
    noTo: '--to に宛先を 1 件以上指定してください（カンマ区切り、最大 10 件）',
    tooMany: (n: number, max: number) => `--to の宛先が多すぎます: ${n} 件（最大 ${max} 件）`,
    invalid: (pos: number, value: string, why: string) => `--to の ${pos} 件目「${value}」: ${why}`,
    duplicate: (pos: number, value: string, first: number) =>
      `--to の ${pos} 件目「${value}」は ${first} 件目と同じメールボックスです`,
    refused: '送信しませんでした（誰にも送っていません）',
    limited: (s: number) =>
      `テスト送信の上限に達しました（1 分に 3 回、1 時間に 20 回まで）。${s} 秒後に再度お試しください`,
    neither: (arg: string) => `ファイルでも報告 id でもありません: ${arg}`,
    unknown: (id: string) => `報告が見つかりません: ${id}`,
    notRendered: (id: string, status: string) =>
      `報告 ${id} はレンダリングされていません（状態: ${status}）。ファイルを指定してください`,
    invalidFile: (file: string, n: number) => `${file}: ${n}件の問題があるため、送信しませんでした`,
    noSetting: (name: string) =>
      `${name} が設定されていません: ローカルでは npm start を起動したままにし、AWS ではスタックの値を ${name} に設定してください`,
    badLocale: (v: string) => `--locale は ja か en です（指定値: ${v}）`,
    sent: (n: number, subject: string) => `テスト送信しました: ${n} 件 — 件名「${subject}」`,
    to: (a: string) => `  宛先: ${a}`,
    failed: (a: string, why: string) => `  送信できませんでした: ${a}（${why}）`,
    noCaller: 'AWS の呼び出し元を確認できないため送信しませんでした（STS GetCallerIdentity）',
    audit: (caller: string, id: string) => `記録: 送信者 ${caller}（監査記録 audit#test-send#${id}）`,
  },
  en: {
    noTo: 'give at least one address with --to (comma-separated, at most 10)',
    tooMany: (n: number, max: number) => `too many addresses in --to: ${n} (at most ${max})`,
    invalid: (pos: number, value: string, why: string) => `--to address ${pos} "${value}": ${why}`,
    duplicate: (pos: number, value: string, first: number) =>
      `--to address ${pos} "${value}" is the same mailbox as address ${first}`,
    refused: 'nothing was sent (to anyone)',
    limited: (s: number) => `the test-send limit is reached (3 a minute, 20 an hour): try again in ${s} s`,
    neither: (arg: string) => `neither a file nor a report id: ${arg}`,
    unknown: (id: string) => `no such report: ${id}`,
    notRendered: (id: string, status: string) =>
      `report ${id} has no rendering (status ${status}): give the file instead`,
    invalidFile: (file: string, n: number) => `${file}: not sent, ${n} ${n === 1 ? 'problem' : 'problems'}`,
    noSetting: (name: string) =>
      `${name} is not set: keep \`npm start\` running locally, or set ${name} from the stack on AWS`,
    badLocale: (v: string) => `--locale is ja or en (got ${v})`,
    sent: (n: number, subject: string) =>
      `test sent to ${n} ${n === 1 ? 'address' : 'addresses'} — subject "${subject}"`,
    to: (a: string) => `  to: ${a}`,
    failed: (a: string, why: string) => `  not sent: ${a} (${why})`,
    noCaller: 'not sent: the AWS caller could not be identified (STS GetCallerIdentity)',
    audit: (caller: string, id: string) => `recorded: sent by ${caller} (audit record audit#test-send#${id})`,
  },
} as const;

type Messages = (typeof messages)[ReportLang];

const lang = (): ReportLang => cliLang();

const SETTINGS = [
  'SUBSCRIBERS_TABLE',
  'REPORTS_TABLE',
  'FROM_ADDRESS',
  'PUBLIC_BASE_URL',
  'UNSUBSCRIBE_MAILTO',
] as const;

export async function sendTestCommand(
  target: string,
  opts: { to: string; locale?: string },
): Promise<number> {
  // The local stack, names in the environment, or --stack's outputs: never .local/env.json for a stack.
  await chooseTarget();
  const m = messages[lang()];
  const locale = opts.locale ?? (process.env.DEFAULT_LOCALE === 'en' ? 'en' : 'ja');
  if (locale !== 'ja' && locale !== 'en') {
    console.error(m.badLocale(locale));
    return 2;
  }
  // The recipients are checked before anything is read or rendered: a typo costs nothing.
  const { parseTestRecipients, sendTest } = await import('../functions/core/use-cases/send-test.ts');
  const checked = parseTestRecipients(opts.to);
  if (!checked.ok) return refuse(m, checked.problems);

  for (const name of SETTINGS) {
    if (!process.env[name]) {
      console.error(m.noSetting(name));
      return 1;
    }
  }
  const source = await loadSource(target, locale, m);
  if (!source) return 1;

  // The SDK reads its endpoints when the clients are created: only after chooseTarget().
  const [dynamo, { sesClient }, { sesMailer }, { dynamoRateLimitStore }, { dynamoTestSendAudit }] =
    await Promise.all([
      cliDynamo(),
      import('../functions/adapters/aws/sesv2.ts'),
      import('../functions/adapters/ses-mailer.ts'),
      import('../functions/adapters/dynamo-rate-limit-store.ts'),
      import('../functions/adapters/dynamo-test-send-audit.ts'),
    ]);
  const env = process.env as Record<(typeof SETTINGS)[number], string> & NodeJS.ProcessEnv;
  const caller = await testSendCaller();
  if (!caller) {
    console.error(m.noCaller);
    return 1;
  }
  const outcome: SendTestOutcome = await sendTest(
    {
      mailer: sesMailer(sesClient(await cliAwsConfig()), {
        from: env.FROM_ADDRESS,
        configurationSet: env.SES_CONFIGURATION_SET || undefined,
      }),
      limits: dynamoRateLimitStore(dynamo, env.SUBSCRIBERS_TABLE),
      audit: dynamoTestSendAudit(dynamo, env.SUBSCRIBERS_TABLE),
      clock: { now: () => new Date() },
      newId: randomUUID,
    },
    {
      ...source,
      to: opts.to,
      caller,
      publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      unsubscribeMailto: env.UNSUBSCRIBE_MAILTO,
    },
  );
  if (outcome.kind === 'refused') return refuse(m, outcome.problems);
  if (outcome.kind === 'limited') {
    console.error(m.limited(outcome.retryAfterSeconds));
    return 1;
  }
  console.log(m.sent(outcome.sent.length, outcome.subject));
  for (const a of outcome.sent) console.log(m.to(a));
  for (const f of outcome.failed) console.error(m.failed(f.to, f.error));
  console.log(m.audit(caller, outcome.auditId));
  return outcome.failed.length ? 1 : 0;
}

/**
 * Who sends, for the audit record: the AWS principal's ARN (STS), or locally `local:<name>`
 * from KAWARABAN_EDITOR, else the OS user (nobody signs in locally). Null: unknown on AWS.
 */
export async function testSendCaller(): Promise<string | null> {
  const id = await editorIdentity();
  if (!('missing' in id)) return isLocalStack() ? id.principal : id.display;
  return isLocalStack() ? `local:${osUser()}` : null;
}

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    // No passwd entry (some containers).
    return 'unknown';
  }
}

function refuse(m: Messages, problems: RecipientProblem[]): number {
  const l = lang();
  for (const p of problems) {
    if (p.kind === 'none') console.error(m.noTo);
    else if (p.kind === 'too-many') console.error(m.tooMany(p.count, p.max));
    else if (p.kind === 'invalid')
      console.error(m.invalid(p.position, p.value, emailProblemMessages[l][p.problem]));
    else console.error(m.duplicate(p.position, p.value, p.firstPosition));
  }
  console.error(m.refused);
  return 2;
}

interface Source {
  reportId: string;
  source: 'file' | 'uploaded';
  part: RenderedPart;
  placeholder: string;
}

/** An existing file is rendered here; otherwise a report id is looked up in the stack. */
async function loadSource(target: string, locale: Locale, m: Messages): Promise<Source | null> {
  if (existsSync(target) && statSync(target).isFile()) return renderFile(target, locale, m);
  if (!REPORT_ID_PATTERN.test(target)) {
    console.error(m.neither(target));
    return null;
  }
  return storedRendering(target, locale, m);
}

/** A JSON or Markdown report file (cli/report-source.ts), rendered as the render function does. */
async function renderFile(file: string, locale: Locale, m: Messages): Promise<Source | null> {
  const { loadReportSource, formatSourceProblem } = await import('./report-source.ts');
  const source = await loadReportSource(file, lang());
  if (!source.report) {
    if (source.readError) console.error(source.readError);
    for (const p of source.problems) console.error(formatSourceProblem(file, p));
    console.error(m.invalidFile(file, Math.max(1, source.problems.length)));
    return null;
  }
  const report = source.report;
  // The render function's renderer and settings: the same bytes readers would get.
  const [{ renderReportEmail, UNSUBSCRIBE_TOKEN_PLACEHOLDER }, { previewContext }] = await Promise.all([
    import('../emails/render.ts'),
    import('./report-files.ts'),
  ]);
  const part = await renderReportEmail(report, previewContext(), locale);
  return { reportId: report.id, source: 'file', part, placeholder: UNSUBSCRIBE_TOKEN_PLACEHOLDER };
}

async function storedRendering(id: string, locale: Locale, m: Messages): Promise<Source | null> {
  const bucket = process.env.UPLOAD_BUCKET;
  if (!bucket) {
    console.error(m.noSetting('UPLOAD_BUCKET'));
    return null;
  }
  const [dynamo, s3, { dynamoReportStore }, { s3BlobStore }] = await Promise.all([
    cliDynamo(),
    cliS3(),
    import('../functions/adapters/dynamo-report-store.ts'),
    import('../functions/adapters/s3-blob-store.ts'),
  ]);
  const record = await dynamoReportStore(dynamo, process.env.REPORTS_TABLE!).get(id);
  if (!record) {
    console.error(m.unknown(id));
    return null;
  }
  if (!record.renderedKey) {
    console.error(m.notRendered(id, record.status));
    return null;
  }
  const rendered = JSON.parse(await s3BlobStore(s3, bucket).getText(record.renderedKey)) as RenderedReport;
  return {
    reportId: id,
    source: 'uploaded',
    part: rendered.locales[locale],
    placeholder: rendered.placeholder,
  };
}
