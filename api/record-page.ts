import { OWNERSHIP_WORDS } from '../sync/mapping/ownership.js';
import type { RecordKey, RecordView } from '../sync/record/record-view.js';
import { renderConflictCard } from './conflict-card.js';
import { escapeHtml as escape } from './html.js';
import { formatCompanyId, parseCompanyId } from '../db/exo/company.js';
import { DIRECTION_WORDS, fieldLabel, named, valueWords, wallTime, wordsIn, type Reading } from '../sync/record/field-words.js';
import { HIDDEN, pageShell, recordLink, timeIn, value, type PageFrame, type When } from './page-shell.js';

const ACTIONS: { action: string; label: string; question: string; needsLink: boolean }[] = [
  { action: 'retry', label: 'Retry now', question: 'Send it on its way again now?', needsLink: false },
  { action: 'send-exo', label: "Send Exo's version", question: "Make Numerik's post what the Exo activity holds (its edits of the post are replaced)?", needsLink: true },
  { action: 'take-numerik', label: "Take Numerik's version", question: "Make the Exo activity what Numerik's post holds (Exo's edits not yet sent are replaced)?", needsLink: true },
  { action: 'unlink', label: 'Unlink', question: 'Stop syncing the two (neither is changed; neither is synced to the other again)?', needsLink: true },
];

