/**
 * `kawaraban subscribers import <file.csv>`: brings a list of readers who opted in at another
 * tool over as confirmed subscribers.
 *
 * 1. Check the options, then read the whole file once, streaming, and validate every row
 *    (functions/core/import-rules.ts); any problem → print them all, exit 1, nothing written.
 * 2. Look up and import the valid rows (functions/core/use-cases/import-subscribers.ts): only
 *    new addresses and pending sign-ups are written; nobody who left, bounced, complained or
 *    was erased is ever brought back. `--dry-run` looks up and counts but writes nothing.
 * 3. Print the count of each outcome; `--report` writes each line's outcome as CSV.
 * Exit codes: 0 the import ran (skipped rows included), 1 invalid input, missing settings or a
 * storage error part-way (what was done is reported; running it again is harmless).
 * The addresses appear only on the operator's terminal and in the report file.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CsvParser } from '../functions/core/csv-parser.ts';
import { guessEncoding } from '../functions/core/text-decoding.ts';
import {
  checkSourceText,
  DEFAULT_IMPORT_SOURCE,
  ImportValidator,
  type ImportValidation,
  type ValidationContext,
} from '../functions/core/import-rules.ts';
import { IMPORT_OUTCOMES, type ImportOutcome } from '../functions/core/import-decision.ts';
import {
  formatIssue,
  formatNotice,
  importMessages,
  type ImportLang,
} from '../functions/core/import-messages.ts';
import type { RowResult } from '../functions/core/use-cases/import-subscribers.ts';
import type { Locale } from '../functions/core/subscriber.ts';
import { cliTexts } from './i18n/index.ts';
import { Progress } from './progress.ts';
import { readErrorText } from './read-error.ts';
import { chooseTarget } from './target.ts';
import { csvCell } from './csv-cell.ts';
import { cliDynamo } from './aws-config.ts';

export interface ImportCliOptions {
  source?: string;
  policyVersion?: string;
  dryRun?: boolean;
  report?: string;
  lang: ImportLang;
}

const messages = {
  ja: {
    badSource: (why: string) => `--source: ${why}`,
    badPolicyVersion: '--policy-version: 1〜64文字の1行の文字列にしてください',
    reportUnwritable: (file: string, why: string) => `--report のファイルを書けません: ${file}（${why}）`,
    problems: (file: string, n: number) => `${file}: ${n}件の問題があります。何も取り込んでいません`,
    valid: (n: number, notices: number) =>
      `${n} 行を確認しました（問題なし${notices ? `、注意 ${notices} 件` : ''}）`,
    dryRun: (n: number) => `試行（--dry-run）: ${n} 行。何も書き込んでいません。実行した場合の結果:`,
    done: (n: number, policy: string) => `取り込み完了: ${n} 行（同意文面のバージョン ${policy}）`,
    interrupted: (done: number, total: number, why: string) =>
      `取り込みが途中で止まりました（${done} / ${total} 行を処理済み）: ${why}\n同じファイルでもう一度実行してください。処理済みの行は変わりません`,
    report: (file: string) => `各行の結果: ${file}`,
  },
  en: {
    badSource: (why: string) => `--source: ${why}`,
    badPolicyVersion: '--policy-version: must be one line of 1 to 64 characters',
    reportUnwritable: (file: string, why: string) => `cannot write the --report file ${file} (${why})`,
    problems: (file: string, n: number) =>
      `${file}: ${n} ${n === 1 ? 'problem' : 'problems'}; nothing was imported`,
    valid: (n: number, notices: number) =>
      `${n} rows checked, no problems${notices ? ` (${notices} ${notices === 1 ? 'note' : 'notes'})` : ''}`,
    dryRun: (n: number) => `dry run: ${n} rows, nothing written. What an import would do:`,
    done: (n: number, policy: string) => `imported ${n} rows (consent policy version ${policy})`,
    interrupted: (done: number, total: number, why: string) =>
      `the import stopped part-way (${done} of ${total} rows done): ${why}\nrun it again with the same file; rows already done stay as they are`,
    report: (file: string) => `outcome of each line: ${file}`,
  },
} as const;

export async function importSubscribersFile(file: string, opts: ImportCliOptions): Promise<number> {
  const m = messages[opts.lang];
  const source = opts.source?.trim() || DEFAULT_IMPORT_SOURCE;
  const sourceProblem = checkSourceText(source);
  if (sourceProblem) {
    console.error(m.badSource(importMessages[opts.lang].problem(sourceProblem)));
    return 1;
  }
  const policyVersion = opts.policyVersion ?? process.env.CONSENT_POLICY_VERSION ?? '1';
  if (policyVersion.length < 1 || policyVersion.length > 64 || /\p{Cc}/u.test(policyVersion)) {
    console.error(m.badPolicyVersion);
    return 1;
  }
  const defaultLocale: Locale = process.env.DEFAULT_LOCALE === 'en' ? 'en' : 'ja';

  const validation = await validateFile(
    file,
    { now: new Date(), defaultLocale, defaultSource: source },
    opts.lang,
  );
  if (!validation) return 1;
  for (const notice of validation.notices) console.error(formatNotice(notice, opts.lang));
  if (validation.issues.length) {
    for (const issue of validation.issues) console.error(formatIssue(issue, opts.lang));
    console.error(m.problems(file, validation.issues.length));
    return 1;
  }
  const { rows } = validation;
  console.error(m.valid(rows.length, validation.notices.length));

  // Opened before anything is written: a report that cannot be kept stops the import first.
  let report: FileHandle | undefined;
  if (opts.report) {
    try {
      report = await open(opts.report, 'w');
    } catch (err) {
      console.error(m.reportUnwritable(opts.report, (err as NodeJS.ErrnoException).code ?? String(err)));
      return 1;
    }
  }
  try {
    await chooseTarget();
    const table = process.env.SUBSCRIBERS_TABLE;
    if (!table) {
      throw new Error(
        'SUBSCRIBERS_TABLE is not set (run `npm start` for the local stack, or set it from the stack outputs)',
      );
    }
    // Loaded only now: validating a file never pays for the SDK.
    const dynamo = await cliDynamo();
    const { dynamoImportStore } = await import('../functions/adapters/dynamo-import-store.ts');
    const { importSubscribers, ImportInterrupted } = await import(
      '../functions/core/use-cases/import-subscribers.ts'
    );
    const { systemClock } = await import('../functions/core/ports.ts');
    const { newSubscriberId } = await import('../functions/core/tokens.ts');

    const total = rows.length;
    const progress = new Progress({ unit: cliTexts[opts.lang].progress.rows, total });
    const onProgress = (done: number) => progress.update(done);
    let results: RowResult[];
    try {
      results = await importSubscribers(
        { store: dynamoImportStore(dynamo, table), clock: systemClock, newId: newSubscriberId },
        rows,
        { policyVersion, dryRun: !!opts.dryRun, onProgress },
      );
    } catch (err) {
      progress.clear();
      if (!(err instanceof ImportInterrupted)) throw err;
      printCounts(err.results, opts.lang);
      if (report) await writeReport(report, err.results, opts.report!, opts.lang);
      console.error(m.interrupted(err.results.length, total, err.message));
      return 1;
    }
    progress.finish(total);
    console.log(opts.dryRun ? m.dryRun(total) : m.done(total, policyVersion));
    printCounts(results, opts.lang);
    if (report) await writeReport(report, results, opts.report!, opts.lang);
    return 0;
  } finally {
    await report?.close();
  }
}

/** Streams the file through the CSV parser into the validator; null (after saying why) when it cannot be read. */
async function validateFile(
  file: string,
  ctx: ValidationContext,
  lang: ImportLang,
): Promise<ImportValidation | null> {
  const parser = new CsvParser();
  const validator = new ImportValidator(ctx);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry: Buffer = Buffer.alloc(0);
  let broken = false;

  /** Decodes whole lines (cut at CR or LF bytes, which never occur inside a UTF-8 sequence). */
  const feed = (bytes: Buffer) => {
    let text: string;
    try {
      // A NUL byte is valid UTF-8 but no text has one: it is UTF-16 (Excel's "Unicode text").
      if (bytes.includes(0)) throw new Error('NUL');
      text = decoder.decode(bytes, { stream: true });
    } catch {
      // Rare: find the exact line by decoding segment by segment.
      for (const segment of splitAfterLineBreaks(bytes)) {
        try {
          if (segment.includes(0)) break;
          for (const r of parser.push(new TextDecoder('utf-8', { fatal: true }).decode(segment)))
            validator.add(r);
        } catch {
          break;
        }
      }
      validator.notUtf8(parser.currentLine, guessEncoding(bytes));
      broken = true;
      return;
    }
    for (const r of parser.push(text)) validator.add(r);
  };

  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      const bytes: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      const cut = lastLineBreak(bytes) + 1;
      // A line longer than 1 MiB is fed as it is (the decoder carries a split character over).
      const upTo = cut > 0 ? cut : bytes.length > 1_048_576 ? bytes.length : 0;
      carry = bytes.subarray(upTo);
      if (upTo > 0) feed(bytes.subarray(0, upTo));
      if (broken) break;
    }
    if (!broken) {
      if (carry.length) feed(carry);
      if (!broken) {
        try {
          decoder.decode();
          for (const r of parser.end()) validator.add(r);
        } catch {
          validator.notUtf8(parser.currentLine);
        }
      }
    }
  } catch (err) {
    console.error(readErrorText(file, err, lang));
    return null;
  }
  return validator.finish();
}

