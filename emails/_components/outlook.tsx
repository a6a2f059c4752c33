/**
 * Markup for Outlook for Windows only (its Word engine reads `<!--[if mso]>` conditional comments;
 * every other client sees a comment). React cannot write a comment, so `OutlookOnly` writes it inside
 * an empty span and `unwrapOutlookComments` (called by emails/render.ts on every rendered email)
 * removes the span. Left in place — a template rendered on its own — it is an empty span elsewhere.
 */
const OPEN = '<span data-mso="">';

export function OutlookOnly({ html }: { html: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: Outlook conditional comments must be raw HTML
  return <span data-mso="" dangerouslySetInnerHTML={{ __html: `<!--[if mso]>${html}<![endif]-->` }} />;
}

const WRAPPED = /<span data-mso="">(<!--\[if mso\]>[\s\S]*?<!\[endif\]-->)<\/span>/g;

export function unwrapOutlookComments(html: string): string {
  return html.includes(OPEN) ? html.replace(WRAPPED, '$1') : html;
}

/**
 * Outlook ignores max-width: without a fixed-width table around it the 640px paper stretches across
 * the reading pane. These open and close that table around the paper.
 */
export const ghostTableOpen = (width: number) =>
  `<table role="presentation" width="${width}" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td>`;
export const ghostTableClose = '</td></tr></table>';

/**
 * Outlook uses only the first font of a stack and falls back to Times New Roman (or a Mincho face for
 * Japanese) when that one is missing — and the first of ours is a Mac font. This puts a Windows font first.
 */
export const outlookFontStyle = (fontFamily: string) =>
  `<style>*{font-family:${fontFamily} !important}</style>`;
