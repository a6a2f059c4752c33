/**
 * Text cut short (messages, log fields, stored reasons) never leaves half a character: the class
 * of the CI failure where BudouX cut 𐀀 in two (emails/phrases.ts has its own test).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip } from '../../functions/core/clip.ts';

const ends = (text: string) =>
  new Set([
    text.length,
    ...[...new Intl.Segmenter('ja', { granularity: 'grapheme' }).segment(text)].map((g) => g.index),
  ]);

describe('clip', () => {
  it('leaves short text alone and cuts long text at the limit, with the mark', () => {
    expect(clip('abc', 3, '…')).toBe('abc');
    expect(clip('abcd', 3, '…')).toBe('abc…');
    expect(clip('情報処理推進機構', 4)).toBe('情報処理');
  });

  it('never keeps half of a character that straddles the limit', () => {
    // Each case: 3 code units before the character, limit 4, so a plain slice would cut it.
    const cases: [string, string][] = [
      ['abc𠮷def', 'abc'], // surrogate pair
      ['abc葛󠄀def', 'abc'], // kanji + variation selector (the selector is astral too)
      ['abcか゚def', 'abc'], // kana + combining semi-voiced mark
      ['abcﾊﾟdef', 'abc'], // half-width kana + voicing mark
      ['abc🇯🇵def', 'abc'], // flag: two regional indicators
      ['abc👍🏽def', 'abc'], // emoji + skin tone
      ['abc\r\ndef', 'abc'], // CR LF is one
    ];
    for (const [text, want] of cases) {
      expect(clip(text, 4), JSON.stringify(text)).toBe(want);
      expect(clip(text, 4)).not.toMatch(/[\uD800-\uDFFF]/u);
    }
    expect(clip('𠮷𠮷𠮷', 3, '…')).toBe('𠮷…');
    // One character longer than the limit: nothing of it, only the mark.
    expect(clip('👨‍👩‍👧', 3, '…')).toBe('…');
  });

  it('random text: a prefix, within the limit, ending on a whole character (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
        ),
        fc.integer({ min: 0, max: 50 }),
        (text, max) => {
          const out = clip(text, max);
          expect(text.startsWith(out)).toBe(true);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(ends(text).has(out.length)).toBe(true);
          if (text.length <= max) expect(out).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