function lastLineBreak(bytes: Buffer): number {
  return Math.max(bytes.lastIndexOf(0x0a), bytes.lastIndexOf(0x0d));
}

function* splitAfterLineBreaks(bytes: Buffer): Generator<Buffer> {
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
      yield bytes.subarray(start, i + 1);
      start = i + 1;
    }
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

function printCounts(results: RowResult[], lang: ImportLang): void {
  const counts = new Map<ImportOutcome, number>(IMPORT_OUTCOMES.map((o) => [o, 0]));
  for (const r of results) counts.set(r.outcome, counts.get(r.outcome)! + 1);
  const width = Math.max(...IMPORT_OUTCOMES.map((o) => o.length));
  const digits = Math.max(1, ...[...counts.values()].map((n) => String(n).length));
  for (const outcome of IMPORT_OUTCOMES) {
    const n = String(counts.get(outcome)).padStart(digits);
    console.log(`  ${outcome.padEnd(width)}  ${n}  ${importMessages[lang].outcomes[outcome]}`);
  }
}

/** `line,email,outcome` for the operator's records (RFC 4180, cells that look like formulas defused). */
async function writeReport(
  handle: FileHandle,
  results: RowResult[],
  file: string,
  lang: ImportLang,
): Promise<void> {
  await handle.write('line,email,outcome\r\n');
  // Written in slices: 100k rows need not become one string.
  for (let i = 0; i < results.length; i += 10_000) {
    const slice = results.slice(i, i + 10_000).map((r) => `${r.line},${csvCell(r.email)},${r.outcome}\r\n`);
    await handle.write(slice.join(''));
  }
  console.error(messages[lang].report(file));
}
