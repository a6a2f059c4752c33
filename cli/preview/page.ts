/**
 * The preview page's HTML shell. Everything that changes (the report's text, problems, the
 * email) arrives over Server-Sent Events and is put in by client.js with textContent and an
 * iframe's srcdoc, never as markup: report text is untrusted as far as HTML goes.
 */
import { esc as escapeHtml } from '../../functions/http/html.ts';
import { previewMessages, type PreviewMessageKey } from './messages.ts';

/** Japanese first, then English, each marked with its language. */
function both(key: PreviewMessageKey, vars: Record<string, string> = {}): string {
  const one = (lang: 'ja' | 'en') =>
    escapeHtml(previewMessages[lang][key].replace(/\{(\w+)\}/g, (all, k: string) => vars[k] ?? all));
  return `<span lang="ja">${one('ja')}</span> <span lang="en" class="en">${one('en')}</span>`;
}

/** The messages for client.js, in a JSON block that cannot close its script element. */
function messagesJson(): string {
  return JSON.stringify(previewMessages).replace(/</g, '\\u003c');
}

const css = `
:root { color-scheme: light; font-family: system-ui, 'Hiragino Sans', 'Noto Sans JP', Meiryo, sans-serif; color: #1f2937; background: #f3f4f6; }
body { margin: 0; padding: 0 1.5rem 3rem; line-height: 1.6; }
header { padding: 1rem 0 .5rem; border-bottom: 1px solid #d1d5db; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.en { color: #4b5563; font-size: .9em; }
.file { font-family: ui-monospace, monospace; word-break: break-all; }
#status { font-weight: 600; }
body[data-phase="ok"] #status { color: #166534; }
body[data-phase="invalid"] #status { color: #991b1b; }
#connection:empty { display: none; }
#connection { background: #fef3c7; color: #78350f; padding: .5rem .75rem; border-radius: 4px; }
#problems { background: #fef2f2; border: 2px solid #b91c1c; border-radius: 6px; padding: .25rem 1rem 1rem; margin-top: 1rem; }
#problems li { margin: .25rem 0; }
.where { font-family: ui-monospace, monospace; color: #7f1d1d; margin-right: .5rem; }
.inbox-row { background: #fff; border: 1px solid #d1d5db; border-radius: 6px; padding: .75rem 1rem; max-width: 640px; }
.inbox-row dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
.inbox-row dt { color: #4b5563; font-size: .85rem; }
.inbox-row dd { margin: 0; overflow-wrap: anywhere; }
#subject { font-weight: 700; }
#preheader { color: #4b5563; }
.warn { background: #fff7ed; border-left: 4px solid #c2410c; padding: .5rem .75rem; color: #7c2d12; max-width: 640px; }
.fits { color: #166534; }
fieldset { border: 1px solid #d1d5db; border-radius: 6px; display: inline-block; margin: .5rem 1rem .5rem 0; padding: .25rem 1rem .5rem; }
label { margin-right: 1rem; }
.frames { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
iframe { border: 1px solid #9ca3af; background: #fff; height: 900px; display: block; }
#frame-desktop { width: 660px; }
#frame-phone { width: 375px; }
iframe.dark { background: #111827; }
pre { background: #fff; border: 1px solid #d1d5db; padding: 1rem; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 80ch; font-family: ui-monospace, monospace; font-size: .9rem; }
[hidden] { display: none !important; }
`;

export function previewPage(file: string): string {
  const sandbox = 'allow-popups allow-popups-to-escape-sandbox';
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(previewMessages.ja.title)} / ${escapeHtml(previewMessages.en.title)}</title>
<style>${css}</style>
</head>
<body data-phase="starting">
<header>
  <h1>${both('title')}</h1>
  <p class="file">${both('file', { file })}</p>
  <p>${both('help')}</p>
  <p id="status" role="status" aria-live="polite">${both('starting')}</p>
  <p id="connection" role="alert"></p>
</header>
<main>
  <section id="problems" aria-labelledby="problems-heading" hidden>
    <h2 id="problems-heading">${both('problems')}</h2>
    <ul id="problem-list"></ul>
    <p id="problems-note"></p>
  </section>
  <div id="rendering" hidden>
    <section aria-labelledby="inbox-heading">
      <h2 id="inbox-heading">${both('inbox')}</h2>
      <div class="inbox-row">
        <dl>
          <dt>${both('from')}</dt><dd id="from"></dd>
          <dt>${both('subject')}</dt><dd id="subject"></dd>
          <dt>${both('preheader')}</dt><dd id="preheader"></dd>
        </dl>
      </div>
      <p id="subject-length"></p>
      <p id="subject-fit"></p>
    </section>
    <section aria-labelledby="options-heading">
      <h2 id="options-heading">${both('options')}</h2>
      <fieldset>
        <legend>${both('language')}</legend>
        <label><input type="radio" name="locale" value="ja" checked> ${both('japanese')}</label>
        <label><input type="radio" name="locale" value="en"> ${both('english')}</label>
      </fieldset>
      <fieldset>
        <legend>${both('scheme')}</legend>
        <label><input type="radio" name="scheme" value="light" checked> ${both('light')}</label>
        <label><input type="radio" name="scheme" value="dark"> ${both('dark')}</label>
      </fieldset>
      <p class="en-note">${both('darkNote')}</p>
    </section>
    <section aria-labelledby="html-heading">
      <h2 id="html-heading">${both('html')}</h2>
      <div class="frames">
        <figure>
          <figcaption id="desktop-caption">${both('desktop')}</figcaption>
          <iframe id="frame-desktop" sandbox="${sandbox}" title="${escapeHtml(`${previewMessages.ja.frameDesktop} / ${previewMessages.en.frameDesktop}`)}" aria-describedby="desktop-caption"></iframe>
        </figure>
        <figure>
          <figcaption id="phone-caption">${both('phone')}</figcaption>
          <iframe id="frame-phone" sandbox="${sandbox}" title="${escapeHtml(`${previewMessages.ja.framePhone} / ${previewMessages.en.framePhone}`)}" aria-describedby="phone-caption"></iframe>
        </figure>
      </div>
    </section>
    <section aria-labelledby="text-heading">
      <h2 id="text-heading">${both('text')}</h2>
      <pre id="text" tabindex="0"></pre>
    </section>
  </div>
</main>
<script type="application/json" id="messages">${messagesJson()}</script>
<script src="/client.js"></script>
</body>
</html>
`;
}
