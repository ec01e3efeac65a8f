import { PREVIEW_DECISIONS, type PreviewItem } from '../sync/preview/item.js';
import type { PreviewSummary } from '../sync/preview/preview.js';
import { escapeHtml as escape } from './html.js';
import { pageShell, recordLink, type PageFrame } from './page-shell.js';

export const PAGE_PREVIEW_LIMIT = 500;

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
        `<tr class="preview-item" data-decision="${i.decision}"><td>${i.direction === 'outbound' ? 'Exo → Numerik' : 'Numerik → Exo'}</td><td>${recordLink(i)}</td><td><strong>${escape(i.decision)}</strong></td><td>${escape(i.reason)}</td><td>${escape(i.exoText ?? '')}</td><td>${escape(i.numerikText ?? '')}</td></tr>`,
    )
    .join('\n');
  const body = `<p class="notice" id="preview-notice">Decided as the sync decides; <strong>nothing was written to Exo or Numerik</strong>. The whole list, as CSV for a spreadsheet: <code>exo-numerik preview --csv preview.csv</code>.</p>
<ul class="summary">${counts}</ul>
${summary.truncated ? `<p>The first ${summary.items} items are shown.</p>` : ''}
${summary.notes.map((n) => `<p>${escape(n)}</p>`).join('')}
${summary.unreadable.length ? `<ul class="errors">${summary.unreadable.map((u) => `<li>Not read: ${escape(u)}</li>`).join('')}</ul>` : ''}
<table><thead><tr><th>Direction</th><th>Item</th><th>Would</th><th>Why</th><th>Exo would hold</th><th>Numerik would hold</th></tr></thead><tbody>
${rows || '<tr><td colspan="6">Nothing to do.</td></tr>'}
</tbody></table>`;
  return pageShell('preview', false, body, frame);
}
