/**
 * Inline styles shared by the templates. Mail clients (Outlook above all) honour inline styles
 * and tables far better than stylesheets. Colours keep a contrast ratio of at least 7:1 for
 * text on its background (WCAG AAA), 4.5:1 for the small print.
 */
import type { CSSProperties } from 'react';

export const colors = {
  page: '#f3f4f6',
  paper: '#ffffff',
  ink: '#1f2937', // 14.7:1 on white
  muted: '#4b5563', // 7.6:1 on white, 6.9:1 on page
  rule: '#d1d5db',
  accent: '#1e3a8a', // header band; white on it 10.4:1
  link: '#1d4ed8', // 6.7:1 on white
  quoteBar: '#9ca3af',
  quoteBg: '#f9fafb',
  proofBg: '#fef3c7',
  proofInk: '#78350f', // 8.9:1 on proofBg
  proofRule: '#b45309',
} as const;

export function baseText(fontFamily: string): CSSProperties {
  return { fontFamily, color: colors.ink, fontSize: '15px', lineHeight: '1.8', margin: '0 0 16px' };
}

export const page: CSSProperties = { backgroundColor: colors.page, margin: 0, padding: '24px 0' };
export const container: CSSProperties = { maxWidth: '640px', width: '100%', backgroundColor: colors.paper };
export const content: CSSProperties = { padding: '0 32px 8px' };

export const headerBand: CSSProperties = { backgroundColor: colors.accent, padding: '16px 32px' };
export const headerLeft: CSSProperties = { backgroundColor: colors.accent, padding: '16px 8px 16px 32px' };
export const headerRight: CSSProperties = { backgroundColor: colors.accent, padding: '16px 32px 16px 8px' };
export const headerName: CSSProperties = { color: '#ffffff', fontSize: '16px', fontWeight: 700, lineHeight: '1.5', margin: 0 };
export const headerDate: CSSProperties = { color: '#ffffff', fontSize: '13px', lineHeight: '1.5', margin: 0, textAlign: 'right' };

export const h1: CSSProperties = { fontSize: '22px', lineHeight: '1.5', fontWeight: 700, margin: '28px 0 20px' };
export const h2: CSSProperties = {
  fontSize: '18px',
  lineHeight: '1.5',
  fontWeight: 700,
  margin: '28px 0 12px',
  paddingBottom: '4px',
  borderBottom: `2px solid ${colors.rule}`,
};
export const h3: CSSProperties = { fontSize: '15px', lineHeight: '1.6', fontWeight: 700, margin: '16px 0 4px' };

export const link: CSSProperties = { color: colors.link, textDecorationLine: 'underline', wordBreak: 'break-all' };
export const list: CSSProperties = { margin: '0 0 16px', paddingLeft: '24px' };
export const listItem: CSSProperties = { margin: '0 0 6px' };
export const quoteCell: CSSProperties = {
  borderLeft: `4px solid ${colors.quoteBar}`,
  backgroundColor: colors.quoteBg,
  padding: '12px 16px',
};
export const small: CSSProperties = { fontSize: '13px', lineHeight: '1.7', color: colors.muted, margin: '0 0 6px' };
export const muted: CSSProperties = { color: colors.muted };
export const footer: CSSProperties = { backgroundColor: colors.page, padding: '20px 32px' };

export const proofBanner: CSSProperties = {
  backgroundColor: colors.proofBg,
  border: `2px dashed ${colors.proofRule}`,
  padding: '12px 16px',
};
export const proofTitle: CSSProperties = { color: colors.proofInk, fontSize: '18px', fontWeight: 700, letterSpacing: '0.1em', margin: 0 };
export const proofText: CSSProperties = { color: colors.proofInk, fontSize: '13px', margin: '4px 0 0' };

export const button: CSSProperties = {
  backgroundColor: colors.accent,
  color: '#ffffff',
  fontSize: '16px',
  fontWeight: 700,
  borderRadius: '6px',
  padding: '14px 28px',
  textDecoration: 'none',
  display: 'inline-block',
};
