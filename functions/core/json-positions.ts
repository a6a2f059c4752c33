/**
 * Where things are in a JSON text that `JSON.parse` accepted: the line and column of a JSON
 * path (for problems found in the parsed value), and every key an object holds twice (which
 * `JSON.parse` silently resolves to the last). jsonc-parser keeps the offsets; the values
 * themselves still come from `JSON.parse`, which defines `__proto__` as a plain own key where
 * jsonc-parser's value builder would assign it (and set the prototype).
 */
import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';

/** 1-based line and column, counted in UTF-16 units like most editors (VS Code, vim's `virtcol` aside). */
export interface TextPosition {
  line: number;
  column: number;
}

export type JsonPathSegment = string | number;

export interface DuplicateKey {
  /** The path of the repeated key (its second, third… occurrence). */
  path: JsonPathSegment[];
  at: TextPosition;
  /** Where the key was first written. */
  first: TextPosition;
}

/** An index of a valid JSON text's positions. */
export class JsonPositions {
  private readonly root: Node | undefined;
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
    this.lineStarts = lineStartsOf(text);
  }

  /**
   * The position of the value at `path`; for a key that is missing (a required field), the
   * nearest enclosing value that exists; for an unknown key, the key itself.
   */
  positionOf(path: readonly PropertyKey[], options: { key?: boolean } = {}): TextPosition {
    if (!this.root) return { line: 1, column: 1 };
    const segments = path.filter((s): s is JsonPathSegment => typeof s === 'string' || typeof s === 'number');
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, segments.slice(0, n));
      if (!node) continue;
      // The key of a property ("titel": …) is where the editor looks for an unknown or missing-in-place field.
      const keyNode =
        options.key && n === segments.length && node.parent?.type === 'property'
          ? node.parent.children?.[0]
          : undefined;
      return this.at((keyNode ?? node).offset);
    }
    return this.at(this.root.offset);
  }

  /** Every key written twice in the same object, at any depth, in text order. */
  duplicateKeys(): DuplicateKey[] {
    const out: DuplicateKey[] = [];
    const walk = (node: Node, path: JsonPathSegment[]) => {
      if (node.type === 'object') {
        const seen = new Map<string, number>();
        for (const prop of node.children ?? []) {
          const [keyNode, valueNode] = prop.children ?? [];
          if (!keyNode) continue;
          const key = String(keyNode.value);
          const first = seen.get(key);
          if (first === undefined) seen.set(key, keyNode.offset);
          else out.push({ path: [...path, key], at: this.at(keyNode.offset), first: this.at(first) });
          if (valueNode) walk(valueNode, [...path, key]);
        }
      } else if (node.type === 'array') {
        for (const [i, child] of (node.children ?? []).entries()) walk(child, [...path, i]);
      }
    };
    if (this.root) walk(this.root, []);
    return out;
  }

  at(offset: number): TextPosition {
    // Binary search for the last line start at or before the offset.
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
}

/** Offsets where each line starts: after LF, after CR not followed by LF (old Mac files), as editors count. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}
