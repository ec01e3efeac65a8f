import { DateTime } from 'luxon';
import { escapeHtml as escape } from './html.js';

/** A time as the Exo site reads it (its zone), with the UTC instant on hover. */
export const timeIn = (zone: string) => (iso: string | null) => {
  if (!iso) return 'never';
  const local = DateTime.fromISO(iso, { zone });
  const shown = local.isValid ? local.toFormat('d LLL yyyy HH:mm:ss ZZZZ') : iso;
  return `<time datetime="${escape(iso)}" title="${escape(iso.replace('T', ' ').slice(0, 19))} UTC">${escape(shown)}</time>`;
};
export type When = ReturnType<typeof timeIn>;

export const HIDDEN = '<span class="hidden">shown with the admin token</span>';

export const itemName = (i: { activitySeqno: number | null; postId: string | null }) =>
  [i.activitySeqno !== null ? `activity ${i.activitySeqno}` : '', i.postId ? `post ${i.postId}` : ''].filter(Boolean).join(' · ');

/** A link to the record's page, named as the status shows it. */
export const recordLink = (i: { activitySeqno: number | null; postId: string | null }) => {
  const href = i.activitySeqno !== null ? `/status/records/activity/${i.activitySeqno}` : i.postId ? `/status/records/post/${encodeURIComponent(i.postId)}` : undefined;
  return href ? `<a class="record" href="${escape(href)}">${escape(itemName(i))}</a>` : '';
};

export const value = (v: unknown) => `<pre>${escape(v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v, null, 1))}</pre>`;

/** "Use this version" buttons of one conflict field (or of every field: `field` 'all'). */
export const choiceButtons = (conflictId: number, field: string, hidden: boolean) =>
  hidden
    ? ''
    : `<span class="choose"><button class="choose" data-conflict="${conflictId}" data-field="${escape(field)}" data-side="exo">Use Exo's</button> <button class="choose" data-conflict="${conflictId}" data-field="${escape(field)}" data-side="numerik">Use Numerik's</button></span>`;

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1d2733}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:.2rem 0}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.card,article{border:1px solid #ccd5df;border-radius:.5rem;padding:.8rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem;margin:0}dt{color:#5a6877}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}td,th{border-bottom:1px solid #e3e8ee;padding:.3rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;margin:0;font-size:.85rem}.won{background:#eaf7ee}.lost{background:#fdf0ef}.differs{background:#fff6dd}.ok{color:#1e7b3c}.badge{border-radius:.3rem;padding:0 .3rem;font-size:.8rem;background:#e3e8ee}.badge.warn{background:#fde9b8}
button{font:inherit;padding:.3rem .8rem;border-radius:.3rem;border:1px solid #5a6877;background:#fff;cursor:pointer}#message,.errors{min-height:1.4em;color:#8a1c1c}.errors{font-size:.9rem;padding-left:1.2rem}
form{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}textarea,input,select{font:inherit;padding:.2rem}textarea{width:100%}label{font-size:.85rem;color:#5a6877}
.hidden{color:#5a6877;font-style:italic}.notice{background:#eef3f8;border-radius:.4rem;padding:.5rem .8rem}ol.timeline{padding-left:1.2rem}ol.timeline li{margin:.2rem 0}.closed{color:#5a6877}`;

// Shared by every page: the token becomes a session cookie (never a URL); changes always carry the
// token itself, are confirmed, and name the person (asked once per tab).
const SCRIPT = `const message = document.getElementById('message');
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.get('token')) { sessionStorage.setItem('exoNumerikToken', hash.get('token')); history.replaceState(null, '', location.pathname + location.search); }
async function showAll() {
  const answer = await fetch('/status/session', { method: 'POST', headers: { authorization: 'Bearer ' + token() } });
  if (answer.ok) location.reload(); else { sessionStorage.removeItem('exoNumerikToken'); message.textContent = 'The admin token was not accepted.'; }
}
if (document.getElementById('text-hidden') && sessionStorage.getItem('exoNumerikToken')) showAll();
function token() {
  let t = sessionStorage.getItem('exoNumerikToken');
  if (!t) { t = prompt('Admin token (api.adminToken)'); if (t) sessionStorage.setItem('exoNumerikToken', t); }
  return t;
}
function operator() {
  let name = sessionStorage.getItem('exoNumerikOperator');
  if (!name) { name = (prompt('Your name (kept in the log with what you do)') || '').trim(); if (name) sessionStorage.setItem('exoNumerikOperator', name); }
  return name;
}
async function post(url, body) {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token() }, body: JSON.stringify(body) });
  const result = await answer.json().catch(() => ({}));
  if (!answer.ok) { if (answer.status === 401) sessionStorage.removeItem('exoNumerikToken'); message.textContent = result.reason || ('failed: HTTP ' + answer.status); return undefined; }
  return result;
}
async function change(button, url, body, question) {
  if (!confirm(question)) return;
  const by = operator();
  if (!by) { message.textContent = 'Nothing done: say who you are first.'; return; }
  button.disabled = true;
  const result = await post(url, { ...body, by });
  if (result) { message.textContent = result.message; setTimeout(() => location.reload(), 1200); } else button.disabled = false;
}
document.addEventListener('click', async (e) => {
  if (e.target.closest('button.show-all')) return void showAll();
  if (e.target.closest('button.hide-all')) { sessionStorage.removeItem('exoNumerikToken'); await fetch('/status/session', { method: 'DELETE' }); return void location.reload(); }
  const choose = e.target.closest('button.choose');
  if (choose) { const d = choose.dataset; const side = d.side === 'exo' ? "Exo's" : "Numerik's"; return void change(choose, '/admin/conflicts/' + d.conflict + '/choice', { field: d.field, side: d.side }, 'Conflict #' + d.conflict + ': use ' + side + ' version of ' + (d.field === 'all' ? 'every field' : d.field) + ' on both sides?'); }
  const act = e.target.closest('button.act');
  if (act) return void change(act, act.dataset.url, { action: act.dataset.action }, act.dataset.question);
});`;

/** A page of the local API: plain HTML, a little script, readable on a phone; no build step. */
export function pageShell(title: string, hidden: boolean, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
${STYLE}
</style></head>
<body>
<h1><a href="/status" style="color:inherit;text-decoration:none">exo-numerik</a>${title === 'exo-numerik status' ? '' : ` · ${escape(title)}`}</h1>
${
    hidden
      ? '<p class="notice" id="text-hidden">Counts and states only: activity text, names and reasons are shown with the admin token. <button class="show-all">Show everything</button></p>'
      : '<p class="notice"><button class="hide-all">Hide the text</button> (ends this page\'s session)</p>'
  }
<p id="message" role="status"></p>
${body}
<script>
${SCRIPT}
${script}
</script>
</body></html>`;
}
