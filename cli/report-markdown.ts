/**
 * `kawaraban report new <id>` (a starter Markdown report) and `report convert <file.md>` (Markdown →
 * the report JSON the pipeline takes), plus the Markdown branch of validate / preview / upload.
 * Exit codes: 0 done, 1 refused (problems listed as `file.md:line: reason`, nothing written).
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isReportId, type Report, type ReportLang } from '../functions/core/report-schema.ts';
import { cliTexts } from './i18n/index.ts';
import { starterMarkdown } from './markdown/starter.ts';
import { formatSourceProblem, loadReportSource, reportJson } from './report-source.ts';

const messages = { ja: cliTexts.ja.markdown, en: cliTexts.en.markdown };

/** For validate / preview / upload: the report, or null after printing every problem and `summary`. */
export async function loadMarkdownReport(
  file: string,
  lang: ReportLang,
  summary: (file: string, n: number) => string,
): Promise<Report | null> {
  const source = await loadReportSource(file, lang, 'markdown');
  if (source.report) return source.report;
  if (source.readError) {
    console.error(source.readError);
    return null;
  }
  for (const p of source.problems) console.error(formatSourceProblem(file, p));
  console.error(summary(file, source.problems.length));
  return null;
}

export async function newReport(
  id: string,
  opts: { out?: string; lang: ReportLang; today?: Date },
): Promise<number> {
  const m = messages[opts.lang];
  if (!isReportId(id)) {
    console.error(m.badId(id));
    return 1;
  }
  const file = opts.out ?? `${id}.md`;
  try {
    // 'wx': an editor's draft is never overwritten by a second `report new`.
    await writeFile(file, starterMarkdown(id, opts.lang, opts.today ?? new Date()), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    console.error(m.exists(file));
    return 1;
  }
  console.log(m.created(file));
  console.log(m.next(file));
  return 0;
}

/** Writes `<id>.json` beside the Markdown (or `--out`; `-` for stdout); nothing when it has problems. */
export async function convertFile(file: string, opts: { out?: string; lang: ReportLang }): Promise<number> {
  const report = await loadMarkdownReport(file, opts.lang, messages[opts.lang].problems);
  if (!report) return 1;
  const json = reportJson(report);
  if (opts.out === '-') {
    process.stdout.write(json);
    return 0;
  }
  const out = opts.out ?? join(dirname(file), `${report.id}.json`);
  await writeFile(out, json);
  console.log(messages[opts.lang].written(out));
  return 0;
}
