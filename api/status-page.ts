import { DateTime } from 'luxon';
import type { DirectionStatus, SyncStatus } from '../sync/status/status.js';
import { escapeHtml as escape } from './html.js';

export interface DemoView {
  sandboxUrl: string;
  activities: { seqno: number; subject: string; details: string; postId: string | null }[];
  posts: { id: string; text: string; activitySeqno: number | null }[];
}


function age(seconds: number | null): string {
  if (seconds === null) return 'nothing waiting';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** A time as the Exo site reads it (its zone), with the UTC instant on hover. */
const timeIn = (zone: string) => (iso: string | null) => {
  if (!iso) return 'never';
  const local = DateTime.fromISO(iso, { zone });
  const shown = local.isValid ? local.toFormat('d LLL yyyy HH:mm:ss ZZZZ') : iso;
  return `<time datetime="${escape(iso)}" title="${escape(iso.replace('T', ' ').slice(0, 19))} UTC">${escape(shown)}</time>`;
};
type When = ReturnType<typeof timeIn>;

function direction(title: string, d: DirectionStatus, when: When): string {
  return `<section class="card" data-direction="${escape(title)}">
  <h2>${escape(title)} ${d.enabled ? '' : '<span class="badge warn">paused</span>'}</h2>
  <dl>
    <dt>Last success</dt><dd>${when(d.lastSuccessAt)}</dd>
    <dt>Waiting</dt><dd class="depth">${d.depth}${d.retrying ? ` (${d.retrying} retrying)` : ''}</dd>
    <dt>Lag</dt><dd>${age(d.oldestSeconds)}</dd>
  </dl>
  ${d.errors.length ? `<ul class="errors">${d.errors.map((e) => `<li>${e.count} × ${e.error ? escape(e.error) : HIDDEN}</li>`).join('')}</ul>` : ''}
</section>`;
}

const itemName = (i: { activitySeqno: number | null; postId: string | null }) =>
  [i.activitySeqno !== null ? `activity ${i.activitySeqno}` : '', i.postId ? `post ${i.postId}` : ''].filter(Boolean).join(' · ');

const value = (v: unknown) => `<pre>${escape(typeof v === 'string' ? v : JSON.stringify(v, null, 1))}</pre>`;

const HIDDEN = '<span class="hidden">shown with the admin token</span>';

/** The status page: plain HTML and a little script, readable on a phone; no build step. */
export function renderStatusPage(status: SyncStatus & { textHidden?: boolean }, demo?: DemoView): string {
  const hidden = status.textHidden === true;
  const when = timeIn(status.timeZone);
  const parked = status.parked.length
    ? `<ul>${status.parked.map((p) => `<li class="parked"><strong>${p.count}</strong> ${p.direction === 'outbound' ? (p.count === 1 ? 'activity' : 'activities') : p.count === 1 ? 'post' : 'posts'} waiting: ${escape(p.reason)} <small>since ${when(p.since)}</small></li>`).join('')}</ul>`
    : '<p class="ok">Nothing parked.</p>';
  const dead = status.dead.total
    ? `<p><button class="retry-all">Retry all ${status.dead.total}</button></p>
<table><thead><tr><th>When</th><th>Item</th><th>Reason</th><th></th></tr></thead><tbody>
${status.dead.items.map((d) => `<tr class="dead" data-id="${d.id}"><td>${when(d.at)}</td><td>${escape(d.direction)} ${escape(itemName(d))}</td><td>${hidden ? HIDDEN : escape(d.reason)}</td><td><button class="retry" data-id="${d.id}">Retry</button></td></tr>`).join('\n')}
</tbody></table>`
    : '<p class="ok">No dead letters.</p>';
  const conflicts = status.conflicts.items.length
    ? status.conflicts.items
        .map(
          (c) => `<article class="conflict"><h3>${escape(itemName(c))} <small>${when(c.at)} · ${escape(c.policy)}: ${c.winner === 'exo' ? 'Exo' : 'Numerik'} won</small></h3>
<table><thead><tr><th>Field</th><th>Exo</th><th>Numerik</th></tr></thead><tbody>
${c.fields.map((f) => `<tr><td>${escape(f.field)}</td><td class="${c.winner === 'exo' ? 'won' : 'lost'}">${hidden ? HIDDEN : value(f.exo)}</td><td class="${c.winner === 'numerik' ? 'won' : 'lost'}">${hidden ? HIDDEN : value(f.numerik)}</td></tr>`).join('')}
</tbody></table></article>`,
        )
        .join('\n')
    : '<p class="ok">No conflicts.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>exo-numerik status</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1d2733}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:.2rem 0}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.card,article{border:1px solid #ccd5df;border-radius:.5rem;padding:.8rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem;margin:0}dt{color:#5a6877}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}td,th{border-bottom:1px solid #e3e8ee;padding:.3rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;margin:0;font-size:.85rem}.won{background:#eaf7ee}.lost{background:#fdf0ef}.ok{color:#1e7b3c}.badge.warn{background:#fde9b8;border-radius:.3rem;padding:0 .3rem;font-size:.8rem}
button{font:inherit;padding:.3rem .8rem;border-radius:.3rem;border:1px solid #5a6877;background:#fff;cursor:pointer}#message,.errors{min-height:1.4em;color:#8a1c1c}.errors{font-size:.9rem;padding-left:1.2rem}
form{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}textarea{font:inherit;padding:.2rem;width:100%}label{font-size:.85rem;color:#5a6877}
.hidden{color:#5a6877;font-style:italic}.notice{background:#eef3f8;border-radius:.4rem;padding:.5rem .8rem}
</style></head>
<body>
<h1>exo-numerik</h1>
<p><small>As of ${when(status.generatedAt)}. <a href="/status?format=json">JSON</a> · <a href="/metrics">metrics</a></small></p>
${
    hidden
      ? '<p class="notice" id="text-hidden">Counts and states only: activity text, names and reasons are shown with the admin token. <button class="show-all">Show everything</button></p>'
      : '<p class="notice"><button class="hide-all">Hide the text</button> (ends this page\'s session)</p>'
  }
<p id="message" role="status"></p>
<div class="cards">${direction('Exo → Numerik', status.outbound, when)}${direction('Numerik → Exo', status.inbound, when)}</div>
<h2>Parked</h2>${parked}
<h2>Dead letters</h2>${dead}
<h2>Conflicts</h2>${conflicts}
${demo ? demoPanel(demo) : ''}
<script>
const message = document.getElementById('message');
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.get('token')) { sessionStorage.setItem('exoNumerikToken', hash.get('token')); history.replaceState(null, '', location.pathname); }
// With the token known, the page is read in full through a session cookie: the token is never in a URL again.
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
async function post(url, body) {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token() }, body: JSON.stringify(body) });
  const result = await answer.json().catch(() => ({}));
  if (!answer.ok) { if (answer.status === 401) sessionStorage.removeItem('exoNumerikToken'); message.textContent = result.reason || ('failed: HTTP ' + answer.status); return undefined; }
  return result;
}
document.addEventListener('click', async (e) => {
  if (e.target.closest('button.show-all')) return void showAll();
  if (e.target.closest('button.hide-all')) { sessionStorage.removeItem('exoNumerikToken'); await fetch('/status/session', { method: 'DELETE' }); return void location.reload(); }
  const b = e.target.closest('button.retry, button.retry-all');
  if (!b) return;
  b.disabled = true;
  const result = await post('/admin/retry', b.classList.contains('retry-all') ? { all: true } : { ids: [Number(b.dataset.id)] });
  if (result) { message.textContent = 'Queued again: ' + result.retried.length; setTimeout(() => location.reload(), 600); } else b.disabled = false;
});
document.addEventListener('submit', async (e) => {
  const form = e.target.closest('form[data-demo]');
  if (!form) return;
  e.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  const result = await post(form.action, data);
  if (result) { message.textContent = result.message; setTimeout(() => location.reload(), 2000); }
});
</script>
</body></html>`;
}

function demoPanel(demo: DemoView): string {
  return `<h2>Demo</h2>
<p>Edit an activity's details as an Exo user would (its subject follows their first line), or a post as a Numerik user would, and watch the other side follow within seconds.
The Numerik sandbox runs at <code>${escape(demo.sandboxUrl)}</code>.</p>
<div class="cards">
<section class="card"><h3>Exo activities</h3>
${demo.activities.map((a) => `<form data-demo action="/demo/activities/${a.seqno}" method="post"><label for="a${a.seqno}">${a.seqno} · ${escape(a.subject)}${a.postId ? ` → ${escape(a.postId)}` : ''}</label><textarea id="a${a.seqno}" name="text" rows="2">${escape(a.details)}</textarea><button>Save in Exo</button></form>`).join('\n')}
</section>
<section class="card"><h3>Numerik posts</h3>
${demo.posts.map((p) => `<form data-demo action="/demo/posts/${escape(p.id)}" method="post"><label for="${escape(p.id)}">${escape(p.id)}${p.activitySeqno ? ` → activity ${p.activitySeqno}` : ''}</label><textarea id="${escape(p.id)}" name="text" rows="2">${escape(p.text)}</textarea><button>Save in Numerik</button></form>`).join('\n')}
</section></div>`;
}
