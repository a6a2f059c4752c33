/**
 * Finds where a JSON text stops being valid, for editors' error messages.
 *
 * Only called after `JSON.parse` has failed: Node 20's messages are English and some of them
 * ("Unexpected token …, "…" is not valid JSON") carry no position at all, so a small scanner
 * walks the text once and names the first problem with its line and column. Kept by hand although
 * jsonc-parser (json-positions.ts) parses too: it calls a trailing comma "PropertyNameExpected", a raw
 * line break in a string "UnexpectedEndOfString" at the opening quote, and "01" "CommaExpected".
 */

export type JsonSyntaxProblem =
  | 'empty'
  | 'unexpectedEnd'
  | 'unexpectedChar'
  | 'expectedColon'
  | 'expectedCommaOrBrace'
  | 'expectedCommaOrBracket'
  | 'expectedPropertyName'
  | 'trailingComma'
  | 'badEscape'
  | 'controlCharInString'
  | 'badNumber'
  | 'trailingData'
  | 'tooDeep';

export interface JsonSyntaxError {
  problem: JsonSyntaxProblem;
  /** The offending character, when there is one (for 'unexpectedChar' and friends). */
  found?: string;
  /** 1-based, counted in UTF-16 units like most editors. */
  line: number;
  column: number;
}

class Stop extends Error {
  constructor(
    readonly problem: JsonSyntaxProblem,
    readonly at: number,
  ) {
    super(problem);
  }
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Returns the first syntax error in `text`, or null when the text is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;

  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const fail = (problem: JsonSyntaxProblem, at = i): never => {
    throw new Stop(at >= text.length && problem !== 'trailingData' ? 'unexpectedEnd' : problem, at);
  };

  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('tooDeep');
    ws();
    const c = text[i];
    if (c === undefined) return fail('unexpectedEnd');
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    return fail('unexpectedChar');
  };

  const object = (depth: number): void => {
    i++; // {
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') return fail(text[i] === '}' ? 'trailingComma' : 'expectedPropertyName');
      string();
      ws();
      if (text[i] !== ':') return fail('expectedColon');
      i++;
      value(depth + 1);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      return fail('expectedCommaOrBrace');
    }
  };

  const array = (depth: number): void => {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') return fail('trailingComma');
      value(depth + 1);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      return fail('expectedCommaOrBracket');
    }
  };

  const string = (): void => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail('unexpectedEnd');
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('badEscape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          return fail('badEscape');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return fail('controlCharInString');
      i++;
    }
  };

  const number = (): void => {
    const start = i;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0] === '-') return fail('badNumber', start);
    i += m[0].length;
    // "01" or "1." — a number followed directly by more number characters.
    const next = text[i];
    if (next !== undefined && /[0-9.eE]/.test(next)) fail('badNumber', start);
  };

  try {
    ws();
    if (i >= text.length) throw new Stop('empty', i);
    value(0);
    ws();
    if (i < text.length) fail('trailingData');
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const { line, column } = lineColumn(text, err.at);
    // A bare word ("tru", 'abc) reads better whole than as its first character.
    const found = /^[A-Za-z_][\w]*/.exec(text.slice(err.at, err.at + 40))?.[0] ?? text[err.at];
    return { problem: err.problem, line, column, ...(found !== undefined ? { found } : {}) };
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - lineStart + 1 };
}
