import fc from 'fast-check';
import { COMMENTS_MARKER, CUT_MARKER } from '../../sync/lens/control-lines.js';

/**
 * Text as Numerik users write it and as hostile ones might: every plane of Unicode, lone
 * surrogates, right-to-left and control characters, NUL, and pieces that look like the sync's own
 * placeholders and marker lines.
 */
const char = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('é', '€', '“', '”', '–', 'ß', 'ñ', '\u00a0', 'Ω', 'ŋ') },
  { weight: 2, arbitrary: fc.constantFrom('😀', '👍🏽', '中', '文', 'ש', 'ל', 'م', 'ر', '\u{10348}', '\u{1F9FE}') },
  { weight: 1, arbitrary: fc.constantFrom('\0', '\t', '\r', '\u200f', '\u202e', '\u2066', '\u200b', '\ufeff', '\u0007') },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('[', ']', '\\', '#', '[U+1F600]', '[U+005B]', '[U+00E9]', '[U+0000]', '[U+', '##') },
  { weight: 3, arbitrary: fc.constant(' ') },
);

/** One line of a post (no line break inside). */
export const line = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: char, maxLength: 60 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(COMMENTS_MARKER, '  ##comments##  ', `\\${COMMENTS_MARKER}`, `\\\\${COMMENTS_MARKER}`, CUT_MARKER, `\\${CUT_MARKER}`, '[cut by exo-numerik: the full text is in X_NUMERIK_LOG]', ''),
  },
  { weight: 1, arbitrary: fc.string({ unit: char, minLength: 200, maxLength: 900 }) },
);

const lfBody = fc.oneof(
  { weight: 6, arbitrary: fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n')) },
  { weight: 2, arbitrary: fc.array(line, { minLength: 20, maxLength: 160 }).map((ls) => ls.join('\n')) },
  { weight: 1, arbitrary: fc.tuple(line, fc.integer({ min: 1, max: 40 })).map(([l, n]) => Array.from({ length: n }, () => `${l} ${'x'.repeat(300)}`).join('\n')) },
  { weight: 1, arbitrary: fc.string({ unit: char, minLength: 5400, maxLength: 7000 }) },
  // Many short lines, around what DETAILS holds: where counting a line break as one or two matters.
  { weight: 1, arbitrary: fc.array(fc.string({ unit: char, maxLength: 24 }), { minLength: 150, maxLength: 500 }).map((ls) => ls.join('\n')) },
);

/**
 * How a post's lines end: as typed in Numerik (LF), pasted from Windows (CRLF throughout), or a mix
 * of LF, CRLF, blank lines with and without a CR, a CR before a CRLF, and lone CRs.
 */
const breaks = fc.array(fc.constantFrom('\n', '\r\n', '\n\r\n', '\r\n\n', '\r\r\n', '\r', '\n\r'), { minLength: 1, maxLength: 8 });

/** A post's text: from empty to well past what DETAILS holds, with its own line endings. */
export const body = fc.oneof(
  { weight: 4, arbitrary: lfBody },
  { weight: 1, arbitrary: lfBody.map((t) => t.replace(/\n/g, '\r\n')) },
  {
    weight: 1,
    arbitrary: fc.tuple(lfBody, breaks).map(([t, bs]) => {
      let i = 0;
      return t.replace(/\n/g, () => bs[i++ % bs.length]!);
    }),
  },
);

/** An Exo user's edit of the lines of a view: insert, delete or replace a line. */
export type LineEdit = { op: 'insert' | 'replace'; at: number; line: string } | { op: 'delete'; at: number };

export const lineEdits = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), line }),
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), line }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  ),
  { maxLength: 6 },
);

/**
 * Applies edits to a list of cells (the view's lines, kept as their index, and new lines, kept as
 * the raw text the user typed); positions wrap around the list.
 */
export type Cell = { at: number } | { typed: string };

export function applyEdits(count: number, edits: readonly LineEdit[]): Cell[] {
  const cells: Cell[] = Array.from({ length: count }, (_, at) => ({ at }));
  for (const e of edits) {
    if (e.op === 'insert') cells.splice(e.at % (cells.length + 1), 0, { typed: e.line });
    else if (!cells.length) continue;
    else if (e.op === 'replace') cells[e.at % cells.length] = { typed: e.line };
    else cells.splice(e.at % cells.length, 1);
  }
  return cells;
}
