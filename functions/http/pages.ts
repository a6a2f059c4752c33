/**
 * The pages, as PageShells: words from i18n/, markup here, shell and headers in html.ts.
 * Forms post to relative URLs, so the pages work under any base path or stage.
 */
import type { EmailProblem } from '../core/email-address.ts';
import type { Locale } from '../core/subscriber.ts';
import { html, langOf, type Html, type PageShell } from './html.ts';
import { en } from './i18n/en.ts';
import { ja, type Messages, type PageContext, type Shown } from './i18n/ja.ts';

const MESSAGES: Record<Locale, Messages> = { ja, en };

export interface View {
  locale: Locale;
  t: Messages;
  ctx: PageContext;
  /** The configured names as the text shows them, marked up for this page's language. */
  shown: Shown;
  /** Query of the GET being answered, to offer the same page in the other language. */
  query?: URLSearchParams;
}

export function view(locale: Locale, ctx: PageContext, query?: URLSearchParams): View {
  const shown: Shown = {
    newsletterName: named(locale, ctx.newsletterName),
    senderName: named(locale, ctx.senderName),
    contact: contactOf(locale, ctx.contact),
    confirmTtlHours: ctx.confirmTtlHours,
  };
  return { locale, t: MESSAGES[locale], ctx, shown, ...(query ? { query } : {}) };
}

