/**
 * Emails to the editors: accepted / rejected / paused / sent (contract 2).
 *
 * React-free on purpose — the dispatcher sends "paused" and "sent" notices and must not bundle
 * React — so these are small hand-written HTML documents with every value escaped, plus a text
 * part. The words come from emails/_i18n like every other email.
 */
import { emailText } from './_i18n/index.ts';
import type { EmailText } from './_i18n/types.ts';
import { escapeHtml } from './linkify.ts';
import type { EditorNotice, Locale, NewsletterContext, RenderedEmail } from './types.ts';

/** A rejected file can hold thousands of problems; the email lists this many and counts the rest. */
export const MAX_LISTED_ISSUES = 200;

type Row = [label: string, value: string];

interface NoticeParts {
  subject: string;
  heading: string;
  rows: Row[];
  lines: string[];
  /** Rendered as a list (each `path: reason`). */
  items?: string[];
  after?: string[];
}

export async function renderEditorNotice(
  notice: EditorNotice,
  locale: Locale,
  ctx: NewsletterContext,
): Promise<RenderedEmail> {
  const t = emailText(locale);
  const parts = noticeParts(notice, t, ctx.newsletterName);
  return {
    subject: oneLine(parts.subject),
    html: noticeHtml(parts, t, ctx),
    text: noticeText(parts, t, ctx),
  };
}

/**
 * A subject is one header line: whatever came in (an S3 key, a title), no C0/C1 controls, line
 * separators or bidi embeddings, overrides and isolates (an S3 key can hold any of them).
 */
export function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips control characters on purpose
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
}

function noticeParts(notice: EditorNotice, t: EmailText, name: string): NoticeParts {
  const n = t.notices;
  switch (notice.kind) {
    case 'accepted':
      return {
        subject: n.subject.accepted(name, notice.title),
        heading: n.heading.accepted,
        rows: [
          [n.reportId, notice.reportId],
          [n.title, notice.title],
          [n.sendAt, t.dateTime(notice.sendAt)],
        ],
        lines: [
          n.audience(notice.audience),
          ...(notice.approval && 'awaited' in notice.approval ? [n.approvalAwaited(notice.reportId)] : []),
          ...(notice.approval && 'approvedBy' in notice.approval
            ? [n.approvedBy(notice.approval.approvedBy)]
            : []),
          n.acceptedNote,
        ],
      };
    case 'rejected': {
      // A problem of the whole file ($: syntax, encoding) says where in its own words.
      const at = (i: (typeof notice.issues)[number]) =>
        i.path !== '$' && i.line && i.column ? n.issueAt(i.line, i.column) : '';
      const listed = notice.issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${i.path}: ${i.message}${at(i)}`);
      const more = notice.issues.length - listed.length;
      return {
        subject: n.subject.rejected(name, notice.sourceKey),
        heading: n.heading.rejected,
        rows: [
          [n.sourceKey, notice.sourceKey],
          ...(notice.reportId ? [[n.reportId, notice.reportId] as Row] : []),
        ],
        lines: [n.rejectedIntro(notice.issues.length)],
        items: more > 0 ? [...listed, n.rejectedMore(more)] : listed,
        after: [n.rejectedHelp],
      };
    }
    case 'paused':
      return {
        subject: n.subject.paused(name, notice.title),
        heading: n.heading.paused,
        rows: [
          [n.reportId, notice.reportId],
          [n.title, notice.title],
          [n.reason, notice.reason],
        ],
        lines: [n.pausedNote],
      };
    case 'sent':
      return {
        subject: n.subject.sent(name, notice.title),
        heading: n.heading.sent,
        rows: [
          [n.reportId, notice.reportId],
          [n.title, notice.title],
        ],
        lines: [n.sent(notice.sent), n.failed(notice.failed)],
      };
  }
}

function noticeText(p: NoticeParts, t: EmailText, ctx: NewsletterContext): string {
  const blocks = [
    p.heading,
    p.rows.map(([label, value]) => `${label}: ${value}`).join('\n'),
    p.lines.join('\n'),
    ...(p.items ? [p.items.map((item) => `${t.plain.bullet}${item}`).join('\n')] : []),
    ...(p.after ?? []),
    `--\n${t.notices.footer(ctx.newsletterName)}`,
  ];
  return `${blocks.join('\n\n')}\n`;
}

function noticeHtml(p: NoticeParts, t: EmailText, ctx: NewsletterContext): string {
  const e = escapeHtml;
  const font = e(t.fontFamily);
  const para = (s: string) => `<p style="margin:0 0 12px">${e(s)}</p>`;
  const rows = p.rows
    .map(
      ([label, value]) =>
        `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:4px 16px 4px 0;white-space:nowrap;color:#4b5563;font-weight:400">${e(label)}</th>` +
        `<td style="padding:4px 0;word-wrap:break-word;overflow-wrap:anywhere">${e(value)}</td></tr>`,
    )
    .join('');
  // The JSON path is code, the reason is prose. Long values (keys, URLs) break only where they must
  // (overflow-wrap), not mid-word everywhere (word-break: break-all).
  const items = p.items
    ? `<ul style="margin:0 0 12px;padding-left:20px">${p.items
        .map(
          (item) =>
            `<li style="margin:0 0 6px;word-wrap:break-word;overflow-wrap:anywhere">${issueHtml(item)}</li>`,
        )
        .join('')}</ul>`
    : '';
  // A phone shows a page without a viewport at 980px, zoomed out; a 640px column keeps lines readable
  // on a desktop. Outlook for Windows ignores max-width, hence the width attribute under [if mso].
  return (
    `<!DOCTYPE html><html lang="${t.locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light"><title>${e(p.heading)}</title></head>` +
    `<body style="margin:0;padding:0;background:#ffffff;color:#1f2937;font-family:${font};font-size:15px;line-height:1.7">` +
    `<!--[if mso]><table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->` +
    `<div style="max-width:640px;padding:24px 20px">` +
    `<h1 style="font-size:20px;line-height:1.5;margin:0 0 16px;word-break:auto-phrase">${e(p.heading)}</h1>` +
    `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${rows}</table>` +
    p.lines.map(para).join('') +
    items +
    (p.after ?? []).map(para).join('') +
    `<hr style="border:0;border-top:1px solid #d1d5db;margin:24px 0 12px">` +
    `<p style="margin:0;font-size:13px;color:#4b5563">${e(t.notices.footer(ctx.newsletterName))}</p>` +
    `</div><!--[if mso]></td></tr></table><![endif]--></body></html>`
  );
}

/** `$.body[3].text: reason` → the path as code, then the reason. A line without a path stays prose. */
function issueHtml(item: string): string {
  const m = /^(\$\S*): ([\s\S]*)$/.exec(item);
  if (!m) return escapeHtml(item);
  const code = `<code style="font-family:Menlo,Consolas,'Courier New',monospace;font-size:13px;background:#f3f4f6;padding:1px 4px;border-radius:3px">${escapeHtml(m[1]!)}</code>`;
  return `${code}: ${escapeHtml(m[2]!)}`;
}
