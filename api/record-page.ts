import type { RecordKey, RecordView } from '../sync/record/record-view.js';
import { escapeHtml as escape } from './html.js';
import { choiceButtons, HIDDEN, pageShell, recordLink, timeIn, value, type PageFrame } from './page-shell.js';

const ACTIONS: { action: string; label: string; question: string; needsLink: boolean }[] = [
  { action: 'retry', label: 'Retry now', question: 'Send it on its way again now?', needsLink: false },
  { action: 'send-exo', label: "Send Exo's version", question: "Make Numerik's post what the Exo activity holds (its edits of the post are replaced)?", needsLink: true },
  { action: 'take-numerik', label: "Take Numerik's version", question: "Make the Exo activity what Numerik's post holds (Exo's edits not yet sent are replaced)?", needsLink: true },
  { action: 'unlink', label: 'Unlink', question: 'Stop syncing the two (neither is changed; neither is synced to the other again)?', needsLink: true },
];

// The field is ours, but an Exo user could have edited it: only a web address becomes a link.
const postLink = (address: string | null) => (!address ? '—' : /^https?:\/\//i.test(address) ? `<a href="${escape(address)}" rel="noreferrer">${escape(address)}</a>` : escape(address));

const keyPath = (key: RecordKey) => ('activity' in key ? `activity/${key.activity}` : `post/${encodeURIComponent(key.post)}`);

/** One record's page: both sides side by side with what they agreed on, pending work, conflicts, history, actions. */
export function renderRecordPage(r: RecordView, key: RecordKey, frame?: PageFrame): string {
  const when = timeIn(r.timeZone);
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
  const sides = `<table class="sides"><thead><tr><th>Field</th><th>Exo now</th><th>Numerik now</th><th>Agreed (Exo)</th><th>Agreed (Numerik)</th></tr></thead><tbody>
${r.sides.map((s) => `<tr data-field="${s.field}" class="${s.differs ? 'differs' : ''}"><td>${escape(s.field)}</td><td>${value(s.exo)}</td><td>${value(s.numerik)}</td><td>${value(s.agreedExo)}</td><td>${value(s.agreedNumerik)}</td></tr>`).join('\n')}
</tbody></table>`;
  const pending = [...r.pending.queue.map((w) => ({ ...w, side: 'Exo → Numerik' })), ...r.pending.inbox.map((w) => ({ ...w, side: 'Numerik → Exo' }))];
  const work = pending.length
    ? `<ul class="pending">${pending.map((w) => `<li>${escape(w.side)}: ${escape(w.what)} · ${escape(w.state)} · attempt ${w.attempts}${w.lastError ? ` · <span class="errors">${escape(w.lastError)}</span>` : ''}</li>`).join('')}</ul>`
    : '<p class="ok">Nothing pending.</p>';
  const open = [...r.open.dead.map((e) => ({ ...e, what: 'Dead letter' })), ...r.open.parked.map((e) => ({ ...e, what: 'Waiting' }))];
  const conflicts = r.open.conflicts.length
    ? r.open.conflicts
        .map(
          (c) => `<article class="conflict${c.resolved ? ' closed' : ''}" data-conflict="${c.id}"><h3>#${c.id} <small>${when(c.at)} · ${escape(c.policy)}: ${c.winner === 'exo' ? 'Exo' : 'Numerik'} won · ${
            c.resolved ? `<span class="resolution">closed: ${escape(c.resolved.resolution ?? '')}${c.resolved.by && !c.resolved.resolution?.includes(c.resolved.by) ? ` (${escape(c.resolved.by)})` : ''}</span>` : '<span class="badge warn">to review</span>'
          }</small></h3>
<table><thead><tr><th>Field</th><th>Exo</th><th>Numerik</th><th></th></tr></thead><tbody>
${c.fields.map((f) => `<tr data-field="${escape(f.field)}"><td>${escape(f.field)}</td><td class="${c.winner === 'exo' ? 'won' : 'lost'}">${value(f.exo)}</td><td class="${c.winner === 'numerik' ? 'won' : 'lost'}">${value(f.numerik)}</td><td>${choiceButtons(c.id, f.field, c.resolved !== null)}</td></tr>`).join('')}
</tbody></table></article>`,
        )
        .join('\n')
    : '<p class="ok">No conflicts.</p>';
  const body = `<p>${recordLink(r)}${r.numerikError ? ` · <span class="errors" id="numerik-error">${escape(r.numerikError)}</span>` : ''}</p>
${link}
<p class="actions">${actions}</p>
<h2>Both sides</h2>${sides}
${r.activity ? `<details><summary>The activity as Exo holds it</summary><dl><dt>Subject</dt><dd>${value(r.activity.subject)}</dd><dt>Details</dt><dd>${value(r.activity.details)}</dd><dt>Company</dt><dd>${escape(r.activity.companyId ?? '—')}</dd><dt>Modified</dt><dd>${escape(r.activity.modifiedAt ?? '—')} (site time)</dd></dl></details>` : ''}
<h2>Pending</h2>${work}
${open.length ? `<ul class="open">${open.map((e) => `<li>${escape(e.what)} #${e.id} (${when(e.at)}): ${escape(e.reason)}</li>`).join('')}</ul>` : ''}
<h2>Conflicts</h2>${conflicts}
<h2>History</h2><ol class="timeline">${r.history.map((h) => `<li data-kind="${escape(h.kind)}">${when(h.at)} · ${escape(h.direction)} · <strong>${escape(h.kind)}</strong> ${escape(h.reason)}${h.resolved ? ` <span class="closed">(closed: ${escape(h.resolved.resolution ?? '')})</span>` : ''}</li>`).join('')}</ol>`;
  return pageShell(title, false, body, frame);
}

/** The page without the admin token, and the search's answers. */
export function renderRecordNotice(title: string, hidden: boolean, text: string, matches: { href: string; label: string }[] = [], frame?: PageFrame): string {
  const list = matches.length ? `<ul class="matches">${matches.map((m) => `<li><a href="${escape(m.href)}">${escape(m.label)}</a></li>`).join('')}</ul>` : '';
  return pageShell(title, hidden, `<p>${hidden ? HIDDEN : escape(text)}</p>${list}
<form action="/status/records" method="get" role="search"><input name="q" placeholder="Activity key, post id, or words of a subject" aria-label="find a record" size="36"><button>Find</button></form>`, frame);
}
