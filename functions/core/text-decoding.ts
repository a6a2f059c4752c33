/**
 * The one strict way text enters kawaraban: bytes are UTF-8 (a leading BOM is fine) or they are
 * refused, never decoded loosely into U+FFFD mojibake that would validate and reach every reader.
 *
 * A refusal names the encoding the bytes most likely are, so the editor knows what to change.
 * The guess is hand-written over Node's own decoders (`TextDecoder` with `fatal: true` knows
 * Shift_JIS, EUC-JP, UTF-16 and windows-1252): chardet, the usual package, guessed windows-1252
 * for every short Japanese sample we tried and never found UTF-16 without a BOM, which are the
 * files editors actually have (a report title alone is short; JSON's ASCII makes UTF-16 obvious).
 */

export type LikelyEncoding =
  | 'shift_jis'
  | 'euc-jp'
  | 'utf-16le'
  | 'utf-16be'
  | 'utf-32le'
  | 'utf-32be'
  | 'windows-1252';

/** How messages name each encoding to a person (as Excel and editors' menus spell them). */
export const encodingName: Record<LikelyEncoding, string> = {
  shift_jis: 'Shift_JIS',
  'euc-jp': 'EUC-JP',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'utf-32le': 'UTF-32 LE',
  'utf-32be': 'UTF-32 BE',
  'windows-1252': 'Latin-1 (Windows-1252)',
};

export interface NotUtf8 {
  /** The most likely encoding, or null when the bytes look like UTF-8 that is broken in places. */
  likely: LikelyEncoding | null;
  /** Where the first byte that is not UTF-8 is: 1-based line, and column in characters before it. */
  line: number;
  column: number;
}

export type DecodeResult = { ok: true; text: string } | { ok: false; problem: NotUtf8 };

/** Thrown by adapters whose port returns a string (BlobStore.getText) when the bytes are not UTF-8. */
export class NotUtf8Error extends Error {
  constructor(readonly problem: NotUtf8) {
    super(`not UTF-8 (likely ${problem.likely ?? 'damaged UTF-8'}, line ${problem.line})`);
    this.name = 'NotUtf8Error';
  }
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly. A UTF-8 BOM is kept in the text (callers that parse strip it, and the
 * text then hashes like the bytes); a NUL byte is refused too, because no text file has one and
 * UTF-16 text made only of ASCII is otherwise valid UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  const bom = utf16or32Bom(bytes);
  if (!bom && !bytes.includes(0)) {
    try {
      return { ok: true, text: strict.decode(bytes) };
    } catch {
      // fall through to the guess
    }
  }
  return { ok: false, problem: { likely: bom ?? guessEncoding(bytes), ...firstBadByte(bytes) } };
}

/** Like decodeUtf8, for ports that return a string: throws NotUtf8Error. */
export function decodeUtf8OrThrow(bytes: Uint8Array): string {
  const r = decodeUtf8(bytes);
  if (!r.ok) throw new NotUtf8Error(r.problem);
  return r.text;
}

function utf16or32Bom(b: Uint8Array): LikelyEncoding | null {
  if (b[0] === 0xff && b[1] === 0xfe)
    return b[2] === 0 && b[3] === 0 && b.length >= 4 ? 'utf-32le' : 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be';
  return null;
}

/** The encoding that bytes which are not UTF-8 most likely are; null when they look like damaged UTF-8. */
export function guessEncoding(bytes: Uint8Array): LikelyEncoding | null {
  const bom = utf16or32Bom(bytes);
  if (bom) return bom;
  const wide = byZeroBytes(bytes);
  if (wide) return wide;
  if (looksLikeDamagedUtf8(bytes)) return null;
  let best: { enc: LikelyEncoding; score: number } | null = null;
  // A Japanese encoding must read strictly better than windows-1252 (which Node decodes as Latin-1,
  // and which its lenient EUC-JP decoder can match byte for byte on 0x80–0xA0).
  for (const enc of ['windows-1252', 'shift_jis', 'euc-jp'] as const) {
    let text: string;
    try {
      text = new TextDecoder(enc, { fatal: true }).decode(bytes);
    } catch {
      continue;
    }
    const score = plausibility(text);
    if (!best || score > best.score) best = { enc, score };
  }
  return best?.enc ?? null;
}

