import { PREVIEW_DECISIONS, type PreviewItem } from '../sync/preview/item.js';
import type { PreviewSummary } from '../sync/preview/preview.js';
import { escapeHtml as escape } from './html.js';
import { wordsIn } from '../sync/record/field-words.js';
import { pageShell, recordLink, type PageFrame } from './page-shell.js';

export const PAGE_PREVIEW_LIMIT = 500;

/** Which way it goes: by the side it would write (an Exo change whose conflict Numerik wins writes Exo), else where it was found. */
const directionOf = (i: PreviewItem) =>
  i.writes === 'both' ? 'both ways' : (i.writes ?? (i.direction === 'outbound' ? 'numerik' : 'exo')) === 'numerik' ? 'Exo → Numerik' : 'Numerik → Exo';

/** One side's own text now and, when it would change, what it would hold. */
function side(now: string | null | undefined, after: string | null): string {
  if (now === undefined) return escape(after ?? '');
  if (now === after) return `<span class="now">${escape(now ?? '—')}</span>`;
  return `<span class="now">${escape(now ?? '(none)')}</span><br>→ <span class="after">${escape(after ?? '(none)')}</span>`;
}

/** The status page's preview: the summary per direction, then the items (those with something to do). */
export function renderPreviewPage(items: readonly PreviewItem[], summary: PreviewSummary, frame?: PageFrame): string {
  const counts = (['outbound', 'inbound'] as const)
    .map((d) => {
      const shown = PREVIEW_DECISIONS.filter((k) => summary.counts[d][k]).map((k) => `<span class="badge" data-decision="${k}">${k} ${summary.counts[d][k]}</span>`);
      return `<li data-direction="${d}">${d === 'outbound' ? 'Exo → Numerik' : 'Numerik → Exo'}: ${shown.join(' ') || 'nothing'}</li>`;
    })
    .join('');
  const rows = items
    .filter((i) => i.decision !== 'nothing')
    .map(
      (i) =>
        `<tr class="preview-item" data-decision="${i.decision}"><td class="direction">${escape(directionOf(i))}</td><td>${recordLink(i)}</td><td><strong>${escape(i.decision)}</strong></td><td class="reason">${escape(wordsIn(i.reason))}</td><td class="exo">${side(i.now?.exo, i.exoText)}</td><td class="numerik">${side(i.now?.numerik, i.numerikText)}</td></tr>`,
    )
    .join('\n');
  const body = `<p class="notice" id="preview-notice">Decided as the sync decides; <strong>nothing was written to Exo or Numerik</strong>. The whole list, as CSV for a spreadsheet: <code>exo-numerik preview --csv preview.csv</code>.</p>
<ul class="summary">${counts}</ul>
${summary.truncated ? `<p>The first ${summary.items} items are shown.</p>` : ''}
${summary.notes.map((n) => `<p>${escape(n)}</p>`).join('')}
${summary.unreadable.length ? `<ul class="errors">${summary.unreadable.map((u) => `<li>Not read: ${escape(u)}</li>`).join('')}</ul>` : ''}
<table><thead><tr><th>Direction</th><th>Item</th><th>Would</th><th>Why</th><th>Exo's text</th><th>Numerik's text</th></tr></thead><tbody>
${rows || '<tr><td colspan="6">Nothing to do.</td></tr>'}
</tbody></table>`;
  return pageShell('preview', false, body, frame);
}
