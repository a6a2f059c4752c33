/**
 * The plain-text part of a report, written directly from the report data rather than converted
 * from the HTML: html-to-text cannot know that a reference is source + date + title + URL, wraps
 * Japanese lines at odd places and costs more than the HTML render itself. Lines wrap at
 * TEXT_WIDTH columns between phrases (BudouX), never inside a word, a date or a URL; URLs stand on
 * their own lines, whole even when longer than the line.
 */
import { unsubscribeUrl } from '../../functions/core/links.ts';
import type { Report, ReportBlock } from '../../functions/core/report-schema.ts';
import type { EmailText } from '../_i18n/types.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER, type NewsletterContext } from '../types.ts';
import { keepWords } from '../phrases.ts';
import {
  columns,
  hang,
  indent,
  RULE,
  senderLines,
  splitLines,
  TEXT_WIDTH,
  urlsOnOwnLines,
  wrap,
} from './text-helpers.ts';

export function reportText(
  report: Report,
  ctx: NewsletterContext,
  t: EmailText,
  proof: boolean,
  placeholder = UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  width = TEXT_WIDTH,
  issueNumber?: number,
): string {
  const keep = keepWords(ctx.newsletterName, ctx.shortName, ctx.sender.name);
  /** URLs on their own lines, then wrapped to fit after a prefix `lead` columns wide. */
  const own = (text: string, lead = 0) => wrap(urlsOnOwnLines(text), width - lead, keep);
  const out: string[] = [];
  const para = (...lines: string[]) => out.push(lines.join('\n'));

  if (proof) para(t.plain.proof);
  para(ctx.newsletterName, issueLine(t, report.issuedOn, issueNumber), RULE);
  para(own(report.title));
  for (const block of report.body) para(blockText(block, t, own));

  if (report.topics?.length) {
    para(RULE, t.report.topics);
    for (const topic of report.topics) {
      const head = `${t.plain.topic}${t.date(topic.date)}${t.report.topicSeparator}${topic.title}`;
      para(own(head), ...(topic.detail ? [indent(own(topic.detail, 2), '  ')] : []));
    }
  }

  if (report.references?.length) {
    para(RULE, t.report.references);
    report.references.forEach((ref, i) => {
      const n = `${i + 1}. `;
      const pad = ' '.repeat(n.length);
      para(
        hang(n, own(t.report.referenceMeta(ref.source, t.date(ref.date)), n.length)),
        indent(own(ref.title, n.length), pad),
        `${pad}${ref.url}`,
      );
    });
  }

  if (report.notes?.length) {
    const mark = `${t.report.notePrefix} `;
    para(report.notes.map((note) => indent(`${mark}${own(note, 3)}`, '   ', false)).join('\n'));
  }

  para(
    RULE,
    own(t.footer.reason(ctx.newsletterName)),
    own(t.footer.optOut),
    unsubscribeUrl(ctx.publicBaseUrl, placeholder),
  );
  para(...senderLines(t, ctx.sender).map((line) => own(line)));
  return `${out.join('\n\n')}\n`;
}

function blockText(block: ReportBlock, t: EmailText, own: (text: string, lead?: number) => string): string {
  switch (block.type) {
    case 'heading':
      return hang(t.plain.heading, own(block.text, columns(t.plain.heading)));
    case 'paragraph':
      return splitLines(own(block.text)).join('\n');
    case 'list': {
      // '・' is two columns wide, '- ' two characters: continuation lines line up under the text.
      return block.items.map((item) => `${t.plain.bullet}${indent(own(item, 2), '  ', false)}`).join('\n');
    }
    case 'quote':
      return indent(own(block.text, columns(t.plain.quote)), t.plain.quote);
  }
}

/** 第12号　配信日: 2020年9月18日 — the number first, as readers cite it. */
export function issueLine(t: EmailText, issuedOn: string, issueNumber: number | undefined): string {
  const date = `${t.report.issuedOn}: ${t.date(issuedOn)}`;
  return issueNumber === undefined ? date : `${t.report.issueNumber(issueNumber)}　${date}`;
}