/**
 * JSON is full of ASCII ({ } " : , and the field names), so in UTF-16 every other byte is zero,
 * and in UTF-32 three bytes of four: which ones tells the byte order, with or without a BOM.
 */
function byZeroBytes(b: Uint8Array): LikelyEncoding | null {
  const zerosAt = [0, 0, 0, 0];
  for (let i = 0; i < b.length; i++) if (b[i] === 0) zerosAt[i % 4]!++;
  const quarter = b.length / 4;
  if (quarter < 1) return null;
  const [z0, z1, z2, z3] = zerosAt as [number, number, number, number];
  if (z1 > quarter / 2 && z2 > quarter / 2 && z3 > quarter / 2) return 'utf-32le';
  if (z0 > quarter / 2 && z1 > quarter / 2 && z2 > quarter / 2) return 'utf-32be';
  // Japanese text in UTF-16 has no zero bytes, so only its ASCII share (JSON's syntax, at least
  // one character in eight) shows: zeros almost all on one side are enough.
  const even = z0 + z2;
  const odd = z1 + z3;
  const enough = Math.max(2, b.length / 32);
  if (odd >= enough && odd > 4 * even) return 'utf-16le';
  if (even >= enough && even > 4 * odd) return 'utf-16be';
  return null;
}

/**
 * Mostly UTF-8-shaped multi-byte sequences (including overlong forms and encoded surrogates, which
 * strict decoding refuses) with few stray bytes: a damaged or forged UTF-8 file, not another encoding.
 */
function looksLikeDamagedUtf8(b: Uint8Array): boolean {
  let good = 0;
  let bad = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc0 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf7 ? 4 : 0;
    let k = 1;
    while (k < n && i + k < b.length && (b[i + k]! & 0xc0) === 0x80) k++;
    if (n > 0 && k === n) good++;
    else if (!(n > 0 && i + k === b.length)) bad++; // a character cut off by the end of the file is not a stray byte
    i += Math.max(k, 1);
  }
  return good > 0 && good >= 4 * bad;
}

/** How much a decoding reads like text an editor wrote: per character, higher is likelier. */
function plausibility(text: string): number {
  let score = 0;
  let n = 0;
  for (const ch of text) {
    n++;
    const c = ch.codePointAt(0)!;
    if (c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c < 0x7f)) score += 1;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
      score -= 5; // controls: not text
    else if (
      (c >= 0x3040 && c <= 0x30ff) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff01 && c <= 0xff5e)
    )
      score += 1.5;
    else if (c >= 0xff61 && c <= 0xff9f)
      score += 0.2; // half-width katakana: what EUC-JP looks like read as Shift_JIS
    else if (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7)
      score += 0.6; // accented Latin letters
    else if (c >= 0xe000 && c <= 0xf8ff) score -= 2; // private use: Shift_JIS's user-defined area, rarely meant
  }
  return n === 0 ? 0 : score / n;
}

/** The line (LF-counted) and column (characters of the decodable prefix on that line) of the first bad byte. */
function firstBadByte(b: Uint8Array): { line: number; column: number } {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0) break;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= b.length;
    for (let k = 1; ok && k < n; k++) ok = (b[i + k]! & 0xc0) === 0x80;
    // Overlong forms and UTF-16 surrogates written as UTF-8: the second byte's range is narrower.
    if (ok && c === 0xe0) ok = b[i + 1]! >= 0xa0;
    if (ok && c === 0xed) ok = b[i + 1]! < 0xa0;
    if (ok && c === 0xf0) ok = b[i + 1]! >= 0x90;
    if (ok && c === 0xf4) ok = b[i + 1]! < 0x90;
    if (!ok) break;
    i += n;
  }
  const prefix = strict.decode(b.subarray(0, i)).replace(/^\uFEFF/, '');
  let line = 1;
  for (const ch of prefix) if (ch === '\n') line++;
  return { line, column: [...prefix.slice(prefix.lastIndexOf('\n') + 1)].length + 1 };
}
