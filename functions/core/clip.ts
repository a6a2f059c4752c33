/**
 * Text cut short for a message, a log field or a stored reason. A plain `slice` counts UTF-16 code
 * units and can leave half of a surrogate pair (𠮷), or a kanji without its variation selector,
 * which then travels as U+FFFD or a different glyph; the cut falls at the last whole character.
 */
const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** At most `max` code units of `value`, ending on a whole character; `mark` appended when cut. */
export function clip(value: string, max: number, mark = ''): string {
  if (value.length <= max) return value;
  let end = 0;
  for (const g of graphemes.segment(value.slice(0, max + 64))) {
    const next = g.index + g.segment.length;
    if (next > max) break;
    end = next;
  }
  return `${value.slice(0, end)}${mark}`;
}
