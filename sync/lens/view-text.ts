import { decodeChars, encodeChars, encodedPieces } from './chars.js';
import { CUT_MARKER, escapeLine, unescapeLine } from './control-lines.js';

/**
 * Numerik text as Exo shows it, line by line: characters the column cannot hold as placeholders,
 * lines that look like the sync's own marker lines escaped. `textOfView` undoes both exactly.
 */
export const viewOfLine = (line: string, codePage: string) => escapeLine(encodeChars(line, codePage).text);
export const lineOfView = (line: string, codePage: string) => decodeChars(unescapeLine(line), codePage);
export const viewOfText = (text: string, codePage: string) => mapLines(text, (l) => viewOfLine(l, codePage));
export const textOfView = (view: string, codePage: string) => mapLines(view, (l) => lineOfView(l, codePage));

const mapLines = (text: string, f: (line: string) => string) => text.split('\n').map(f).join('\n');

/** Characters as Exo counts them (code points: a surrogate pair is one). */
export function charCount(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

/**
 * Characters the text may take in DETAILS once Exo saves it back: Exo's memo may write each line
 * break as CRLF, and a line's own CR before it stays, so a line break counts two.
 */
export function savedCount(text: string): number {
  let breaks = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks += 1;
  return charCount(text) + breaks;
}

/** A line break as DETAILS may hold it once Exo saved it (CRLF). */
const BREAK = 2;

export interface FittedView {
  text: string;
  /** Text of the post is not shown: the view ends with the cut marker line, which stands for it. */
  cut: boolean;
  /** Characters shown as placeholders. */
  replaced: number;
}

/**
 * The view of `text` in at most `room` characters, counting each line break as two (`savedCount`:
 * saved back by Exo with CRLF, the view still fits). What does not fit is replaced by the cut
 * marker line, after the whole lines that fit; when those would leave more than half the room
 * empty (a long line), the next line is shown up to a word as well. The visible part always
 * decodes to the start of `text`, so the text the marker stands for is exactly the rest.
 */
export function fitView(text: string, room: number, codePage: string): FittedView {
  const lines = text.split('\n');
  let replaced = 0;
  const views = lines.map((line) => {
    const encoded = encodeChars(line, codePage);
    replaced += encoded.replaced;
    return escapeLine(encoded.text);
  });
  const total = views.reduce((sum, v) => sum + charCount(v), (lines.length - 1) * BREAK);
  if (total <= room) return { text: views.join('\n'), cut: false, replaced };
  const space = room - CUT_MARKER.length - BREAK;
  const kept: string[] = [];
  let used = 0;
  for (const [i, view] of views.entries()) {
    const separator = kept.length ? BREAK : 0;
    if (used + separator + charCount(view) > space) {
      if (used < space / 2) {
        const partial = partialLine(lines[i]!, space - used - separator, codePage);
        if (partial) kept.push(partial);
      }
      break;
    }
    kept.push(view);
    used += separator + charCount(view);
  }
  return { text: [...kept, CUT_MARKER].join('\n'), cut: true, replaced };
}

/** The start of a line's view in `room` characters, ending at a word where there is one. */
function partialLine(line: string, room: number, codePage: string): string {
  // One character is kept free for the backslash of an escaped line.
  const avail = room - 1;
  const pieces = encodedPieces(line, codePage);
  let used = 0;
  let n = 0;
  while (n < pieces.length && used + charCount(pieces[n]!) <= avail) used += charCount(pieces[n++]!);
  let end = n;
  for (let i = n; i > n / 2; i -= 1) {
    if (/^\s$/.test(pieces[i]!)) {
      end = i;
      break;
    }
  }
  return escapeLine(pieces.slice(0, end).join('').trimEnd() || pieces.slice(0, n).join(''));
}
