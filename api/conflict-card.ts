import { FIELD_WORDS, SIDE_WORDS } from '../sync/mapping/conflict-card.js';
import type { ContentField } from '../sync/mapping/content.js';
import type { Conflict } from '../sync/status/status.js';
import { escapeHtml as escape } from './html.js';
import { HIDDEN, recordLink, value, type When } from './page-shell.js';

export interface CardOptions {
  when: When;
  /** Without the admin token: no values, names or buttons. */
  hidden: boolean;
  /** On the status page a card names its record; on the record's own page it need not. */
  withRecord: boolean;
  /** How a closed card was closed (the record's page shows closed cards too). */
  resolved?: { by: string | null; resolution: string | null } | null;
  /** A field's value as HTML, as the page reads values (names beside ids, the site's times); plain by default. */
  show?: (field: string, v: unknown) => string;
  /** Numerik users' names the page knows, for an editor the card could not name. */
  names?: ReadonlyMap<string, string>;
}

const words = (field: string) => FIELD_WORDS[field as ContentField] ?? field;

function edit(side: 'exo' | 'numerik', c: Conflict, o: CardOptions): string {
  const e = c.edits?.[side];
  if (!e) return '';
  const who = e.by ?? (e.id ? `${o.names?.get(e.id) ?? '(name not known here)'} · ${e.id}` : 'someone unknown');
  return `<span class="edit" data-side="${side}">${side === 'exo' ? 'Exo' : 'Numerik'}: edited by ${o.hidden ? HIDDEN : escape(who)}, ${o.when(e.at)}</span>`;
}

/** One side's version of a field: the one the policy put on both sides, or the one kept in the log (no error: nothing is lost). */
function version(side: 'exo' | 'numerik', f: Conflict['fields'][number], c: Conflict, o: CardOptions): string {
  const on = f.chosen ? f.chosen.side === side : c.winner === side;
  const badge = on ? (f.chosen ? 'chosen' : 'put on both sides') : 'kept in the log';
  return `<td class="${on ? 'won' : 'kept'}" data-label="${SIDE_WORDS[side]} edit">${o.hidden ? HIDDEN : shown(o, f.field, f[side])}<span class="badge">${badge}</span></td>`;
}

const shown = (o: CardOptions, field: string, v: unknown) => (o.show ? o.show(field, v) : value(v));

function now(f: Conflict['fields'][number], o: CardOptions): string {
  if (!f.now) return '<td data-label="Now">—</td>';
  if (o.hidden) return `<td data-label="Now">${HIDDEN}</td>`;
  if (JSON.stringify(f.now.exo) === JSON.stringify(f.now.numerik)) return `<td class="now" data-label="Now">${shown(o, f.field, f.now.exo)}<small>on both sides</small></td>`;
  return `<td class="now" data-label="Now"><small>Exo</small>${shown(o, f.field, f.now.exo)}<small>Numerik</small>${shown(o, f.field, f.now.numerik)}</td>`;
}

function choice(c: Conflict, f: Conflict['fields'][number], o: CardOptions, closed: boolean): string {
  if (f.chosen) return `<td class="chosen" data-label="Choice">${o.hidden ? `${SIDE_WORDS[f.chosen.side]} chosen` : escape(f.chosen.did)}</td>`;
  if (o.hidden || closed) return '<td data-label="Choice"></td>';
  const button = (side: 'exo' | 'numerik') =>
    `<button class="choose" data-conflict="${c.id}" data-field="${escape(f.field)}" data-label="${escape(`${words(f.field)}`)}" data-side="${side}">Keep ${SIDE_WORDS[side]}</button>`;
  return `<td data-label="Choice"><span class="choose">${button('exo')} ${button('numerik')}</span></td>`;
}

/**
 * A conflict card as a person settles it: the activity's subject, who made each side's edit and
 * when, per field both versions (the losing one "kept in the log"), what each side holds now, and
 * a choice per field; a field chosen says what its choice did, and the others stay open.
 */
export function renderConflictCard(c: Conflict, o: CardOptions): string {
  const closed = !!o.resolved;
  const open = c.fields.filter((f) => !f.chosen).length;
  const state = closed
    ? `<span class="resolution">closed: ${escape(o.resolved!.resolution ?? '')}${o.resolved!.by && !o.resolved!.resolution?.includes(o.resolved!.by) ? ` (${escape(o.resolved!.by)})` : ''}</span>`
    : `<span class="badge warn">${open < c.fields.length ? `${open} of ${c.fields.length} to choose` : 'to review'}</span>`;
  const edits = [edit('exo', c, o), edit('numerik', c, o)].filter(Boolean).join(' · ');
  return `<article class="conflict${closed ? ' closed' : ''}" data-conflict="${c.id}"><h3>#${c.id}${o.withRecord ? ` ${recordLink(c)}` : ''} <small>${o.when(c.at)} · ${escape(c.policy)}: ${c.winner === 'exo' ? 'Exo' : 'Numerik'}'s version put on both sides · ${state}</small></h3>
${c.subject !== null ? `<p class="subject">${o.hidden ? HIDDEN : `“${escape(c.subject)}”`}</p>` : ''}${edits ? `<p class="edits">${edits}</p>` : ''}
<table class="fields"><thead><tr><th>Field</th><th>Exo's edit</th><th>Numerik's edit</th><th>Now</th><th>Choice</th></tr></thead><tbody>
${c.fields.map((f) => `<tr data-field="${escape(f.field)}"${f.chosen ? ' class="is-chosen"' : ''}><td class="field">${escape(words(f.field))}</td>${version('exo', f, c, o)}${version('numerik', f, c, o)}${now(f, o)}${choice(c, f, o, closed)}</tr>`).join('\n')}
</tbody></table></article>`;
}
