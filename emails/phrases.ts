/**
 * Japanese phrase breaking (BudouX): where a line may break without cutting a word or a date in
 * two. Used at render time by the email (HTML: <wbr> between phrases under `word-break: keep-all`;
 * text: the wrapping width) and by the pages. React-free.
 *
 * BudouX's package index also loads linkedom and its Chinese and Thai models (~450 KiB minified,
 * for an HTML processor we do not use), and its exports map has no entry without them: the parser
 * and the Japanese model are imported by path. Both are plain modules with no imports of their own.
 */
import { model } from '../node_modules/budoux/module/data/models/ja.js';
import { Parser } from '../node_modules/budoux/module/parser.js';

const parser = new Parser(model);

/** Kana, kanji and full-width forms: text without any of them is left to the client. */
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]/;

/**
 * Never broken inside, whatever the model says: dates (2020年9月17日), short parenthesised
 * asides （IPA）, runs of Latin letters and digits, and HTML character references.
 */
const ATOMS = [
  /\d{1,4}年\d{1,2}月\d{1,2}日/g,
  /[（(][^（）()]{1,16}[）)]/g,
  /[A-Za-z0-9][A-Za-z0-9.,:/_@-]*/g,
  /&[#A-Za-z0-9]+;/g,
];

/**
 * Where a character may end. BudouX scores every UTF-16 index, so it can cut a surrogate pair
 * (𠮷), a kanji from its variation selector (葛󠄀), a letter from its voicing mark (か゚, ﾊﾟ) or an
 * emoji sequence: those cuts are dropped. Intl.Segmenter knows the clusters; a text with none of
 * the characters that join a neighbour (astral, extending, spacing, joiner, CR, Hangul jamo,
 * prepended marks) skips it, which is nearly every text (property-tested against the segmenter).
 */
const JOINS =
  /\u200D|[\u{10000}-\u{10FFFF}\uD800-\uDFFF\p{Grapheme_Extend}\p{Mc}\u0E33\u0EB3\r\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u0D4E]/u;
const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

function clusterEnds(text: string): ((index: number) => boolean) | undefined {
  if (!JOINS.test(text)) return undefined;
  const ends = new Set<number>();
  for (const g of graphemes.segment(text)) ends.add(g.index);
  return (index) => ends.has(index);
}

/**
 * The text cut into phrases (joined, they give the text back). `keep` lists words that must stay
 * whole — the newsletter's and the sender's names: the model splits coined names such as かわら版.
 */
export function phrases(text: string, keep: readonly string[] = []): string[] {
  if (!JAPANESE.test(text)) return [text];
  const ranges: [number, number][] = [];
  for (const re of ATOMS) for (const m of text.matchAll(re)) ranges.push([m.index, m.index + m[0].length]);
  for (const word of keep) {
    if (word.length < 2) continue;
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) ranges.push([i, i + word.length]);
  }
  const atCluster = clusterEnds(text);
  const cuts = parser
    .parseBoundaries(text)
    .filter(
      (b) =>
        b > 0 &&
        b < text.length &&
        !ranges.some(([s, e]) => s < b && b < e) &&
        (atCluster === undefined || atCluster(b)),
    );
  const out: string[] = [];
  let last = 0;
  for (const b of cuts) {
    out.push(text.slice(last, b));
    last = b;
  }
  out.push(text.slice(last));
  return out;
}

/** Words of the names a report or page shows, for `keep` (each space-separated part on its own too). */
export function keepWords(...names: (string | undefined)[]): string[] {
  const words = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    words.add(name);
    for (const part of name.split(/[\s\u3000]+/)) if (part) words.add(part);
  }
  return [...words];
}
