import type { MappingView } from '../sync/mappings.js';
import type { ParkedView, Unmapped, UnmappedItem } from '../sync/unmapped.js';
import { escapeHtml as escape } from './html.js';
import { HIDDEN, recordLink, type When } from './page-shell.js';

const TITLES: Record<MappingView['kind'], string> = { staff: 'Staff ⇄ Numerik users', customer: 'Exo accounts ⇄ Numerik customers', type: 'Activity types ⇄ tags' };
const SOURCES: Record<string, string> = { email: 'by e-mail', 'sales-sync': 'Sales Sync', manual: 'set by hand', name: 'same name', map: 'typeTagMap' };
const NOT_MAPPED: Record<MappingView['kind'], string> = { staff: 'Staff without a Numerik user', customer: 'Without a customer or an account', type: 'Types without a tag, tags without a type' };

const side = (id: string, name: string | null) => `${escape(id)}${name ? ` <small>${escape(name)}</small>` : ''}`;

function mapped(m: MappingView): string {
  // A list item, not a table row: a narrow card wraps it instead of cutting its badge off.
  return `<li>${side(m.exo, m.exoName)} → ${side(m.numerik, m.numerikName)} <span class="badge">${escape(SOURCES[m.source] ?? m.source)}</span></li>`;
}

function waiting(w: UnmappedItem['waiting']): string {
  const records = [...w.activities.map((a) => recordLink({ activitySeqno: a, postId: null })), ...w.posts.map((p) => recordLink({ activitySeqno: null, postId: p }))];
  return records.length ? `<br><span class="waiting">Waiting for it: ${records.join(', ')}</span>` : '';
}

function unmapped(u: UnmappedItem): string {
  const what = u.exo ? side(u.exo, u.exoName) : u.numerik ? `Numerik ${side(u.numerik, u.numerikName)}` : '(no account)';
  return `<li class="unmapped" data-kind="${u.kind}" data-exo="${escape(u.exo)}"${u.numerik ? ` data-numerik="${escape(u.numerik)}"` : ''}><strong>${what}</strong>: <span class="why">${escape(u.why)}</span><br>Fix: <code class="fix">${escape(u.fix)}</code>, or the form above${waiting(u.waiting)}</li>`;
}

/**
 * The Mappings section: what is mapped and how, and first what is NOT (the consultant's to-do):
 * each with why and the command or form that fixes it, and the parked items waiting for it.
 */
export function renderMappingsSection(mappings: readonly MappingView[] | undefined, missing: Unmapped | undefined): string {
  if (!mappings) return `<h2>Mappings</h2><p>${HIDDEN}</p>`;
  const cards = (['staff', 'customer', 'type'] as const)
    .map((kind) => {
      const rows = mappings.filter((m) => m.kind === kind);
      const open = missing?.items.filter((u) => u.kind === kind) ?? [];
      return `<section class="card mappings" data-kind="${kind}"><h3>${TITLES[kind]}</h3>${
        open.length ? `<h4>${NOT_MAPPED[kind]}: ${open.length}</h4><ul class="not-mapped">${open.map(unmapped).join('')}</ul>` : missing ? '<p class="ok">Nothing left unmapped.</p>' : ''
      }<h4>Mapped: ${rows.length}</h4>${rows.length ? `<ul class="mapped">${rows.map(mapped).join('')}</ul>` : '<p>None yet.</p>'}</section>`;
    })
    .join('');
  return `<h2>Mappings</h2>${missing?.numerikError ? `<p class="note">${escape(missing.numerikError)}: what only Numerik can say is not listed.</p>` : ''}
<form id="map-form"><select name="kind" aria-label="kind"><option value="staff">staff</option><option value="customer">customer</option><option value="type">type</option></select>
<input name="exo" placeholder="Exo: login, account (D101), type" aria-label="Exo side" required><input name="numerik" placeholder="Numerik: user, customer id, tag" aria-label="Numerik side">
<button name="do" value="set">Set</button><button name="do" value="clear">Clear</button></form>
<div class="cards">${cards}</div>`;
}

/** Each parked item: its record, why it waits, and the mapping it waits for. */
export function renderParkedItems(parked: readonly ParkedView[], when: When): string {
  if (!parked.length) return '';
  return `<ul class="parked-items">${parked
    .map((p) => `<li class="parked-item">${recordLink(p)}: ${escape(p.reason)}${p.waitsFor ? ` · waits for <span class="waits-for">${escape(p.waitsFor)}</span>` : ''} <small>since ${when(p.since)}</small></li>`)
    .join('')}</ul>`;
}
