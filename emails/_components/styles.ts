/**
 * Inline styles shared by the templates. Mail clients (Outlook above all) honour inline styles
 * and tables far better than stylesheets; the one stylesheet (responsiveCss) only improves narrow
 * screens where it is supported. Colours keep a contrast ratio of at least 7:1 for text on its
 * background (WCAG AAA), 4.5:1 for the small print on the grey footer.
 *
 * Line heights are in px (Outlook for Windows handles unitless ones badly): 1.8× for Japanese
 * body text (1.6× for English, see emails/_i18n), 1.7× for the small print, 1.5× for headings. Headings break at phrase boundaries
 * where the client supports it (`word-break: auto-phrase`, for lang="ja"); elsewhere it is ignored.
 */
import type { CSSProperties } from 'react';

export const colors = {
  page: '#f3f4f6',
  paper: '#ffffff',
  ink: '#1f2937', // 14.7:1 on white
  muted: '#4b5563', // 7.6:1 on white, 6.9:1 on page
  rule: '#d1d5db',
  accent: '#1e3a8a', // header band; white on it 10.4:1
  link: '#1d4ed8', // 6.7:1 on white, 6.1:1 on page
  quoteBar: '#9ca3af',
  quoteBg: '#f9fafb',
  proofBg: '#fef3c7',
  proofInk: '#78350f', // 8.2:1 on proofBg
  proofRule: '#b45309',
} as const;

/**
 * Dark mode, for clients that honour `prefers-color-scheme` (Apple Mail, iOS, Outlook for Mac, some
 * webmail): the stylesheet below swaps these in with !important over the inline light colours.
 * Clients that ignore it (Gmail's app, Outlook for Windows) keep the inline light version intact.
 */
export const darkColors = {
  page: '#030712',
  paper: '#111827',
  ink: '#e5e7eb', // 14.0:1 on paper
  muted: '#9ca3af', // 6.9:1 on paper
  rule: '#374151',
  accent: '#1e3a8a', // white on it 10.4:1, as in light
  link: '#93c5fd', // 9.6:1 on paper
  quoteBar: '#6b7280',
  quoteBg: '#1f2937',
  proofBg: '#451a03',
  proofInk: '#fde68a',
} as const;

type Palette = { [K in keyof typeof darkColors]: string };

/**
 * Each text colour on the background it is drawn on, with the contrast it must keep (WCAG: 7:1
 * for body text here, 4.5:1 for small print and links), in both schemes. test/unit/dark-mode.test.ts
 * computes the ratios.
 */
export function contrastPairs(p: Palette): { what: string; fg: string; bg: string; min: number }[] {
  return [
    { what: 'body text on paper', fg: p.ink, bg: p.paper, min: 7 },
    { what: 'body text in a quote', fg: p.ink, bg: p.quoteBg, min: 7 },
    { what: 'muted text on paper', fg: p.muted, bg: p.paper, min: 4.5 },
    { what: 'small print on the footer', fg: p.muted, bg: p.page, min: 4.5 },
    { what: 'links on paper', fg: p.link, bg: p.paper, min: 4.5 },
    { what: 'links in a quote', fg: p.link, bg: p.quoteBg, min: 4.5 },
    { what: 'links on the footer', fg: p.link, bg: p.page, min: 4.5 },
    { what: 'header and button text', fg: '#ffffff', bg: p.accent, min: 7 },
    { what: 'proof banner', fg: p.proofInk, bg: p.proofBg, min: 7 },
  ];
}

/** Width of the paper; Outlook gets it as a fixed table width (_components/outlook.tsx). */
export const paperWidth = 640;

/** Class names used by responsiveCss. */
export const cls = {
  pad: 'k-pad',
  page: 'k-page',
  paper: 'k-paper',
  head: 'k-head',
  foot: 'k-foot',
  muted: 'k-muted',
  quote: 'k-quote',
  proof: 'k-proof',
  button: 'k-button',
} as const;

const d = darkColors;
const P = `.${cls.paper}`;
/** The dark scheme, by class and element over the inline light colours (see darkColors). */
const darkCss = [
  `body.${cls.page},.${cls.page}>table>tbody>tr>td{background-color:${d.page}!important}`,
  `${P}{background-color:${d.paper}!important}`,
  `${P} p,${P} h1,${P} h2,${P} h3,${P} li,${P} blockquote,${P} td{color:${d.ink}!important}`,
  `${P} h2{border-color:${d.rule}!important}`,
  `${P} .${cls.muted}{color:${d.muted}!important}`,
  `${P} a{color:${d.link}!important}`,
  `${P} .${cls.head}{background-color:${d.accent}!important}`,
  `${P} .${cls.head} p,${P} .${cls.head} a{color:#ffffff!important}`,
  `${P} a.${cls.button}{background-color:${d.accent}!important;color:#ffffff!important}`,
  `${P} .${cls.foot}{background-color:${d.page}!important}`,
  `${P} .${cls.foot} p{color:${d.muted}!important}`,
  `${P} .${cls.foot} hr{border-color:${d.rule}!important}`,
  `${P} .${cls.quote}{background-color:${d.quoteBg}!important;border-color:${d.quoteBar}!important}`,
  `${P} .${cls.proof}{background-color:${d.proofBg}!important}`,
  `${P} .${cls.proof} p{color:${d.proofInk}!important}`,
].join('');

/**
 * The one stylesheet: narrow screens get less side padding (a 375px phone keeps ~20 more characters
 * per line), and dark mode where the client supports it.
 */
