/**
 * `kawaraban report schema | validate | preview`: work on report files locally, no AWS needed.
 * Exit codes: 0 success, 1 an invalid report or an unreadable file.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { formatReportIssue, parseReportBytes, type ReportIssue } from '../functions/core/report-parse.ts';
import { reportJsonSchema, type Report, type ReportLang } from '../functions/core/report-schema.ts';
import { JsonPositions } from '../functions/core/json-positions.ts';
import { uploadMessages } from '../functions/core/upload-messages.ts';
import type { NewsletterContext } from '../emails/types.ts';
import { localFunctionEnv, localPorts } from '../local/config.ts';
import { loadCliEnv } from './env.ts';
import { readErrorText } from './read-error.ts';
import { isMarkdownPath } from './report-source.ts';

const messages = {
  ja: {
    ok: (r: Report) => `OK: ${r.id} — ${r.title}（本文 ${r.body.length} ブロック）`,
    problems: (file: string, n: number) => `${file}: ${n}件の問題があります`,
  },
  en: {
    ok: (r: Report) => `OK: ${r.id} — ${r.title} (${r.body.length} blocks)`,
    problems: (file: string, n: number) => `${file}: ${n} ${n === 1 ? 'problem' : 'problems'}`,
  },
} as const;

export async function printSchema(): Promise<number> {
  console.log(JSON.stringify(reportJsonSchema(), null, 2));
  return 0;
}

/** Validates as the upload does: strict UTF-8, the schema, and the id equal to the file name. */
export async function validateFile(file: string, lang: ReportLang): Promise<number> {
  const report = await loadReport(file, lang, { idIsFileName: true });
  if (!report) return 1;
  console.log(messages[lang].ok(report));
  return 0;
}

export async function previewFile(file: string, outDir: string, lang: ReportLang): Promise<number> {
  const report = await loadReport(file, lang);
  if (!report) return 1;
  // Rendering (React) is loaded only here: `validate` stays quick.
  const { renderReportEmail } = await import('../emails/render.ts');
  const ctx = previewContext();
  const mail = await renderReportEmail(report, ctx, lang);
  await mkdir(outDir, { recursive: true });
  const html = join(outDir, `${report.id}.html`);
  const text = join(outDir, `${report.id}.txt`);
  await Promise.all([writeFile(html, mail.html), writeFile(text, mail.text)]);
  console.log(html);
  console.log(text);
  const [{ reportSubjectFit }, { printSubjectFit }] = await Promise.all([
    import('../emails/subject-fit.ts'),
    import('./preview-subject.ts'),
  ]);
  printSubjectFit(reportSubjectFit(report, ctx.newsletterName, lang), lang);
  return 0;
}

/**
 * Reads and validates; on failure prints why (every problem as `file:line:column: <json path>: <reason>`)
 * and returns null. With `idIsFileName`, an id that is not the file's name is a problem too: an upload
 * of the file under that name would be rejected.
 */
async function loadReport(
  file: string,
  lang: ReportLang,
  opts: { idIsFileName?: boolean } = {},
): Promise<Report | null> {
  const m = messages[lang];
  if (isMarkdownPath(file))
    return (await import('./report-markdown.ts')).loadMarkdownReport(file, lang, m.problems);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    console.error(readErrorText(file, err, lang));
    return null;
  }
  const result = parseReportBytes(bytes, lang);
  const issues = result.ok
    ? opts.idIsFileName
      ? fileNameIssues(file, bytes, result.report, lang)
      : []
    : result.issues;
  if (result.ok && issues.length === 0) return result.report;
  for (const issue of issues) console.error(formatReportIssue(issue, file));
  console.error(m.problems(file, issues.length));
  return null;
}

/** The upload's rule (acceptReport): the file is `<id>.json`, so its name must be the report's id. */
function fileNameIssues(file: string, bytes: Uint8Array, report: Report, lang: ReportLang): ReportIssue[] {
  const name = basename(file);
  if (basename(name, extname(name)) === report.id) return [];
  const text = new TextDecoder().decode(bytes); // already checked to be UTF-8; the decoder drops a BOM
  const at = new JsonPositions(text).positionOf(['id']);
  return [{ path: '$.id', message: uploadMessages[lang].idMismatch(report.id, name), ...at }];
}

/**
 * The newsletter settings a preview is rendered with: the deployment's when its variables are
 * set (or `npm start` wrote .local/env.json), otherwise the local stack's fictional defaults.
 */
export function previewContext(): NewsletterContext {
  loadCliEnv();
  // Applies the environment over the local defaults; a preview needs no secret.
  const env = localFunctionEnv(localPorts(), { value: 'unused-by-preview' });
  return {
    newsletterName: env.NEWSLETTER_NAME!,
    publicBaseUrl: env.PUBLIC_BASE_URL!.replace(/\/+$/, ''),
    sender: {
      name: env.SENDER_NAME!,
      postalAddress: env.SENDER_POSTAL_ADDRESS!,
      contact: env.SENDER_CONTACT!,
    },
  };
}