export function messages(locale: Locale): Messages {
  return MESSAGES[locale];
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;
/** Plain enough to put after `mailto:` as it is (no `%`, `?`, `#` or `&` to encode). */
const MAILTO_ADDRESS = /^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/**
 * A configured name, in a `lang="ja"` span on an English page when it is Japanese: browsers then
 * draw it with Japanese glyphs and break its lines by Japanese rules.
 */
function named(locale: Locale, text: string): Html {
  return langOf(locale, text) ? html`<span lang="ja">${text}</span>` : html`${text}`;
}

function mailtoLink(address: string, subject?: string): Html {
  return html`<a href="mailto:${address}${subject ? `?subject=${encodeURIComponent(subject)}` : ''}">${address}</a>`;
}

/** The contact as a link when it is an email address or an https URL, else as text. */
function contactOf(locale: Locale, contact: string): Html {
  const text = contact.trim();
  if (MAILTO_ADDRESS.test(text)) return mailtoLink(text);
  if (/^https:\/\/[^\s"<>]+$/i.test(text) && URL.canParse(text)) return html`<a href="${text}">${text}</a>`;
  return named(locale, text);
}

type SwitchTo = 'same' | 'home';

/**
 * The page's frame. A GET page (its view has the query) links to itself in the other language,
 * carrying only a token-shaped token. Other pages repeat nothing of the request: `same` is the
 * URL's own path with only `lang` (right where a GET of it shows this page or the form), `home`
 * the subscribe page (the answer to a POST, which a GET would not repeat).
 */
function shell(
  v: View,
  title: string,
  body: Html,
  opts: { indexable?: boolean; switchTo?: SwitchTo } = {},
): PageShell {
  const other: Locale = v.locale === 'ja' ? 'en' : 'ja';
  let switchLink: PageShell['switchLink'];
  if (v.query) {
    // Only a token-shaped token is carried over: a page repeats nothing else anyone typed.
    const q = new URLSearchParams();
    const token = v.query.get('token')?.trim();
    if (token && TOKEN_SHAPE.test(token)) q.set('token', token);
    q.set('lang', other);
    switchLink = { href: `?${q.toString()}`, label: v.t.switchTo, hreflang: other };
  } else if (opts.switchTo === 'same') {
    switchLink = { href: `?lang=${other}`, label: v.t.switchTo, hreflang: other };
  } else {
    switchLink = { href: `./?lang=${other}`, label: v.t.switchToHome, hreflang: other };
  }
  const brandLang = langOf(v.locale, v.ctx.newsletterName);
  return {
    locale: v.locale,
    title,
    brand: v.ctx.newsletterName,
    ...(brandLang ? { brandLang } : {}),
    footer: html`<p>${v.t.footer.publisher(v.shown.senderName)}</p>
<p>${v.t.footer.contact(v.shown.contact)}</p>`,
    body,
    switchLink,
    ...(opts.indexable ? { indexable: true } : {}),
  };
}

const homeLink = (v: View) => html`<p><a href="./?lang=${v.locale}">${v.t.toHome}</a></p>`;

export function homePage(
  v: View,
  form: { email?: string; problem?: EmailProblem; emailLocale?: Locale } = {},
): PageShell {
  const t = v.t.home;
  const emailLocale = form.emailLocale ?? v.locale;
  const describedBy = form.problem ? 'email-error email-hint' : 'email-hint';
  const choice = (value: Locale) =>
    html`<label class="choice"><input type="radio" name="lang" value="${value}"${emailLocale === value ? html` checked` : ''}> <span lang="${value}">${MESSAGES[value].langName}</span></label>`;
  const privacy = v.ctx.privacyPolicyUrl;
  const body = html`<p>${t.lead(v.shown)}</p>
<dl class="about">
<dt>${t.frequencyLabel}</dt>
<dd>${t.frequency}</dd>
<dt>${t.purposeLabel}</dt>
<dd>${t.purpose}${privacy ? html` <a href="${privacy}">${t.privacy}</a>` : ''}</dd>
</dl>
${form.problem ? html`<p class="error" id="email-error" role="alert">${v.t.invalidEmail.problems[form.problem]}</p>\n` : ''}<form method="post" action="subscribe">
<input type="hidden" name="source" value="hosted-form">
<label for="email">${t.emailLabel}</label>
<p class="hint" id="email-hint">${t.emailHint}</p>
<input id="email" name="email" type="email" autocomplete="email" inputmode="email" autocapitalize="none" spellcheck="false" required maxlength="254" aria-describedby="${describedBy}"${form.problem ? html` aria-invalid="true"` : ''} value="${form.email ?? ''}">
<fieldset>
<legend>${t.localeLegend}</legend>
${choice('ja')}
${choice('en')}
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">${t.honeypotLabel}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<p class="note">${t.consent(v.shown)}</p>
<button type="submit">${t.submit}</button>
</form>`;
  return shell(v, form.problem ? v.t.invalidEmail.title : t.title, body, { indexable: !form.problem });
}

export function acceptedPage(v: View): PageShell {
  return shell(
    v,
    v.t.accepted.title,
    html`<p>${v.t.accepted.body(v.shown)}</p>\n<p class="note">${v.t.accepted.noMail}</p>`,
  );
}

export function rateLimitedPage(v: View, retryAfterSeconds: number): PageShell {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return shell(v, v.t.rateLimited.title, html`<p>${v.t.rateLimited.body(minutes)}</p>`);
}

export function confirmPage(v: View, token: string): PageShell {
  const t = v.t.confirm;
  return shell(
    v,
    t.title,
    html`<p>${t.body(v.shown)}</p>
<form method="post" action="confirm">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="lang" value="${v.locale}">
<button type="submit">${t.button}</button>
</form>
<p class="note">${t.note}</p>`,
  );
}

export function confirmedPage(v: View): PageShell {
  return shell(v, v.t.confirmed.title, html`<p>${v.t.confirmed.body(v.shown)}</p>`);
}

export function alreadyConfirmedPage(v: View): PageShell {
  return shell(v, v.t.alreadyConfirmed.title, html`<p>${v.t.alreadyConfirmed.body}</p>`);
}

/** The button that asks for a new confirmation link (the confirm route's `action=new-link`). */
const newLinkForm = (v: View, token: string, button: string) => html`<form method="post" action="confirm">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="action" value="new-link">
<input type="hidden" name="lang" value="${v.locale}">
<button type="submit">${button}</button>
</form>`;

export function expiredPage(v: View, token: string): PageShell {
  const t = v.t.expired;
  return shell(v, t.title, html`<p>${t.body(v.shown)}</p>\n${newLinkForm(v, token, t.button)}`);
}

export function invalidConfirmPage(v: View): PageShell {
  return shell(v, v.t.invalidConfirm.title, html`<p>${v.t.invalidConfirm.body}</p>\n${homeLink(v)}`);
}

export function newLinkSentPage(v: View): PageShell {
  return shell(v, v.t.newLinkSent.title, html`<p>${v.t.newLinkSent.body(v.shown)}</p>`);
}

/** "Send me a new link" refused by the mailbox's email limit: how long to wait, and the button again. */
export function newLinkLimitedPage(v: View, token: string, retryAfterSeconds: number): PageShell {
  const t = v.t.newLinkLimited;
  return shell(
    v,
    t.title,
    html`<p>${t.body(waitText(v, retryAfterSeconds))}</p>\n${newLinkForm(v, token, t.button)}`,
  );
}

/** A wait in the unit a person thinks in: minutes up to two hours, then hours up to two days, then days. */
function waitText(v: View, seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes <= 120) return v.t.waitFor(minutes, 'minutes');
  const hours = Math.ceil(minutes / 60);
  return hours <= 48 ? v.t.waitFor(hours, 'hours') : v.t.waitFor(Math.ceil(hours / 24), 'days');
}

export function unsubscribePage(v: View, token: string): PageShell {
  const t = v.t.unsubscribe;
  return shell(
    v,
    t.title,
    html`<p>${t.body(v.shown)}</p>
<form method="post" action="unsubscribe?token=${token}">
<input type="hidden" name="lang" value="${v.locale}">
<button type="submit">${t.button}</button>
</form>
<p class="note">${t.note}</p>`,
  );
}

export function unsubscribedPage(v: View): PageShell {
  return shell(v, v.t.unsubscribed.title, html`<p>${v.t.unsubscribed.body(v.shown)}</p>\n${homeLink(v)}`);
}

/**
 * A link that does not check out (cut off, mangled by a mail scanner, forged): the reader still
 * gets a way to stop the mails that needs no token, the mailbox of the List-Unsubscribe header.
 */
export function invalidUnsubscribePage(v: View): PageShell {
  const t = v.t.invalidUnsubscribe;
  const mailto = v.ctx.unsubscribeMailto;
  return shell(
    v,
    t.title,
    html`<p>${t.body}</p>
${mailto ? html`<p>${t.byMail(mailtoLink(mailto, 'unsubscribe'))}</p>\n` : ''}<p>${t.help(v.shown)}</p>`,
  );
}

/**
 * A genuine link whose key was retired (its time ran out, or it leaked and was retired at once):
 * it can no longer unsubscribe, so the page offers the contact, which needs no link.
 */
export function retiredUnsubscribePage(v: View): PageShell {
  const t = v.t.retiredUnsubscribe;
  return shell(v, t.title, html`<p>${t.body}</p>\n<p>${t.help(v.shown)}</p>`);
}

export type ErrorKind = keyof Messages['errors'];

/** Where a GET of the same path, with only `lang`, shows this page again or the form. */
const SAME_PAGE_ERRORS: ReadonlySet<ErrorKind> = new Set(['notFound', 'methodNotAllowed', 'missingToken']);

export function errorPage(v: View, kind: ErrorKind): PageShell {
  const e = v.t.errors[kind];
  return shell(
    v,
    e.title,
    html`<p>${e.body}</p>\n${homeLink(v)}`,
    SAME_PAGE_ERRORS.has(kind) ? { switchTo: 'same' } : {},
  );
}