export const responsiveCss = `@media only screen and (max-width:480px){.${cls.pad}{padding-left:20px !important;padding-right:20px !important}}@media (prefers-color-scheme:dark){${darkCss}}`;

// `auto-phrase` is newer than the CSS types.
const phraseBreak = { wordBreak: 'auto-phrase' } as unknown as CSSProperties;

/**
 * Body text in the language's line height (emails/_i18n). The font family is set once, on the cell
 * around the text (`textCell`), and inherited: repeated on every paragraph it made up a third of the
 * HTML, and Gmail clips a message over ~102 KB — hiding the footer with the unsubscribe link.
 * Outlook for Windows gets its font from the [if mso] style instead.
 */
export function baseText(lang: { bodyLineHeight: string }): CSSProperties {
  return { color: colors.ink, fontSize: '15px', lineHeight: lang.bodyLineHeight, margin: '0 0 16px' };
}

/** A content cell: padding, and the font its text inherits. */
export function textCell(lang: { fontFamily: string }): CSSProperties {
  return { ...content, fontFamily: lang.fontFamily, ...phraseWrap };
}

/**
 * Lines break only at the <wbr> between phrases (components/phrased.tsx) and at spaces; anything
 * longer than the line (a URL, a long identifier) may still break anywhere rather than widen a phone.
 * `word-wrap` is the older name some clients know.
 */
export const phraseWrap: CSSProperties = {
  wordBreak: 'keep-all',
  overflowWrap: 'anywhere',
  wordWrap: 'break-word',
};

export const page: CSSProperties = { backgroundColor: colors.page, margin: 0, padding: '24px 0' };
export const container: CSSProperties = {
  maxWidth: `${paperWidth}px`,
  width: '100%',
  backgroundColor: colors.paper,
};
export const content: CSSProperties = { padding: '0 32px 8px' };

export const headerBand: CSSProperties = { backgroundColor: colors.accent, padding: '16px 32px' };
export const headerName: CSSProperties = {
  color: '#ffffff',
  fontSize: '16px',
  fontWeight: 700,
  lineHeight: '24px',
  margin: 0,
  ...phraseBreak,
};
/** 「ブラウザで表示」 on the header band: white, underlined (10.4:1 on the band). */
export const headerLink: CSSProperties = { color: '#ffffff', textDecoration: 'underline' };
export const headerDate: CSSProperties = {
  color: '#ffffff',
  fontSize: '13px',
  lineHeight: '20px',
  margin: '2px 0 0',
};

export const h1: CSSProperties = {
  fontSize: '22px',
  lineHeight: '33px',
  fontWeight: 700,
  margin: '28px 0 20px',
  ...phraseBreak,
};
export const h2: CSSProperties = {
  fontSize: '18px',
  lineHeight: '27px',
  fontWeight: 700,
  margin: '28px 0 12px',
  paddingBottom: '4px',
  borderBottom: `2px solid ${colors.rule}`,
  ...phraseBreak,
};
export const h3: CSSProperties = {
  fontSize: '15px',
  lineHeight: '24px',
  fontWeight: 700,
  margin: '16px 0 4px',
};

/**
 * A link whose text is words (a title, 配信を停止する): wraps like the text around it. `Link` sets
 * text-decoration-line:none first; the shorthand after it wins, and is what Outlook understands.
 */
export const link: CSSProperties = { color: colors.link, textDecoration: 'underline' };
/** A link whose text is the URL itself: may break anywhere, so it never widens a phone screen. */
export const urlLink: CSSProperties = { ...link, wordBreak: 'break-all' };
export const list: CSSProperties = { margin: '0 0 16px', paddingLeft: '24px' };
export const listItem: CSSProperties = { margin: '0 0 6px' };
export const quoteCell: CSSProperties = {
  borderLeft: `4px solid ${colors.quoteBar}`,
  backgroundColor: colors.quoteBg,
  padding: '12px 16px',
};
export const small: CSSProperties = {
  fontSize: '13px',
  lineHeight: '22px',
  color: colors.muted,
  margin: '0 0 6px',
};
export const muted: CSSProperties = { color: colors.muted };
export const footer: CSSProperties = { backgroundColor: colors.page, padding: '20px 32px', ...phraseWrap };
/** 特定電子メール法: the way out must be easy to find — larger and bolder than the small print around it. */
export const unsubscribeLink: CSSProperties = { ...link, fontSize: '15px', fontWeight: 700 };

export const proofBanner: CSSProperties = {
  backgroundColor: colors.proofBg,
  border: `2px dashed ${colors.proofRule}`,
  padding: '12px 16px',
};
export const proofTitle: CSSProperties = {
  color: colors.proofInk,
  fontSize: '18px',
  lineHeight: '27px',
  fontWeight: 700,
  letterSpacing: '0.1em',
  margin: 0,
};
export const proofText: CSSProperties = {
  color: colors.proofInk,
  fontSize: '13px',
  lineHeight: '22px',
  margin: '4px 0 0',
};

/** ※ notes: the mark in its own cell, so a wrapped note hangs under its text, not under the mark. */
export const noteCell: CSSProperties = { margin: 0, padding: '0 0 4px', verticalAlign: 'top' };
export const noteMark: CSSProperties = { width: '20px', whiteSpace: 'nowrap' };

export const button: CSSProperties = {
  backgroundColor: colors.accent,
  color: '#ffffff',
  fontSize: '16px',
  lineHeight: '24px',
  fontWeight: 700,
  borderRadius: '6px',
  padding: '14px 28px',
  textDecoration: 'none',
  display: 'inline-block',
};
