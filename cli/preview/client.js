// The live preview page's script (served as /client.js). It receives the preview state over
// Server-Sent Events and writes it with textContent and iframe.srcdoc only: report text never
// becomes markup in this page, and the email runs in a sandboxed frame without scripts.
const M = JSON.parse(document.getElementById('messages').textContent);
const $ = (id) => document.getElementById(id);
const prefs = { locale: 'ja', scheme: 'light' };
let state = null;
let version = 0;
const shownSrcdoc = new Map();

const fill = (template, vars) =>
  template.replace(/\{(\w+)\}/g, (all, k) => (k in vars ? String(vars[k]) : all));

/** Japanese, then English, each marked with its language. */
function both(key, vars = {}) {
  const ja = document.createElement('span');
  ja.lang = 'ja';
  ja.textContent = fill(M.ja[key], vars);
  const en = document.createElement('span');
  en.lang = 'en';
  en.className = 'en';
  en.textContent = fill(M.en[key], vars);
  return [ja, ' ', en];
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString('ja-JP') : '');

function problemItem(p) {
  const li = document.createElement('li');
  const where = document.createElement('span');
  where.className = 'where';
  const at = p.line ? (p.column ? fill(M.ja.at, p) : fill(M.ja.atLine, p)) : '';
  where.textContent = [state.file + (p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''), p.path]
    .filter(Boolean)
    .join(' ');
  if (at) where.title = at;
  const message = document.createElement('span');
  message.className = 'message';
  message.textContent = p.message;
  li.append(where, message);
  return li;
}

function setFrame(frame, html) {
  // Setting srcdoc reloads the frame: only when the document changed, so a toggle does not flash.
  if (shownSrcdoc.get(frame) !== html) {
    frame.srcdoc = html;
    shownSrcdoc.set(frame, html);
  }
  frame.style.colorScheme = prefs.scheme;
  frame.classList.toggle('dark', prefs.scheme === 'dark');
}

function render() {
  if (!state) return;
  document.body.dataset.phase = state.phase;
  document.body.dataset.version = String(state.version);
  const status = $('status');
  if (state.phase === 'starting') status.replaceChildren(...both('starting'));
  else
    status.replaceChildren(...both(state.phase === 'ok' ? 'ok' : 'invalid', { time: time(state.checkedAt) }));

  const problems = $('problems');
  problems.hidden = state.problems.length === 0;
  $('problem-list').replaceChildren(...state.problems.map(problemItem));
  $('problems-note').replaceChildren(
    ...(state.rendering ? both('lastGood', { time: time(state.renderedAt) }) : both('nothingYet')),
  );

  const r = state.rendering;
  $('rendering').hidden = !r;
  if (!r) return;
  const mail = r.locales[prefs.locale];
  $('from').textContent = r.from;
  $('subject').textContent = mail.subject;
  $('preheader').textContent = mail.preheader;
  $('subject-length').replaceChildren(
    ...both('subjectLength', { length: mail.fit.width, title: mail.fit.titleWidth }),
  );
  const fit = $('subject-fit');
  fit.className = mail.fit.fits ? 'fits' : 'warn';
  fit.replaceChildren(
    ...(!mail.fit.fits
      ? both('cut', { limit: mail.fit.titleLimit, shown: mail.fit.visibleTitle })
      : both('fits', { limit: mail.fit.titleLimit })),
  );
  const html = prefs.scheme === 'dark' ? mail.htmlDark : mail.html;
  setFrame($('frame-desktop'), html);
  setFrame($('frame-phone'), html);
  $('text').textContent = mail.text;
}

for (const input of document.querySelectorAll('input[name="locale"], input[name="scheme"]')) {
  input.addEventListener('change', () => {
    prefs[input.name] = input.value;
    render();
  });
}

const events = new EventSource('/events');
events.addEventListener('state', (e) => {
  const next = JSON.parse(e.data);
  if (next.version <= version) return;
  version = next.version;
  state = next;
  render();
});
events.addEventListener('open', () => {
  // A restarted server counts from 1 again.
  version = 0;
  $('connection').replaceChildren();
});
events.addEventListener('error', () => $('connection').replaceChildren(...both('disconnected')));
