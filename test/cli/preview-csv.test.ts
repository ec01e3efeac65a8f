import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { previewCsv, previewRow } from '../../cli/preview-csv.js';
import type { PreviewItem } from '../../sync/preview/item.js';

const item = (text: string): PreviewItem => ({ direction: 'inbound', source: 'numerik', activitySeqno: 7, postId: 'pst_1', decision: 'update', reason: 'r', exoText: text, numerikText: 'x' });
const PREFIX = 'inbound,numerik,7,pst_1,update,r,';
const SUFFIX = ',x\n';

/** The preview's CSV of one item whose exoText is `text`, as written to the file (header, then the row). */
async function written(text: string): Promise<{ header: string; cell: string }> {
  const csv = await previewCsv();
  const chunks: Buffer[] = [];
  csv.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const done = new Promise((resolve) => csv.on('end', resolve));
  csv.end(previewRow(item(text)));
  await done;
  const out = Buffer.concat(chunks).toString('utf8');
  const newline = out.indexOf('\n');
  const row = out.slice(newline + 1);
  expect(row.startsWith(PREFIX) && row.endsWith(SUFFIX)).toBe(true);
  return { header: out.slice(0, newline), cell: row.slice(PREFIX.length, -SUFFIX.length) };
}

/** What a spreadsheet reads from a CSV cell: its text, quotes taken away. */
const read = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);

describe('preview --csv: no cell a spreadsheet would run as a formula', () => {
  it.each([
    ['=', '=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+', '+1+cmd|\' /C calc\'!A0', `'+1+cmd|' /C calc'!A0`],
    ['-', '-2+3', `'-2+3`],
    ['@', '@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['a tab', '\t=1+1', `'\t=1+1`],
    ['a CR', '\r=1+1', `"'\r=1+1"`],
  ])('a cell starting with %s is written after a quote mark', async (_, text, cell) => {
    expect((await written(text)).cell).toBe(cell);
  });

  it('keeps its header and BOM, and writes other text as it is', async () => {
    const { header, cell } = await written('Call Jo back, =later');
    expect(header).toBe('\uFEFFdirection,source,activitySeqno,postId,decision,reason,exoText,numerikText');
    expect(cell).toBe('"Call Jo back, =later"');
  });

  it('for any text: the cell reads back as the text, after a quote mark exactly when it starts like a formula', async () => {
    const formulaFirst = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D]/;
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\uFF1D'), fc.string()).map(([a, b]) => a + b));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const back = read((await written(t)).cell);
        expect(back).toBe(t && formulaFirst.test(t) ? `'${t}` : t);
      }),
      { seed: 20261206, numRuns: 300 },
    );
  });
});
