import type { Stringifier } from 'csv-stringify';
import type { PreviewItem } from '../sync/preview/item.js';

export const PREVIEW_COLUMNS = ['direction', 'source', 'activitySeqno', 'postId', 'decision', 'reason', 'exoText', 'numerikText'] as const;

/**
 * The preview as CSV for a spreadsheet: a header, and the BOM by which Excel reads it as UTF-8.
 * Activity and post text is anyone's to write, and a spreadsheet runs a cell starting with `=`, `+`,
 * `-`, `@`, a tab or a CR as a formula (CSV injection): such a cell is written after a `'`, which
 * makes Excel show it as the text it is.
 */
export async function previewCsv(): Promise<Stringifier> {
  const { stringify } = await import('csv-stringify');
  return stringify({ header: true, columns: [...PREVIEW_COLUMNS], bom: true, escape_formulas: true });
}

export const previewRow = (item: PreviewItem): unknown[] => PREVIEW_COLUMNS.map((c) => item[c] ?? '');
