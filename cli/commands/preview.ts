import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { ChangeRange } from '../../db/exo/history.js';
import { PREVIEW_DECISIONS, type PreviewItem } from '../../sync/preview/item.js';
import type { PreviewSummary } from '../../sync/preview/preview.js';
import type { LoadContext } from '../context.js';
import { withOperations } from '../operations.js';
import { previewCsv, previewRow } from '../preview-csv.js';
import { parseSiteTime } from '../site-time.js';

const cut = (text: string | null, width: number) => {
  const t = (text ?? '').replace(/\s+/g, ' ');
  return (t.length > width ? `${t.slice(0, width - 1)}…` : t).padEnd(width);
};
const name = (i: PreviewItem) => [i.activitySeqno !== null ? `activity ${i.activitySeqno}` : '', i.postId ?? ''].filter(Boolean).join(' · ');

function summaryLines(s: PreviewSummary): string[] {
  const lines = [''];
  for (const direction of ['outbound', 'inbound'] as const) {
    const counts = PREVIEW_DECISIONS.filter((d) => s.counts[direction][d]).map((d) => `${d} ${s.counts[direction][d]}`);
    lines.push(`${direction === 'outbound' ? 'Exo → Numerik' : 'Numerik → Exo'}: ${counts.length ? counts.join(', ') : 'nothing'}`);
  }
  if (s.truncated) lines.push(`(stopped after ${s.items} items: --limit)`);
  for (const u of s.unreadable) lines.push(`not read: ${u}`);
  for (const n of s.notes) lines.push(n);
  lines.push('Nothing was written to Exo or Numerik.');
  return lines;
}

/** `exo-numerik preview`: what the sync would do, decided as the sync decides, writing nothing. */
export function registerPreview(program: Command, ctx: LoadContext): void {
  program
    .command('preview')
    .description('what the sync would do now, item by item (queue, inbox, Numerik\'s recent posts; history with --since): writes nothing')
    .option('--since <date>', 'also the history a backfill of this range would send (site time: YYYY-MM-DD)')
    .option('--until <date>', 'the end of that range')
    .option('--numerik-since <instant>', "Numerik's posts changed since (ISO 8601; default: where the reconcile poll stands)")
    .option('--limit <n>', 'stop after this many items', (v) => Number(v))
    .option('--all', 'in the table, also the items with nothing to do')
    .option('--json', 'one JSON object per line (each item, then the summary)')
    .option('--csv <file>', 'every item as CSV, for a spreadsheet (the table still prints its summary)')
    .action(async (opts: { since?: string; until?: string; numerikSince?: string; limit?: number; all?: boolean; json?: boolean; csv?: string }) => {
      const history: ChangeRange | undefined = opts.since ? { since: parseSiteTime(opts.since), until: opts.until ? parseSiteTime(opts.until) : null } : undefined;
      const csv = opts.csv ? await previewCsv() : undefined;
      const file = opts.csv ? createWriteStream(opts.csv) : undefined;
      if (csv && file) csv.pipe(file);
      if (!opts.json) console.log('Preview: decided as the sync decides; nothing is written to Exo or Numerik.\n');
      if (!opts.json) console.log(`${'direction'.padEnd(9)} ${'item'.padEnd(34)} ${'decision'.padEnd(8)} ${'reason'.padEnd(44)} ${'Exo would hold'.padEnd(30)} Numerik would hold`);
      const summary = await withOperations(ctx, (ops) =>
        ops.preview({ history, numerikSince: opts.numerikSince, limit: opts.limit }, async (item) => {
          if (csv && !csv.write(previewRow(item))) await once(csv, 'drain');
          if (opts.json) return void console.log(JSON.stringify(item));
          if (item.decision === 'nothing' && !opts.all) return;
          console.log(`${item.direction.padEnd(9)} ${cut(name(item), 34)} ${item.decision.padEnd(8)} ${cut(item.reason, 44)} ${cut(item.exoText, 30)} ${cut(item.numerikText, 30)}`);
        }),
      );
      if (csv && file) {
        csv.end();
        await once(file, 'finish');
      }
      if (opts.json) console.log(JSON.stringify({ summary }));
      else console.log([...summaryLines(summary), ...(opts.csv ? [`CSV: ${opts.csv}`] : [])].join('\n'));
    });
}
