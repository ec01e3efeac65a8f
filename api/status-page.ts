import type { MappingView } from '../sync/mappings.js';
import type { DirectionStatus, SyncStatus } from '../sync/status/status.js';
import type { Unmapped } from '../sync/unmapped.js';
import { renderConflictCard } from './conflict-card.js';
import { renderMappingsSection, renderParkedItems } from './mappings-section.js';
import { DIRECTION_WORDS, valueWords, wordsIn, type Reading } from '../sync/record/field-words.js';
import { escapeHtml as escape } from './html.js';
import { HIDDEN, itemName, pageShell, recordLink, timeIn, value, type PageFrame, type When } from './page-shell.js';

export interface DemoView {
  sandboxUrl: string;
  activities: { seqno: number; subject: string; details: string; postId: string | null }[];
  posts: { id: string; text: string; activitySeqno: number | null }[];
}

/** The names the mappings give the Numerik ids a conflict's values hold: a customer's own, a user's Exo staff name. */
const mappedNames = (mappings: readonly MappingView[]) =>
  new Map(mappings.flatMap((m): [string, string][] => (m.kind === 'customer' && m.numerikName ? [[m.numerik, m.numerikName]] : m.kind === 'staff' && m.exoName ? [[m.numerik, m.exoName]] : [])));

function age(seconds: number | null): string {
  if (seconds === null) return 'nothing waiting';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function direction(title: string, d: DirectionStatus, when: When): string {
  return `<section class="card" data-direction="${escape(title)}">
  <h2>${escape(title)} ${d.enabled ? '' : '<span class="badge warn">paused</span>'}</h2>
  <dl>
    <dt>Last success</dt><dd>${when(d.lastSuccessAt)}</dd>
    <dt>Waiting</dt><dd class="depth">${d.depth}${d.retrying ? ` (${d.retrying} retrying)` : ''}${d.busy ? ` (${d.busy} busy: both sides editing)` : ''}${d.bulkStatements ? ` + ${d.bulkStatements} bulk statement(s) being split` : ''}</dd>
    <dt>Lag</dt><dd>${age(d.oldestSeconds)}</dd>
  </dl>
  ${d.errors.length ? `<ul class="errors">${d.errors.map((e) => `<li>${e.count} × ${e.error ? `<span class="reason">${escape(wordsIn(e.error))}</span>` : HIDDEN}</li>`).join('')}</ul>` : ''}
</section>`;
}

function shadowSection(status: SyncStatus, hidden: boolean, when: When): string {
  const { shadow } = status;
  if (!shadow.enabled && !shadow.total) return '';
  const rows = shadow.items.map((d) => `<tr class="shadow"><td>${when(d.at)}</td><td>${escape(DIRECTION_WORDS[d.direction] ?? d.direction)} ${recordLink(d)}</td><td class="reason">${hidden ? HIDDEN : escape(wordsIn(d.reason))}</td></tr>`).join('\n');
  return `<h2>Shadow mode ${shadow.enabled ? '<span class="badge warn">on: nothing is sent or written</span>' : ''}</h2>
<p>${shadow.total} decision${shadow.total === 1 ? '' : 's'} the sync would have carried out; switched off (<code>settings set shadow false</code>), what waited is sent, in order, once.</p>
${rows ? `<table><thead><tr><th>When</th><th>Item</th><th>Would have</th></tr></thead><tbody>${rows}</tbody></table>` : ''}`;
}

/** The status page: counts for anyone on this machine; text, actions and mappings with the admin token. */
export function renderStatusPage(status: SyncStatus & { textHidden?: boolean }, demo?: DemoView, mappings?: readonly MappingView[], frame?: PageFrame, unmapped?: Unmapped): string {
  const hidden = status.textHidden === true;
  const when = timeIn(status.timeZone);
  const reading: Reading = { timeZone: status.timeZone, names: mappedNames(mappings ?? []) };
  const parked = status.parked.length
    ? `<ul>${status.parked.map((p) => `<li class="parked"><strong>${p.count}</strong> ${p.direction === 'outbound' ? (p.count === 1 ? 'activity' : 'activities') : p.count === 1 ? 'post' : 'posts'} waiting: ${escape(p.reason)} <small>since ${when(p.since)}</small></li>`).join('')}</ul>`
    : '<p class="ok">Nothing parked.</p>';
  const dead = status.dead.total
    ? `<p><button class="retry-all">Retry all ${status.dead.total}</button></p>
<table><thead><tr><th>When</th><th>Item</th><th>Reason</th><th></th></tr></thead><tbody>
${status.dead.items.map((d) => `<tr class="dead" data-id="${d.id}"><td>${when(d.at)}</td><td>${escape(DIRECTION_WORDS[d.direction] ?? d.direction)} ${recordLink(d)}</td><td class="reason">${hidden ? HIDDEN : escape(wordsIn(d.reason))}</td><td><button class="retry" data-id="${d.id}" data-item="${escape(itemName(d))}">Retry</button></td></tr>`).join('\n')}
</tbody></table>`
    : '<p class="ok">No dead letters.</p>';
  const conflicts = status.conflicts.items.length
    ? status.conflicts.items.map((c) => renderConflictCard(c, { when, hidden, withRecord: true, show: (field, v) => value(valueWords(field, v, reading)) })).join('\n')
    : '<p class="ok">No conflicts.</p>';
  const body = `<p><small>As of ${when(status.generatedAt)}. <a href="/status?format=json">JSON</a> · <a href="/metrics">metrics</a> · <a href="/status/preview">preview what the sync would do</a></small></p>
<form action="/status/records" method="get" role="search"><input name="q" placeholder="Activity key, post id, or words of a subject" aria-label="find a record" size="36"><button>Find</button></form>
<div class="cards">${direction('Exo → Numerik', status.outbound, when)}${direction('Numerik → Exo', status.inbound, when)}</div>
<h2>Parked</h2>${parked}${hidden || !unmapped ? '' : renderParkedItems(unmapped.parked, when)}
<h2>Dead letters</h2>${dead}
<h2>Conflicts</h2>${conflicts}
${shadowSection(status, hidden, when)}
${renderMappingsSection(hidden ? undefined : mappings, hidden ? undefined : unmapped)}
${demo ? demoPanel(demo) : ''}`;
  return pageShell('exo-numerik status', hidden, body, frame);
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
