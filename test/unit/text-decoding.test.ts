/**
 * The one strict decoder: UTF-8 or a refusal naming the likely encoding. The Japanese bytes are
 * written out (Shift_JIS and EUC-JP of 脆弱性の報告), so no encoder library is needed to make them.
 */
import { describe, expect, it } from 'vitest';
import { parseReportBytes } from '../../functions/core/report-parse.ts';
import {
  decodeUtf8,
  decodeUtf8OrThrow,
  guessEncoding,
  NotUtf8Error,
} from '../../functions/core/text-decoding.ts';

const SJIS = '90c68ee390ab82cc95f18d90'; // 脆弱性の報告
const EUCJP = 'c0c8bce5c0ada4cecaf3b9f0';
const json = (hexTitle: string) =>
  Buffer.concat([
    Buffer.from('{\n  "id": "x",\n  "title": "'),
    Buffer.from(hexTitle, 'hex'),
    Buffer.from('"\n}\n'),
  ]);
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
const report = '{\n  "id": "x",\n  "title": "脆弱性の報告"\n}\n';

describe('decodeUtf8', () => {
  it('passes UTF-8 through, with or without a BOM (kept, so the text hashes like the bytes)', () => {
    expect(decodeUtf8(Buffer.from(report))).toEqual({ ok: true, text: report });
    expect(decodeUtf8(Buffer.from(`\uFEFF${report}`))).toEqual({ ok: true, text: `\uFEFF${report}` });
    expect(decodeUtf8(Buffer.from('😀 𩸽 é'))).toEqual({ ok: true, text: '😀 𩸽 é' });
    expect(decodeUtf8(new Uint8Array())).toEqual({ ok: true, text: '' });
  });

  it.each([
    ['Shift_JIS', json(SJIS), 'shift_jis', { line: 3, column: 13 }],
    ['EUC-JP', json(EUCJP), 'euc-jp', { line: 3, column: 13 }],
    [
      'Shift_JIS, one short word',
      Buffer.from('{"t":"\x82\xa0"}', 'latin1'),
      'shift_jis',
      { line: 1, column: 7 },
    ],
    [
      'UTF-16 LE with a BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(report, 'utf16le')]),
      'utf-16le',
      undefined,
    ],
    ['UTF-16 LE without a BOM', Buffer.from(report, 'utf16le'), 'utf-16le', undefined],
    [
      'UTF-16 BE with a BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(report)]),
      'utf-16be',
      undefined,
    ],
    ['UTF-16 BE without a BOM', utf16be(report), 'utf-16be', undefined],
    [
      'UTF-16 LE of ASCII only (valid UTF-8 but for the NULs)',
      Buffer.from('{"id":"x"}', 'utf16le'),
      'utf-16le',
      undefined,
    ],
    [
      'UTF-32 LE with a BOM',
      Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0, 0x7d, 0, 0, 0]),
      'utf-32le',
      undefined,
    ],
    ['Latin-1', Buffer.from('{"title": "Café déjà vu"}', 'latin1'), 'windows-1252', { line: 1, column: 15 }],
    [
      'Windows-1252 (euro sign, curly quotes)',
      Buffer.from([...Buffer.from('{"t": "'), 0x80, 0x20, 0x93, 0x61, 0x94, ...Buffer.from('"}')]),
      'windows-1252',
      undefined,
    ],
  ])('refuses %s, naming it', (_, bytes, likely, at) => {
    const r = decodeUtf8(bytes);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.likely).toBe(likely);
    if (at) expect(r.problem).toMatchObject(at);
  });

  it.each([
    [
      'an overlong "/" (C0 AF)',
      Buffer.from([...Buffer.from('{"a":"'), 0xc0, 0xaf, ...Buffer.from('"}')]),
      { line: 1, column: 7 },
    ],
    [
      'an overlong 3-byte form (E0 80 AF)',
      Buffer.from([...Buffer.from('{"a":"日本'), 0xe0, 0x80, 0xaf, ...Buffer.from('"}')]),
      { line: 1, column: 9 },
    ],
    [
      'a surrogate written as UTF-8 (ED A0 80, CESU-8)',
      Buffer.from([...Buffer.from('{\n"a":"日本'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]),
      { line: 2, column: 8 },
    ],
    [
      'a character cut off at the end',
      Buffer.from([...Buffer.from('{"a":"日本語'), 0xe6, 0x97]),
      { line: 1, column: 10 },
    ],
    [
      'one stray byte in Japanese UTF-8',
      Buffer.from([...Buffer.from('{"a":"日本語の'), 0xff, ...Buffer.from('報告"}')]),
      { line: 1, column: 11 },
    ],
  ])('calls %s damaged UTF-8, with its line and column', (_, bytes, at) => {
    const r = decodeUtf8(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toEqual({ likely: null, ...at });
  });

  it('refuses a NUL byte, which no text has', () => {
    expect(decodeUtf8(Buffer.from('{"a":"b\0"}')).ok).toBe(false);
  });

  it('throws NotUtf8Error for ports that return strings', () => {
    expect(() => decodeUtf8OrThrow(json(SJIS))).toThrow(NotUtf8Error);
    expect(decodeUtf8OrThrow(Buffer.from(report))).toBe(report);
  });

  it('guesses Shift_JIS over EUC-JP and the reverse, each from its own bytes', () => {
    expect(guessEncoding(Buffer.from(SJIS, 'hex'))).toBe('shift_jis');
    expect(guessEncoding(Buffer.from(EUCJP, 'hex'))).toBe('euc-jp');
  });
});

describe('parseReportBytes', () => {
  it('refuses a Shift_JIS report at $, naming Shift_JIS and how to save as UTF-8, in both languages', () => {
    const ja = parseReportBytes(json(SJIS), 'ja');
    const en = parseReportBytes(json(SJIS), 'en');
    expect(ja.ok || en.ok).toBe(false);
    if (ja.ok || en.ok) return;
    expect(ja.issues).toHaveLength(1);
    expect(ja.issues[0]).toMatchObject({ path: '$', line: 3, column: 13 });
    expect(ja.issues[0]!.message).toContain('おそらく Shift_JIS');
    expect(ja.issues[0]!.message).toContain('UTF-8 で保存し直してください');
    expect(en.issues[0]!.message).toContain('most likely Shift_JIS');
    expect(en.issues[0]!.message).toContain('save it again as UTF-8');
  });

  it('names UTF-16 for a file saved as "Unicode" by Notepad', () => {
    const r = parseReportBytes(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(report, 'utf16le')]),
      'en',
    );
    expect(!r.ok && r.issues[0]!.message).toContain('most likely UTF-16 LE');
  });

  it('reads a UTF-8 file with a BOM like one without', () => {
    const withBom = parseReportBytes(Buffer.from(`\uFEFF${report}`), 'en');
    const without = parseReportBytes(Buffer.from(report), 'en');
    expect(withBom).toEqual(without);
  });
});
