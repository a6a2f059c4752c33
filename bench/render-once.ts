/**
 * Render once vs render per recipient (DESIGN §5 "render once"). Both sides produce the same
 * personalised subject, HTML and text for the same recipients:
 * - baseline: `renderReportEmail` for every recipient in their locale, then their unsubscribe
 *   token in place of the placeholder (the render always writes the placeholder, so this is
 *   what "the token baked in at render time" costs);
 * - ours: one `renderReportEmail` per locale, then per recipient `unsubscribeToken` and
 *   `replaceAll` — what the dispatcher does with the stored output.
 */
import {
  renderReportEmail,
  UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  type NewsletterContext,
  type RenderedEmail,
} from '../emails/render.ts';
import type { Report } from '../functions/core/report-schema.ts';
import type { Locale } from '../functions/core/subscriber.ts';
import { newSubscriberId, unsubscribeToken } from '../functions/core/tokens.ts';
import type { BenchCase } from './runner.ts';

interface Reader {
  id: string;
  locale: Locale;
}

/** Every fifth reader in English, as in a mostly Japanese readership. */
export function readers(n: number): Reader[] {
  return Array.from({ length: n }, (_, i) => ({ id: newSubscriberId(), locale: i % 5 === 4 ? 'en' : 'ja' }));
}

function personalise(mail: RenderedEmail, token: string): RenderedEmail {
  return {
    subject: mail.subject,
    html: mail.html.replaceAll(UNSUBSCRIBE_TOKEN_PLACEHOLDER, token),
    text: mail.text.replaceAll(UNSUBSCRIBE_TOKEN_PLACEHOLDER, token),
  };
}

export async function renderCase(opts: {
  report: Report;
  ctx: NewsletterContext;
  key: Buffer;
  recipients: number;
}): Promise<BenchCase> {
  const { report, ctx, key } = opts;
  const audience = readers(opts.recipients);
  const locales = [...new Set(audience.map((r) => r.locale))];
  // Every output is used, so no part of the work can be optimised away.
  // biome-ignore lint/correctness/noUnusedVariables: written only, so the timed work cannot be optimised away
  let sink = 0;

  const perRecipient = async (r: Reader) =>
    personalise(await renderReportEmail(report, ctx, r.locale), unsubscribeToken(key, r.id));
  const once = async () => {
    const parts = new Map<Locale, RenderedEmail>();
    for (const l of locales) parts.set(l, await renderReportEmail(report, ctx, l));
    return (r: Reader) => personalise(parts.get(r.locale)!, unsubscribeToken(key, r.id));
  };

  // Same output both ways, or the comparison means nothing (checked on a few readers, untimed).
  const first = await renderReportEmail(report, ctx, 'ja');
  if (
    !first.html.includes(UNSUBSCRIBE_TOKEN_PLACEHOLDER) ||
    !first.text.includes(UNSUBSCRIBE_TOKEN_PLACEHOLDER)
  ) {
    throw new Error('the rendered report has no unsubscribe placeholder: render-once cannot personalise it');
  }
  const ours = await once();
  for (const r of [
    ...audience.filter((a) => a.locale === 'ja').slice(0, 2),
    ...audience.filter((a) => a.locale === 'en').slice(0, 2),
  ]) {
    const a = await perRecipient(r);
    const b = ours(r);
    if (a.subject !== b.subject || a.html !== b.html || a.text !== b.text) {
      throw new Error('render once + replaceAll differs from a render per recipient');
    }
  }

  return {
    title: `render: sample report for ${audience.length} recipients (${audience.filter((r) => r.locale === 'ja').length} ja, ${audience.filter((r) => r.locale === 'en').length} en)`,
    unit: 'recipient',
    baseline: {
      label: 'renderReportEmail per recipient',
      async run() {
        for (const r of audience) {
          const m = await perRecipient(r);
          sink += m.html.length + m.text.length;
        }
        return audience.length;
      },
    },
    ours: {
      label: `render once per locale (${locales.length}) + replaceAll`,
      async run() {
        const mailFor = await once();
        for (const r of audience) {
          const m = mailFor(r);
          sink += m.html.length + m.text.length;
        }
        return audience.length;
      },
    },
    notes: () => [
      `one personalised email: ${Math.round((first.html.length + first.text.length) / 1024)} KiB (html + text, ja)`,
    ],
  };
}
