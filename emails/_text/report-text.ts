/**
 * The plain-text part of a report, written directly from the report data rather than converted
 * from the HTML: html-to-text cannot know that a reference is source + date + title + URL, wraps
 * Japanese lines at odd places and costs more than the HTML render itself. No hard wrapping
 * (mail clients wrap; a fixed width breaks Japanese text and long URLs); URLs stand on their own lines.
 */
import { unsubscribeUrl } from '../../functions/core/links.ts';
import type { Report, ReportBlock } from '../../functions/core/report-schema.ts';
import type { EmailText } from '../_i18n/types.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER, type NewsletterContext } from '../types.ts';
import { indent, RULE, senderLines, splitLines, urlsOnOwnLines as own } from './text-helpers.ts';

export function reportText(
  report: Report,
  ctx: NewsletterContext,
  t: EmailText,
  proof: boolean,
  placeholder = UNSUBSCRIBE_TOKEN_PLACEHOLDER,
): string {
  const out: string[] = [];
  const para = (...lines: string[]) => out.push(lines.join('\n'));

  if (proof) para(t.plain.proof);
  para(ctx.newsletterName, `${t.report.issuedOn}: ${t.date(report.issuedOn)}`, RULE);
  para(report.title);
  for (const block of report.body) para(blockText(block, t));

  if (report.topics?.length) {
    para(RULE, t.report.topics);
    for (const topic of report.topics) {
      const head = `${t.plain.topic}${t.date(topic.date)}${t.report.topicSeparator}${topic.title}`;
      para(head, ...(topic.detail ? [indent(own(topic.detail), '  ')] : []));
    }
  }

  if (report.references?.length) {
    para(RULE, t.report.references);
    report.references.forEach((ref, i) => {
      const n = `${i + 1}. `;
      const pad = ' '.repeat(n.length);
      para(`${n}${t.report.referenceMeta(ref.source, t.date(ref.date))}`, `${pad}${ref.title}`, `${pad}${ref.url}`);
    });
  }

  if (report.notes?.length) {
    para(report.notes.map((note) => indent(`${t.report.notePrefix} ${own(note)}`, '   ', false)).join('\n'));
  }

  para(RULE, t.footer.reason(ctx.newsletterName), t.footer.optOut, unsubscribeUrl(ctx.publicBaseUrl, placeholder));
  para(...senderLines(t, ctx.sender));
  return `${out.join('\n\n')}\n`;
}

function blockText(block: ReportBlock, t: EmailText): string {
  switch (block.type) {
    case 'heading':
      return `${t.plain.heading}${block.text}`;
    case 'paragraph':
      return splitLines(own(block.text)).join('\n');
    case 'list': {
      // '・' is two columns wide, '- ' two characters: continuation lines line up under the text.
      return block.items.map((item) => `${t.plain.bullet}${indent(own(item), '  ', false)}`).join('\n');
    }
    case 'quote':
      return indent(own(block.text), t.plain.quote);
  }
}
