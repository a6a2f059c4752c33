/**
 * A rendered newsletter part as an SES email template, so that each SendEmail names the
 * template and carries only the reader's token (~1 KB) instead of the whole part (~52 KB for the
 * bundled sample): less to encode, sign and write per reader, and SES renders the same bytes.
 *
 * The template is the part with each placeholder replaced by `{{token}}`, and it is made only
 * when that substitution is all SES's template engine (Handlebars) will do: the part may contain
 * no other `{{` (only `{{` opens an expression: the `}}` of a minified CSS media query is text),
 * no brace or backslash against a placeholder (which would make `{{{…}}}` or an escaped
 * `\{{…}}`), and the token must be letters, digits, `-` or `_` (Handlebars escapes nothing in
 * it). Otherwise, or when the template would pass SES's 500 KB, the mailer sends the part itself
 * (Simple content), as for every other message.
 *
 * The name is the content's hash: every worker and every run of a report ask for the same
 * template, and a template with that name can only hold this content.
 */
import { createHash } from 'node:crypto';
import type { PersonalisedBody } from '../core/ports.ts';

/** The one variable a newsletter template has. */
export const TEMPLATE_VARIABLE = 'token';
/** Every template kawaraban makes starts with this (the functions' IAM grants are scoped to it). */
export const TEMPLATE_PREFIX = 'kawaraban-';
/** SES's limit for one template, subject, HTML and text together ("500 KB": read as the smaller 500,000 bytes). */
export const TEMPLATE_MAX_BYTES = 500_000;

const VARIABLE = `{{${TEMPLATE_VARIABLE}}}`;
const SAFE_VALUE = /^[A-Za-z0-9_-]+$/;

export interface ReportTemplate {
  name: string;
  content: { Subject: string; Html: string; Text: string };
}

/** Why a part cannot be a template as it is (undefined: it can). */
export function templateProblem(
  subject: string,
  fill: Pick<PersonalisedBody, 'part' | 'placeholder'>,
): string | undefined {
  const { placeholder } = fill;
  if (!placeholder || !SAFE_VALUE.test(placeholder)) return 'the placeholder is not plain';
  for (const [what, text] of [
    ['subject', subject],
    ['html', fill.part.html],
    ['text', fill.part.text],
  ] as const) {
    // Any `{{` between the placeholders, and the braces and backslashes around each of them.
    if (text.split(placeholder).some((piece) => piece.includes('{{'))) return `the ${what} contains {{`;
    if (touched(text, placeholder)) return `a brace or backslash touches a placeholder in the ${what}`;
  }
  return undefined;
}

/** Whether a brace or a backslash stands right before a placeholder, or a closing brace right after one. */
function touched(text: string, placeholder: string): boolean {
  for (let i = text.indexOf(placeholder); i >= 0; i = text.indexOf(placeholder, i + placeholder.length)) {
    const before = text[i - 1];
    if (before === '{' || before === '\\' || text[i + placeholder.length] === '}') return true;
  }
  return false;
}

const templates = new WeakMap<object, Map<string, ReportTemplate | null>>();

/** The part's template (made once per part, subject and placeholder), or null when it cannot be one. */
export function reportTemplate(
  subject: string,
  fill: Pick<PersonalisedBody, 'part' | 'placeholder'>,
): ReportTemplate | null {
  let bySubject = templates.get(fill.part);
  if (!bySubject) {
    bySubject = new Map();
    templates.set(fill.part, bySubject);
  }
  const key = `${fill.placeholder}\u0000${subject}`;
  let out = bySubject.get(key);
  if (out === undefined) {
    out = makeTemplate(subject, fill);
    bySubject.set(key, out);
  }
  return out;
}

function makeTemplate(
  subject: string,
  fill: Pick<PersonalisedBody, 'part' | 'placeholder'>,
): ReportTemplate | null {
  if (templateProblem(subject, fill)) return null;
  const content = {
    Subject: subject.replaceAll(fill.placeholder, VARIABLE),
    Html: fill.part.html.replaceAll(fill.placeholder, VARIABLE),
    Text: fill.part.text.replaceAll(fill.placeholder, VARIABLE),
  };
  const bytes =
    Buffer.byteLength(content.Subject) + Buffer.byteLength(content.Html) + Buffer.byteLength(content.Text);
  if (bytes > TEMPLATE_MAX_BYTES) return null;
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 40);
  return { name: `${TEMPLATE_PREFIX}${hash}`, content };
}

/** The template data for one reader, or undefined when their value is not one Handlebars leaves as it is. */
export function templateData(value: string): string | undefined {
  return SAFE_VALUE.test(value) ? `{"${TEMPLATE_VARIABLE}":"${value}"}` : undefined;
}
