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

/** Width of the paper; Outlook gets it as a fixed table width (_components/outlook.tsx). */
export const paperWidth = 640;

/** Class names used by responsiveCss. */
export const cls = { pad: 'k-pad' } as const;

/** Narrow screens: less side padding, so a 375px phone keeps ~20 more characters per line. */
export const responsiveCss = `@media only screen and (max-width:480px){.${cls.pad}{padding-left:20px !important;padding-right:20px !important}}`;

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
  return { ...content, fontFamily: lang.fontFamily };
}

export const page: CSSProperties = { backgroundColor: colors.page, margin: 0, padding: '24px 0' };
export const container: CSSProperties = { maxWidth: `${paperWidth}px`, width: '100%', backgroundColor: colors.paper };
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
export const headerDate: CSSProperties = { color: '#ffffff', fontSize: '13px', lineHeight: '20px', margin: '2px 0 0' };

export const h1: CSSProperties = { fontSize: '22px', lineHeight: '33px', fontWeight: 700, margin: '28px 0 20px', ...phraseBreak };
export const h2: CSSProperties = {
  fontSize: '18px',
  lineHeight: '27px',
  fontWeight: 700,
  margin: '28px 0 12px',
  paddingBottom: '4px',
  borderBottom: `2px solid ${colors.rule}`,
  ...phraseBreak,
};
export const h3: CSSProperties = { fontSize: '15px', lineHeight: '24px', fontWeight: 700, margin: '16px 0 4px' };

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
export const small: CSSProperties = { fontSize: '13px', lineHeight: '22px', color: colors.muted, margin: '0 0 6px' };
export const muted: CSSProperties = { color: colors.muted };
export const footer: CSSProperties = { backgroundColor: colors.page, padding: '20px 32px' };
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
export const proofText: CSSProperties = { color: colors.proofInk, fontSize: '13px', lineHeight: '22px', margin: '4px 0 0' };

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
