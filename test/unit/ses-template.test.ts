/**
 * A rendered part as an SES template (functions/adapters/ses-template.ts): what Handlebars (the
 * engine SES's templates and the SES emulator use) renders from the template and a reader's
 * token is exactly the part with the token in place of the placeholder, or no template is made.
 */
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import {
  reportTemplate,
  TEMPLATE_MAX_BYTES,
  TEMPLATE_PREFIX,
  templateData,
  templateProblem,
} from '../../functions/adapters/ses-template.ts';
import { renderReportEmail } from '../../emails/render.ts';
import { newTokenPlaceholder } from '../../functions/core/use-cases/accept-report.ts';
import { parsedSample, sampleContext } from '../helpers/sample-email.ts';

const PH = 'KAWARABAN_UNSUBSCRIBE_TOKEN';
const fill = (html: string, text = `本文 ${PH}`, value = 'tok_en-123') => ({
  part: { html, text },
  placeholder: PH,
  value,
});
/** What SES would send: the template rendered by Handlebars with the reader's data. */
const rendered = (template: string, data: string) =>
  Handlebars.compile(template, { strict: true })(JSON.parse(data));

describe('a rendered part as an SES template', () => {
  it('renders, for any text without "{{", exactly the part with the token in place of every placeholder', () => {
    // Japanese, quotes, ampersands, tags, braces alone and `}}` (a minified media query), backslashes.
    const piece = fc
      .array(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 8 }),
          fc.constantFrom(
            '<a href="https://x.jp/u?t=',
            '">',
            '&amp;',
            '}}',
            '{',
            '}',
            '\\',
            '"',
            "'",
            '脆弱性',
            '\n',
          ),
        ),
        { maxLength: 12 },
      )
      .map((xs) => xs.join(''))
      .filter((s) => !s.includes('{{') && !s.includes(PH));
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,43}$/);
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 5 }),
        piece,
        piece,
        token,
        (pieces, text, subject, value) => {
          // Placeholders between the pieces, never touching a brace or backslash (else no template).
          const html = pieces.map((p) => ` ${p} `).join(PH);
          const f = fill(html, `${text} ${PH} `, value);
          const t = reportTemplate(subject, f);
          expect(t).not.toBeNull();
          const data = templateData(value)!;
          expect(rendered(t!.content.Html, data)).toBe(html.replaceAll(PH, value));
          expect(rendered(t!.content.Text, data)).toBe(`${text} ${value} `);
          expect(rendered(t!.content.Subject, data)).toBe(subject);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('makes a template of the bundled sample as the renderer writes it, in both locales (a guard on the emails)', async () => {
    // Something in the emails that Handlebars would read (a `{{` in a component or its CSS) would
    // silently send every newsletter whole again: this test says so instead.
    const report = parsedSample();
    const placeholder = newTokenPlaceholder();
    for (const locale of ['ja', 'en'] as const) {
      const part = await renderReportEmail(report, sampleContext, locale, { placeholder });
      expect(templateProblem(part.subject, { part, placeholder }), locale).toBeUndefined();
      const t = reportTemplate(part.subject, { part, placeholder })!;
      const data = templateData('Reader_Token-1')!;
      expect(rendered(t.content.Html, data)).toBe(part.html.replaceAll(placeholder, 'Reader_Token-1'));
      expect(rendered(t.content.Text, data)).toBe(part.text.replaceAll(placeholder, 'Reader_Token-1'));
    }
  });

  it('keeps the CSS of a real email: a media query ending in "}}" is text to Handlebars', () => {
    const html = `<style>@media (max-width:480px){.k-pad{padding:20px !important}}</style><a href="https://x.jp/u?t=${PH}">解除</a>`;
    const t = reportTemplate('件名', fill(html))!;
    expect(rendered(t.content.Html, templateData('abc')!)).toBe(html.replace(PH, 'abc'));
  });

  it('makes no template when Handlebars would read more than the token', () => {
    const refused: [string, string, string][] = [
      ['"{{" in the HTML (a report quoting a template-injection payload)', `<p>{{7*7}}</p> ${PH}`, PH],
      ['"{{" in the text', `<p>${PH}</p>`, `{{constructor}} ${PH}`],
      ['"{{{" anywhere', `{{{x}}} ${PH}`, PH],
      ['a brace before a placeholder', `{${PH} `, PH],
      ['a brace after a placeholder', ` ${PH}}`, PH],
      ['a backslash before a placeholder (an escaped mustache)', ` \\${PH} `, PH],
      ['a comment opener', `{{!-- x --}} ${PH}`, PH],
    ];
    for (const [what, html, text] of refused) {
      expect(templateProblem('件名', { part: { html, text }, placeholder: PH }), what).toBeDefined();
      expect(reportTemplate('件名', fill(html, text)), what).toBeNull();
    }
    expect(reportTemplate('{{件名}}', fill(`<p>${PH}</p>`)), 'in the subject').toBeNull();
    expect(templateProblem('s', { part: { html: 'x', text: 'y' }, placeholder: 'a b' })).toBeDefined();
    expect(templateProblem('s', { part: { html: 'x', text: 'y' }, placeholder: '' })).toBeDefined();
  });

  it("makes no template over SES's 500 KB, and one at the limit", () => {
    const text = `${PH} `;
    const room = TEMPLATE_MAX_BYTES - Buffer.byteLength('s') - Buffer.byteLength('{{token}} ');
    // Three bytes a character: the limit is in bytes, not characters.
    const at = `${'あ'.repeat(Math.floor(room / 3))}`;
    expect(reportTemplate('s', fill(at, text))).not.toBeNull();
    expect(reportTemplate('s', fill(`${at}ああ`, text))).toBeNull();
  });

  it('gives no data for a value Handlebars would escape or JSON would quote', () => {
    for (const v of ['', 'a b', 'a&b', 'a"b', 'a<b', "a'b", 'a`b', 'a=b', 'a\\b', 'トークン', 'a\u200bb'])
      expect(templateData(v), JSON.stringify(v)).toBeUndefined();
    expect(JSON.parse(templateData('Ab9_-')!)).toEqual({ token: 'Ab9_-' });
  });

  it('names a template by its content: the same part gives the same name, any change another', () => {
    const a = reportTemplate('件名', fill(`<p>${PH}</p>`))!;
    const again = reportTemplate('件名', fill(`<p>${PH}</p>`))!;
    expect(again.name).toBe(a.name);
    expect(a.name.startsWith(TEMPLATE_PREFIX)).toBe(true);
    expect(a.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(reportTemplate('件名2', fill(`<p>${PH}</p>`))!.name).not.toBe(a.name);
    expect(reportTemplate('件名', fill(`<p>${PH}!</p>`))!.name).not.toBe(a.name);
    expect(reportTemplate('件名', fill(`<p>${PH}</p>`, 'other'))!.name).not.toBe(a.name);
  });
});
