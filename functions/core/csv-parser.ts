/**
 * A streaming RFC 4180 CSV parser: text goes in chunk by chunk (any split, even inside a CRLF
 * or a quoted field), whole records come out with the line each one starts on, so a file of
 * any size is read in one pass without being held in memory.
 *
 * Accepted: CRLF, LF or a lone CR between records; quoted fields with "" for a quote and line
 * breaks inside; a leading UTF-8 BOM (Excel's "CSV UTF-8" writes one). What RFC 4180 does not
 * allow is still parsed as well as it can, but every record that needed guessing carries the
 * problem, so a caller that must not guess (the import) can refuse it with its line:
 * - `quote-in-field`: a " inside an unquoted field (`ab"c`);
 * - `after-quote`: text between a closing quote and the next comma (`"ab"c`);
 * - `unclosed-quote`: the file ends inside a quoted field;
 * - `field-too-long`: a field passes `maxFieldLength` (almost always an unclosed quote that
 *   swallowed the rest of the file); the field is cut there and parsing goes on.
 */

export type CsvProblem = 'quote-in-field' | 'after-quote' | 'unclosed-quote' | 'field-too-long';

export interface CsvRecord {
  /** The physical line (1-based) the record starts on; a quoted line break makes a record span lines. */
  line: number;
  fields: string[];
  problems: CsvProblem[];
}

export const DEFAULT_MAX_FIELD_LENGTH = 65_536;

export class CsvParser {
  private fields: string[] = [];
  private field = '';
  private problems = new Set<CsvProblem>();
  /** 'start': nothing of this field yet; 'plain': unquoted; 'quoted': inside quotes; 'closed': after the closing quote. */
  private state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  /** A quote seen inside a quoted field: the next character tells whether it was "" or the end. */
  private quotePending = false;
  /** A CR ended the last record: an LF right after it belongs to the same line break. */
  private crPending = false;
  private quotedCr = false;
  private line = 1;
  private recordLine = 1;
  private first = true;
  private out: CsvRecord[] = [];

  constructor(private readonly maxFieldLength = DEFAULT_MAX_FIELD_LENGTH) {}

  /** The physical line the next character will be on. */
  get currentLine(): number {
    return this.line;
  }

  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) this.char(text[i]!);
    return this.take();
  }

  /** Ends the input; returns the last record, if the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.quotePending) {
      this.quotePending = false;
      this.state = 'closed';
    }
    if (this.state === 'quoted') this.problems.add('unclosed-quote');
    if (this.state !== 'start' || this.fields.length > 0) this.endRecord();
    return this.take();
  }

  private take(): CsvRecord[] {
    const done = this.out;
    this.out = [];
    return done;
  }

  private char(c: string): void {
    if (this.crPending) {
      this.crPending = false;
      if (c === '\n') return;
    }
    if (this.quotePending) {
      this.quotePending = false;
      if (c === '"') {
        this.quotedCr = false;
        return this.append('"');
      }
      this.state = 'closed';
    }
    switch (this.state) {
      case 'quoted':
        if (c === '"') this.quotePending = true;
        else {
          // A CRLF inside quotes is one line break: the LF right after a CR is not counted again.
          if (c === '\r' || (c === '\n' && !this.quotedCr)) this.line++;
          this.quotedCr = c === '\r';
          this.append(c);
        }
        return;
      case 'start':
        if (c === '"') {
          this.state = 'quoted';
          this.quotedCr = false;
          return;
        }
        break;
      case 'closed':
        if (c !== ',' && c !== '\r' && c !== '\n') {
          this.problems.add('after-quote');
          this.append(c);
          return;
        }
        break;
      case 'plain':
        break;
    }
    if (c === ',') {
      this.endField();
    } else if (c === '\r' || c === '\n') {
      this.endRecord();
      this.line++;
      this.recordLine = this.line;
      this.crPending = c === '\r';
    } else {
      if (c === '"') this.problems.add('quote-in-field');
      this.state = 'plain';
      this.append(c);
    }
  }

  private append(c: string): void {
    if (this.field.length >= this.maxFieldLength) {
      this.problems.add('field-too-long');
      return;
    }
    this.field += c;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private endRecord(): void {
    this.endField();
    this.out.push({ line: this.recordLine, fields: this.fields, problems: [...this.problems] });
    this.fields = [];
    this.problems = new Set();
  }
}

/** Every record of a whole text (for tests and small inputs). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
