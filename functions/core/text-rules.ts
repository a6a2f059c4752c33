/**
 * Which characters text may hold before it reaches a Subject, a header or an email's HTML:
 * one set of rules for the report's fields, the deployment's names and the import's CSV cells.
 *
 * - Single-line text (titles, headings, reference titles and sources, names): no C0/C1 controls
 *   (tab and NEL included), no line or paragraph separators, no bidirectional embeddings,
 *   overrides or isolates (a right-to-left override makes "exe.fdp" read as "pdf.exe").
 * - Body text: line breaks and tabs are text there; other controls and bidi embeddings and
 *   overrides are not (isolates are how mixed-direction text is written correctly).
 * - Everywhere: no unpaired surrogates (not Unicode; mail encoders turn them into U+FFFD), no
 *   stray U+FEFF (a byte-order mark pasted mid-text), no Unicode tag characters (invisible ASCII
 *   lookalikes, except in an emoji flag sequence), no noncharacters, and not only invisible
 *   characters: text that looks empty must be empty, and is then refused as blank.
 * Invisible characters between visible ones stay allowed: emoji need ZWJ and variation selectors.
 */

export type TextKind = 'line' | 'body';

export type TextProblem =
  | { kind: 'control'; char: string; index: number }
  | { kind: 'lineBreak'; char: string; index: number }
  | { kind: 'bidi'; char: string; index: number }
  | { kind: 'loneSurrogate'; char: string; index: number }
  | { kind: 'invisible'; char: string; index: number }
  | { kind: 'onlyInvisible' };

const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]/u;
const CONTROLS = /\p{Cc}/u;
const BODY_ALLOWED_CONTROLS = /[\t\n\r]/u;
const BIDI_OVERRIDES = /[\u202a-\u202e]/u;
const BIDI_ISOLATES = /[\u2066-\u2069]/u;
const NONCHARACTER =
  /[\ufdd0-\ufdef\ufffe\uffff]|[\u{1fffe}\u{1ffff}\u{2fffe}\u{2ffff}\u{3fffe}\u{3ffff}\u{efffe}\u{effff}\u{ffffe}\u{fffff}\u{10fffe}\u{10ffff}]/u;
const TAG = /[\u{e0000}-\u{e007f}]/u;
const TAGS = /[\u{e0000}-\u{e007f}]/gu;
/** Invisible or hiding format characters with no use in a newsletter: deprecated format controls, interlinear annotation. */
const HIDING = /[\u206a-\u206f\ufff9-\ufffb]/u;
/** 🏴 + lower-case tag letters/digits + cancel tag: a subdivision flag (Scotland, Wales…). */
const FLAG_SEQUENCE = /\u{1f3f4}[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]+\u{e007f}/gu;
/** Characters that draw nothing: whitespace, format characters, default-ignorables, blank lookalikes. */
const INVISIBLE_ONLY = /^[\s\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cc}\u2800\u3164\uffa0\u115f\u1160]*$/u;

/** The first character the rules refuse in `value`, or null when it may be used. */
export function checkText(value: string, kind: TextKind): TextProblem | null {
  // Tag characters inside a flag sequence are allowed: stand them in with a letter each, keeping indexes.
  const withoutFlags = value.includes('\u{1f3f4}')
    ? value.replace(FLAG_SEQUENCE, (m) => m.replace(TAGS, 'x'))
    : value;
  let index = 0;
  for (const ch of withoutFlags) {
    index++;
    const problem = charProblem(ch, kind);
    if (problem) return { kind: problem, char: ch, index };
  }
  if (value.length > 0 && INVISIBLE_ONLY.test(value) && /[^\s]/u.test(value))
    return { kind: 'onlyInvisible' };
  return null;
}

function charProblem(ch: string, kind: TextKind): Exclude<TextProblem['kind'], 'onlyInvisible'> | null {
  const c = ch.codePointAt(0)!;
  if (c >= 0xd800 && c <= 0xdfff) return 'loneSurrogate';
  if (kind === 'line' && LINE_BREAKS.test(ch)) return 'lineBreak';
  if (CONTROLS.test(ch) && !(kind === 'body' && BODY_ALLOWED_CONTROLS.test(ch))) return 'control';
  if (BIDI_OVERRIDES.test(ch) || (kind === 'line' && BIDI_ISOLATES.test(ch))) return 'bidi';
  if (c === 0xfeff || TAG.test(ch) || HIDING.test(ch) || NONCHARACTER.test(ch)) return 'invisible';
  return null;
}

/**
 * For zod schemas of settings (deploy context, function environment): a single-line name that
 * goes into From, Subject or every email's footer. Adds one issue with the English message.
 */
export function refineSingleLine(
  value: string,
  ctx: { addIssue: (issue: { code: 'custom'; message: string }) => void },
): void {
  const problem = checkText(value, 'line');
  if (problem) ctx.addIssue({ code: 'custom', message: textProblemMessages.en(problem) });
}

/** U+XXXX, the way editors' tools name a character that cannot be shown. */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The messages for a TextProblem, in the reader's language (report, import and config share them). */
export const textProblemMessages = {
  ja: (p: TextProblem): string => {
    if (p.kind === 'onlyInvisible')
      return '見えない文字（ゼロ幅スペースなど）だけで書かれています。空にはできません';
    const at = `${p.index}文字目の ${codePointName(p.char)}`;
    switch (p.kind) {
      case 'control':
        return `制御文字は使えません（${at}）`;
      case 'lineBreak':
        return `改行を含められません。1行で書いてください（${at}）`;
      case 'bidi':
        return `文字の向きを変える制御文字は使えません。表示と中身が食い違うためです（${at}）`;
      case 'loneSurrogate':
        return `壊れた文字です（対になっていないサロゲート、${at}）。その文字を打ち直してください`;
      case 'invisible':
        return `見えない特殊文字は使えません（${at}）。削除してください`;
    }
  },
  en: (p: TextProblem): string => {
    if (p.kind === 'onlyInvisible')
      return 'only invisible characters (zero-width spaces and the like): must not be empty';
    const at = `${codePointName(p.char)} at character ${p.index}`;
    switch (p.kind) {
      case 'control':
        return `control characters are not allowed (${at})`;
      case 'lineBreak':
        return `must be a single line, no line breaks (${at})`;
      case 'bidi':
        return `text-direction overrides are not allowed: they make text read differently from what it is (${at})`;
      case 'loneSurrogate':
        return `a broken character (an unpaired surrogate, ${at}): type that character again`;
      case 'invisible':
        return `invisible special characters are not allowed (${at}): delete it`;
    }
  },
} as const;
