import express, { type Router } from 'express';

/** Where the pages load their script and style from: files of this service, so the CSP says `'self'` and no page carries inline script. */
export const PAGE_SCRIPT_PATH = '/status/assets/page.js';
export const PAGE_STYLE_PATH = '/status/assets/page.css';

/** The header custom to the pages' own requests: a cross-site page cannot send it without a CORS preflight this service never answers. */
export const PAGE_REQUEST_HEADER = 'x-exo-numerik-page';

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1d2733}
h1{font-size:1.4rem;margin:.2rem 0}h1 a{color:inherit;text-decoration:none}h2{font-size:1.1rem;margin:.2rem 0}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.site{color:#5a6877;margin:0 0 .4rem}.back{font-size:.9rem}.subtitle{margin:.2rem 0 .6rem}
.card,article{border:1px solid #ccd5df;border-radius:.5rem;padding:.8rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem;margin:0}dt{color:#5a6877}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}td,th{border-bottom:1px solid #e3e8ee;padding:.3rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;margin:0;font-size:.85rem;font-family:inherit}.won{background:#eaf7ee}.lost{background:#fdf0ef}.kept{background:#f4f6f9}.chosen{color:#1e7b3c}td>.badge{display:inline-block;margin-top:.2rem}article .edits,article .subject{margin:.2rem 0}
.note{color:#5a6877;font-size:.9rem}ul.not-mapped li,ul.mapped li{margin:.3rem 0;overflow-wrap:anywhere}
@media (max-width:40rem){table.fields,table.fields tbody,table.fields tr,table.fields td{display:block}table.fields thead{display:none}table.fields td.field{font-weight:600;border:0}table.fields td[data-label]::before{content:attr(data-label);display:block;font-size:.8rem;color:#5a6877}}.differs{background:#fff6dd}.ok{color:#1e7b3c}.badge{border-radius:.3rem;padding:0 .3rem;font-size:.8rem;background:#e3e8ee;white-space:nowrap}.badge.warn{background:#fde9b8}
.id{color:#5a6877;font-size:.8rem}dd,li,td a,td pre{overflow-wrap:anywhere}
button{font:inherit;padding:.3rem .8rem;border-radius:.3rem;border:1px solid #5a6877;background:#fff;cursor:pointer}#message,.errors{min-height:1.4em;color:#8a1c1c}#message.done{color:#1e7b3c}.errors{font-size:.9rem;padding-left:1.2rem}
form{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}textarea,input,select{font:inherit;padding:.2rem}textarea{width:100%}label{font-size:.85rem;color:#5a6877}
.hidden{color:#5a6877;font-style:italic}.notice{background:#eef3f8;border-radius:.4rem;padding:.5rem .8rem}.notice form{margin:.3rem 0 0;align-items:center}ol.timeline{padding-left:1.2rem}ol.timeline li{margin:.2rem 0}.closed{color:#5a6877}`;

// Shared by every page. The admin token is typed into a form the browser posts itself and is traded
// for an HttpOnly session cookie: no script here ever holds it. The one link `npm start` prints
// carries it in the address's fragment, which is handed to the server at once and dropped.
// Changes go with the session cookie and the pages' own header, are confirmed, and name the person
// (asked once per tab). What a change did is said after the page reloads, not lost with it.
const SCRIPT = `const message = document.getElementById('message');
const said = sessionStorage.getItem('exoNumerikSaid');
if (said) { sessionStorage.removeItem('exoNumerikSaid'); message.textContent = said; message.className = 'done'; }
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.has('token')) {
  const given = fragment.get('token');
  history.replaceState(null, '', location.pathname + location.search);
  fetch('/status/session', { method: 'POST', headers: { authorization: 'Bearer ' + given } }).then((answer) => {
    if (answer.ok) location.reload(); else message.textContent = 'The admin token in the address was not accepted.';
  });
}
function operator() {
  let name = sessionStorage.getItem('exoNumerikOperator');
  if (!name) { name = (prompt('Your name (kept in the log with what you do)') || '').trim(); if (name) sessionStorage.setItem('exoNumerikOperator', name); }
  return name;
}
async function post(url, body) {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', '${PAGE_REQUEST_HEADER}': '1' }, body: JSON.stringify(body) });
  const result = await answer.json().catch(() => ({}));
  if (!answer.ok) { message.className = ''; message.textContent = answer.status === 401 ? 'Give the admin token first (Show everything), then try again.' : result.reason || ('failed: HTTP ' + answer.status); return undefined; }
  return result;
}
function done(text, delay) {
  message.className = 'done'; message.textContent = text;
  sessionStorage.setItem('exoNumerikSaid', text);
  setTimeout(() => location.reload(), delay);
}
async function change(button, url, body, question) {
  if (!confirm(question)) return;
  const by = operator();
  if (!by) { message.textContent = 'Nothing done: say who you are first.'; return; }
  button.disabled = true;
  const result = await post(url, { ...body, by });
  if (result) done(result.message, 1200); else button.disabled = false;
}
document.addEventListener('click', async (e) => {
  if (e.target.closest('button.hide-all')) { await fetch('/status/session', { method: 'DELETE' }); return void location.reload(); }
  const choose = e.target.closest('button.choose');
  if (choose) { const d = choose.dataset; const side = d.side === 'exo' ? "Exo's" : "Numerik's"; return void change(choose, '/admin/conflicts/' + d.conflict + '/choice', { field: d.field, side: d.side }, 'Conflict #' + d.conflict + ': use ' + side + ' ' + (d.label || d.field) + ' on both sides?'); }
  const act = e.target.closest('button.act');
  if (act) return void change(act, act.dataset.url, { action: act.dataset.action }, act.dataset.question);
  const retry = e.target.closest('button.retry, button.retry-all');
  if (!retry) return;
  retry.disabled = true;
  const result = await post('/admin/retry', retry.classList.contains('retry-all') ? { all: true } : { ids: [Number(retry.dataset.id)] });
  if (result) done(result.retried.length === 1 ? 'Queued again: 1 dead letter (' + (retry.dataset.item || '#' + result.retried[0]) + ').' : 'Queued again: ' + result.retried.length + ' dead letters.', 600); else retry.disabled = false;
});
document.addEventListener('submit', async (e) => {
  const map = e.target.closest('form#map-form');
  if (map) {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(map));
    const clear = e.submitter && e.submitter.value === 'clear';
    const body = { kind: data.kind, exo: data.exo, ...(clear ? {} : { numerik: data.numerik }) };
    return void change(e.submitter || map, '/admin/mappings', body, clear ? 'Clear the ' + data.kind + ' override of ' + data.exo + '?' : 'Map ' + data.kind + ' ' + data.exo + ' to ' + data.numerik + ' (what it affects is sent again)?');
  }
  const form = e.target.closest('form[data-demo]');
  if (!form) return;
  e.preventDefault();
  const result = await post(form.action, Object.fromEntries(new FormData(form)));
  if (result) done(result.message, 2000);
});`;

/** The pages' script and style, cacheable for a minute (a new release is picked up soon after). */
export function pageAssets(): Router {
  const router = express.Router();
  const send = (type: string, text: string) => (_req: express.Request, res: express.Response) => void res.type(type).setHeader('Cache-Control', 'max-age=60').send(text);
  router.get(PAGE_SCRIPT_PATH, send('text/javascript', SCRIPT));
  router.get(PAGE_STYLE_PATH, send('text/css', STYLE));
  return router;
}
