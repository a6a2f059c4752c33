/** The streaming CSV parser behind `subscribers import`: RFC 4180, any chunking, the line each record starts on. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvParser, parseCsv, type CsvRecord } from '../../functions/core/csv-parser.ts';

const fields = (records: CsvRecord[]) => records.map((r) => r.fields);

describe('CsvParser', () => {
  it('reads LF, CRLF and lone CR line endings, with or without a final line break', () => {
    expect(fields(parseCsv('a,b\n1,2\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields(parseCsv('a,b\r\n1,2\r\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(fields(parseCsv('a,b\r1,2'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a\r\nb\nc\rd').map((r) => r.line)).toEqual([1, 2, 3, 4]);
  });

  it('drops a leading byte order mark, and only that one', () => {
    expect(fields(parseCsv('\uFEFFemail,x\n\uFEFFa,b\n'))).toEqual([
      ['email', 'x'],
      ['\uFEFFa', 'b'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, and counts the lines they span', () => {
    const records = parseCsv(
      'h1,h2\r\n"a, b","say ""hi"""\r\n"two\r\nlines","three\nmore\nlines"\r\nlast,"x"\r\n',
    );
    expect(fields(records)).toEqual([
      ['h1', 'h2'],
      ['a, b', 'say "hi"'],
      ['two\r\nlines', 'three\nmore\nlines'],
      ['last', 'x'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 7]);
    expect(records.every((r) => r.problems.length === 0)).toBe(true);
  });

  it('keeps empty fields and reads an empty line as one empty field', () => {
    expect(fields(parseCsv(',a,\n\n"",""\n'))).toEqual([['', 'a', ''], [''], ['', '']]);
  });

  it('flags what RFC 4180 does not allow, on the record where it happens', () => {
    const records = parseCsv('ok,1\nab"c,2\n"ab"c,3\nfine,4\n"never closed,5\n6,7\n');
    expect(records.map((r) => [r.line, r.problems])).toEqual([
      [1, []],
      [2, ['quote-in-field']],
      [3, ['after-quote']],
      [4, []],
      [5, ['unclosed-quote']],
    ]);
  });

  it('cuts a field that runs past the limit (an unclosed quote) and says so', () => {
    const parser = new CsvParser(10);
    const records = [...parser.push(`a,"${'x'.repeat(50)}\n`), ...parser.end()];
    expect(records).toHaveLength(1);
    expect(records[0]!.fields[1]).toHaveLength(10);
    expect(records[0]!.problems).toEqual(['field-too-long', 'unclosed-quote']);
  });

  it('gives the same records and lines however the text is cut into chunks', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'あ', ',', '"', '\r', '\n', ' ', '😀'),
      maxLength: 6,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (rows, eol, finalBreak, cuts) => {
          const lines = rows.map((row) => row.map((f) => quote(f, row.length === 1)).join(','));
          const text = `\uFEFF${lines.join(eol)}${finalBreak ? eol : ''}`;
          const parser = new CsvParser();
          const records: CsvRecord[] = [];
          let at = 0;
          for (const cut of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
            records.push(...parser.push(text.slice(at, cut)));
            at = cut;
          }
          records.push(...parser.push(text.slice(at)), ...parser.end());
          expect(fields(records)).toEqual(rows);
          expect(records.every((r) => r.problems.length === 0)).toBe(true);
          // Each record starts one line after the physical line breaks before it.
          let offset = 1;
          records.forEach((r, i) => {
            const breaks = text.slice(1, offset).match(/\r\n|\r|\n/g)?.length ?? 0;
            expect(r.line).toBe(breaks + 1);
            offset += lines[i]!.length + eol.length;
          });
        },
      ),
    );
  });
});

/** RFC 4180 quoting; a lone empty field is quoted too (an empty line at the very end is no record). */
function quote(field: string, alone: boolean): string {
  return /[",\r\n]/.test(field) || (alone && field === '') ? `"${field.replace(/"/g, '""')}"` : field;
}