// The field is ours, but an Exo user could have edited it: only a web address becomes a link.
const postLink = (address: string | null) => (!address ? '—' : /^https?:\/\//i.test(address) ? `<a href="${escape(address)}" rel="noreferrer">${escape(address)}</a>` : escape(address));

const keyPath = (key: RecordKey) => ('activity' in key ? `activity/${key.activity}` : `post/${encodeURIComponent(key.post)}`);

const KINDS: Record<string, string> = { synced: 'synced', skipped: 'skipped', parked: 'waiting', dead: 'dead letter', conflict: 'conflict', truncated: 'cut short', deleted: 'deleted', note: 'note', shadow: 'shadow mode' };

/** One field's value for a table cell, as an Exo user reads it. */
const shown = (field: string, v: unknown, reading: Reading) => `<pre>${escape(valueWords(field, v, reading))}</pre>`;

/** The activity's subject and account, said under the page's title. */
function subtitle(r: RecordView, reading: Reading): string | undefined {
  if (!r.activity) return undefined;
  const account = parseCompanyId(r.activity.companyId);
  const key = account && formatCompanyId(account);
  const subject = r.activity.subject?.trim() ? `<strong class="subject">${escape(r.activity.subject.trim())}</strong>` : '<span class="hidden">(no subject)</span>';
  const of = key ? ` · account <span class="account">${escape(named(key, reading.names))}</span>` : '';
  return `${subject}${of}${r.activity.deleted ? ' · <span class="badge warn">deleted in Exo</span>' : ''}`;
}

/** One record's page: both sides side by side with what they agreed on, pending work, conflicts, history, actions. */
export function renderRecordPage(r: RecordView, key: RecordKey, frame?: PageFrame): string {
  const when = timeIn(r.timeZone);
  const reading: Reading = { timeZone: r.timeZone, names: new Map(Object.entries(r.names)) };
  const title = 'activity' in key ? `activity ${key.activity}` : `post ${key.post}`;
  const active = r.link?.state === 'active';
  const actions = ACTIONS.filter((a) => r.link?.state !== 'unlinked' && (active || !a.needsLink))
    .map((a) => `<button class="act" data-action="${a.action}" data-url="/admin/records/${escape(keyPath(key))}/actions" data-question="${escape(a.question)}">${escape(a.label)}</button>`)
    .join(' ');
  const link = r.link
    ? `<dl><dt>Link</dt><dd class="link-state"><span class="badge${active ? '' : ' warn'}">${escape(r.link.state)}</span> ${escape(r.link.postType)}, made in ${r.link.origin === 'exo' ? 'Exo' : 'Numerik'}; linked ${when(r.link.linkedAt)}, last agreed ${when(r.link.syncedAt)}</dd>
<dt>On the activity</dt><dd class="record-state">${escape(r.fields?.state ?? '(no state yet)')}</dd>
<dt>In Numerik</dt><dd>${postLink(r.fields?.post ?? null)}</dd></dl>`
    : `<p>Not linked.${r.fields?.state ? ` On the activity: <span class="record-state">${escape(r.fields.state)}</span>` : ''}</p>`;
  const sides = `<table class="sides"><thead><tr><th>Field</th><th>Exo now</th><th>Numerik now</th><th>Last agreed (Exo)</th><th>Last agreed (Numerik)</th></tr></thead><tbody>
${r.sides.map((s) => `<tr data-field="${s.field}" class="${s.differs ? 'differs' : ''}"><td>${escape(fieldLabel(s.field))}${OWNERSHIP_WORDS[s.ownership] ? `<br><small class="ownership">${escape(OWNERSHIP_WORDS[s.ownership])}</small>` : ''}</td><td>${shown(s.field, s.exo, reading)}</td><td>${shown(s.field, s.numerik, reading)}</td><td>${shown(s.field, s.agreedExo, reading)}</td><td>${shown(s.field, s.agreedNumerik, reading)}</td></tr>`).join('\n')}
</tbody></table>`;
  const pending = [...r.pending.queue.map((w) => ({ ...w, side: 'Exo → Numerik' })), ...r.pending.inbox.map((w) => ({ ...w, side: 'Numerik → Exo' }))];
  const work = pending.length
    ? `<ul class="pending">${pending.map((w) => `<li>${escape(w.side)}: ${escape(w.what)} · ${escape(w.state)} · attempt ${w.attempts}${w.lastError ? ` · <span class="errors reason">${escape(wordsIn(w.lastError, reading.names))}</span>` : ''}</li>`).join('')}</ul>`
    : '<p class="ok">Nothing pending.</p>';
  const open = [...r.open.dead.map((e) => ({ ...e, what: 'Dead letter' })), ...r.open.parked.map((e) => ({ ...e, what: 'Waiting' }))];
  const conflicts = r.open.conflicts.length ? r.open.conflicts.map((c) => conflictCard(c, r, when, reading)).join('\n') : '<p class="ok">No conflicts.</p>';
  const account = r.activity && parseCompanyId(r.activity.companyId);
  const body = `<p>${recordLink(r)}${r.numerikError ? ` · <span class="errors" id="numerik-error">${escape(r.numerikError)}</span>` : ''} · <small>times in ${escape(r.timeZone)}, the Exo site's zone</small></p>
${link}
<p class="actions">${actions}</p>
<h2>Both sides</h2>${sides}
${r.activity ? `<details><summary>The activity as Exo holds it</summary><dl><dt>Subject</dt><dd>${value(r.activity.subject)}</dd><dt>Details</dt><dd>${value(r.activity.details)}</dd><dt>Account</dt><dd>${escape(account ? named(formatCompanyId(account), reading.names) : (r.activity.companyId ?? '—'))}</dd><dt>Modified</dt><dd>${escape(r.activity.modifiedAt ? wallTime(r.activity.modifiedAt, r.timeZone) : '—')}</dd></dl></details>` : ''}
<h2>Pending</h2>${work}
${open.length ? `<ul class="open">${open.map((e) => `<li>${escape(e.what)} #${e.id} (${when(e.at)}): <span class="reason">${escape(wordsIn(e.reason, reading.names))}</span></li>`).join('')}</ul>` : ''}
<h2>Conflicts</h2>${conflicts}
<h2>History <small>(newest first)</small></h2><ol class="timeline">${r.history.map((h) => `<li data-kind="${escape(h.kind)}">${when(h.at)} · ${escape(DIRECTION_WORDS[h.direction] ?? h.direction)} · <strong>${escape(KINDS[h.kind] ?? h.kind)}</strong> <span class="reason">${escape(wordsIn(h.reason, reading.names))}</span>${h.resolved ? ` <span class="closed">(closed: ${escape(wordsIn(h.resolved.resolution ?? '', reading.names))})</span>` : ''}</li>`).join('')}</ol>`;
  return pageShell(title, false, body, { ...frame, subtitle: subtitle(r, reading) });
}

/** One conflict card of the record (api/conflict-card.ts), its fields' "now" the record's both sides as just read. */
function conflictCard(c: RecordView['open']['conflicts'][number], r: RecordView, when: When, reading: Reading): string {
  const now = new Map(r.sides.map((side) => [side.field as string, { exo: side.exo, numerik: side.numerik }]));
  const fields = c.fields.map((f) => ({ ...f, now: f.now ?? now.get(f.field) ?? null }));
  return renderConflictCard({ ...c, fields }, { when, hidden: false, withRecord: false, resolved: c.resolved, show: (field, v) => shown(field, v, reading), names: reading.names });
}

/** The page without the admin token, and the search's answers. */
export function renderRecordNotice(title: string, hidden: boolean, text: string, matches: { href: string; label: string }[] = [], frame?: PageFrame): string {
  const list = matches.length ? `<ul class="matches">${matches.map((m) => `<li><a href="${escape(m.href)}">${escape(m.label)}</a></li>`).join('')}</ul>` : '';
  return pageShell(title, hidden, `<p>${hidden ? HIDDEN : escape(text)}</p>${list}
<form action="/status/records" method="get" role="search"><input name="q" placeholder="Activity key, post id, or words of a subject" aria-label="find a record" size="36"><button>Find</button></form>`, frame);
}
