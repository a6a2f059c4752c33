/**
 * The rules of `kawaraban subscribers import`, with no I/O: which columns a list may have and
 * what each row must hold (what an import may do to an address already known: import-decision.ts).
 *
 * The one rule everything else serves: an import only ever adds readers who opted in at the
 * previous tool. It never brings back anyone who left (unsubscribed), whose mail bounced or
 * who complained, who asked to be erased, or whose mailbox said no to us in any spelling —
 * only the person can come back, through double opt-in, which is fresh consent.
 */
import type { CsvProblem, CsvRecord } from './csv-parser.ts';
import { checkNewAddress, mailboxKey, type EmailProblem } from './email-address.ts';
import type { Locale } from './subscriber.ts';
import type { LikelyEncoding } from './text-decoding.ts';
import { checkText, type TextProblem } from './text-rules.ts';
import { parseConsentTime } from './consent-time.ts';
import { clip } from './clip.ts';
import { editDistance } from './typos.ts';

/** Values quoted back in messages are cut short: the message is about the field, not the text. */
const quoted = (value: string) => clip(value, 40, '…');

export const IMPORT_COLUMNS = ['email', 'consentAt', 'locale', 'consentSource'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly ImportColumn[] = ['email', 'consentAt'];

export const MAX_CONSENT_SOURCE_LENGTH = 200;
/** The consent source of rows that have none, when `--source` is not given either. */
export const DEFAULT_IMPORT_SOURCE = 'import';
/** What the consent record says instead of the confirming request's IP address and user agent. */
export const IMPORT_SOURCE_IP = 'import';
export const IMPORT_USER_AGENT = 'kawaraban import';

/** A valid row, ready to import. */
export interface ImportRow {
  line: number;
  /** Normalised (checkEmail). */
  email: string;
  /** A datetime as ISO 8601 UTC, or a date as YYYY-MM-DD when the list only knows the day. */
  consentAt: string;
  locale: Locale;
  source: string;
}

export type ImportProblem =
  | { kind: 'not-utf8'; likely?: LikelyEncoding | null }
  | { kind: 'csv'; problem: CsvProblem }
  | { kind: 'no-header' }
  | { kind: 'no-rows' }
  | { kind: 'blank-column' }
  | { kind: 'unknown-column'; name: string; suggestion: string | undefined }
  | { kind: 'duplicate-column'; firstPosition: number }
  | { kind: 'missing-column' }
  | { kind: 'field-count'; expected: number; actual: number }
  | { kind: 'required' }
  | { kind: 'email'; problem: EmailProblem }
  | { kind: 'duplicate-address'; firstLine: number }
  | { kind: 'date-format'; value: string }
  | { kind: 'date-not-real'; value: string }
  | { kind: 'datetime-no-offset'; value: string }
  | { kind: 'future'; value: string }
  | { kind: 'locale'; value: string }
  | { kind: 'too-long'; max: number; actual: number }
  | { kind: 'text'; problem: TextProblem };

/** One problem: `line N: column: reason`; `column` is null when the problem is the whole line or file. */
export interface ImportIssue {
  line: number;
  column: string | null;
  problem: ImportProblem;
}

/**
 * Two different addresses that reach the same mailbox (case, `+tag`, Gmail dots): both are
 * imported — each was its own subscription at the old tool, as each would be on our form —
 * and the operator is told, in case the old tool failed to merge them.
 */
export interface SameMailboxNotice {
  line: number;
  firstLine: number;
}

export interface ImportValidation {
  rows: ImportRow[];
  issues: ImportIssue[];
  notices: SameMailboxNotice[];
}

export interface ValidationContext {
  now: Date;
  defaultLocale: Locale;
  /** `--source`, for rows without a consentSource. */
  defaultSource: string;
}

/**
 * Checks a list record by record as it streams in (the first record is the header) and keeps
 * only what the import needs of each valid row. `finish()` gives every problem found.
 */
export class ImportValidator {
  private readonly rows: ImportRow[] = [];
  private readonly issues: ImportIssue[] = [];
  private readonly notices: SameMailboxNotice[] = [];
  private columns: Map<ImportColumn, number> | null = null;
  private width = 0;
  private readonly lines = new Map<string, number>();
  private readonly mailboxes = new Map<string, number>();

  constructor(private readonly ctx: ValidationContext) {}

  add(record: CsvRecord): void {
    for (const problem of record.problems) this.issue(record.line, null, { kind: 'csv', problem });
    if (this.columns === null) return this.header(record);
    // A blank line (or Excel's ",,," for an empty row) holds nothing to import.
    if (record.problems.length === 0 && record.fields.every((f) => f.trim() === '')) return;
    if (record.fields.length !== this.width) {
      // The columns no longer line up: checking the cells would report nonsense.
      return this.issue(record.line, null, {
        kind: 'field-count',
        expected: this.width,
        actual: record.fields.length,
      });
    }
    const row = this.row(record);
    if (row && record.problems.length === 0) this.rows.push(row);
  }

  /** The file stopped being UTF-8 at this line (nothing after it is read); `likely` is what it seems to be instead. */
  notUtf8(line: number, likely?: LikelyEncoding | null): void {
    this.issue(line, null, { kind: 'not-utf8', ...(likely ? { likely } : {}) });
  }

  finish(): ImportValidation {
    if (this.columns === null && this.issues.length === 0) this.issue(1, null, { kind: 'no-header' });
    else if (this.rows.length === 0 && this.issues.length === 0) this.issue(2, null, { kind: 'no-rows' });
    return { rows: this.issues.length ? [] : this.rows, issues: this.issues, notices: this.notices };
  }

  private issue(line: number, column: string | null, problem: ImportProblem): void {
    this.issues.push({ line, column, problem });
  }

  private header(record: CsvRecord): void {
    this.columns = new Map();
    this.width = record.fields.length;
    const allowed: readonly string[] = IMPORT_COLUMNS;
    for (const [i, name] of record.fields.entries()) {
      if (name.trim() === '') {
        this.issue(record.line, null, { kind: 'blank-column' });
        continue;
      }
      if (!allowed.includes(name)) {
        this.issue(record.line, name, {
          kind: 'unknown-column',
          name,
          suggestion: suggestColumn(name),
        });
        continue;
      }
      const column = name as ImportColumn;
      const first = this.columns.get(column);
      if (first !== undefined) {
        this.issue(record.line, name, { kind: 'duplicate-column', firstPosition: first + 1 });
        continue;
      }
      this.columns.set(column, i);
    }
    for (const column of REQUIRED_COLUMNS) {
      if (!this.columns.has(column)) this.issue(record.line, column, { kind: 'missing-column' });
    }
  }

  /** The row's cells checked one by one; null when any of them is wrong. */
  private row(record: CsvRecord): ImportRow | null {
    const cell = (column: ImportColumn): string | undefined => {
      const i = this.columns!.get(column);
      return i === undefined ? undefined : record.fields[i]!;
    };
    const line = record.line;
    const before = this.issues.length;
    const email = this.email(line, cell('email'));
    const consentAt = this.consentAt(line, cell('consentAt'));
    const locale = this.locale(line, cell('locale'));
    const source = this.source(line, cell('consentSource'));
    if (this.issues.length > before || email === null || consentAt === null) return null;
    return { line, email, consentAt, locale, source };
  }

  private email(line: number, raw: string | undefined): string | null {
    if (raw === undefined) return null; // the header's problem, reported once
    if (raw.trim() === '') return this.fail(line, 'email', { kind: 'required' });
    const checked = checkNewAddress(raw);
    if (!checked.ok) return this.fail(line, 'email', { kind: 'email', problem: checked.problem });
    const first = this.lines.get(checked.email);
    if (first !== undefined) return this.fail(line, 'email', { kind: 'duplicate-address', firstLine: first });
    this.lines.set(checked.email, line);
    const mailbox = mailboxKey(checked.email);
    const sameMailbox = this.mailboxes.get(mailbox);
    if (sameMailbox === undefined) this.mailboxes.set(mailbox, line);
    else this.notices.push({ line, firstLine: sameMailbox });
    return checked.email;
  }

  private consentAt(line: number, raw: string | undefined): string | null {
    if (raw === undefined) return null;
    const value = raw.trim();
    if (value === '') return this.fail(line, 'consentAt', { kind: 'required' });
    const parsed = parseConsentTime(value);
    if (!parsed.ok) return this.fail(line, 'consentAt', { kind: parsed.problem, value: quoted(value) });
    if (parsed.earliest > this.ctx.now.getTime())
      return this.fail(line, 'consentAt', { kind: 'future', value: quoted(value) });
    return parsed.at;
  }

  private locale(line: number, raw: string | undefined): Locale {
    const value = raw?.trim() ?? '';
    if (value === '') return this.ctx.defaultLocale;
    if (value === 'ja' || value === 'en') return value;
    this.issue(line, 'locale', { kind: 'locale', value: quoted(value) });
    return this.ctx.defaultLocale;
  }

  private source(line: number, raw: string | undefined): string {
    const value = raw?.trim() ?? '';
    if (value === '') return this.ctx.defaultSource;
    const problem = checkSourceText(value);
    if (problem) this.issue(line, 'consentSource', problem);
    return value;
  }

  private fail(line: number, column: ImportColumn, problem: ImportProblem): null {
    this.issue(line, column, problem);
    return null;
  }
}

/**
 * A consent source (a cell or `--source`): one line of text (the rules of a report's title: no
 * controls, bidi overrides or invisible-only text), at most 200 characters.
 */
export function checkSourceText(value: string): ImportProblem | null {
  const problem = checkText(value, 'line');
  if (problem) return { kind: 'text', problem };
  const length = [...value].length;
  return length > MAX_CONSENT_SOURCE_LENGTH
    ? { kind: 'too-long', max: MAX_CONSENT_SOURCE_LENGTH, actual: length }
    : null;
}

/** The column a typo most likely meant ("emial" → "email", "ConsentAt" → "consentAt"). */
export function suggestColumn(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of IMPORT_COLUMNS) {
    const d =
      candidate.toLowerCase() === name.trim().toLowerCase()
        ? 0
        : editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= (name.length <= 4 ? 1 : 2) ? best : undefined;
}
