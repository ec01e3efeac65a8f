import { isCutMarker } from './control-lines.js';
import { lineOfView } from './view-text.js';

/**
 * The CRs at the end of a line are not an Exo user's to edit. Exo's memo shows none of them
 * ("abc\r" reads "abc") and may save every line break as CRLF, or a line's own CR before its break
 * as it was, so what comes back says nothing about which lines of the post end with a CR (a text
 * pasted from Windows, a blank line with a CR). Each line of an edit has its text from the edit and
 * its ending from the post: the line of the view it stands in for, found by aligning the texts of
 * the lines, CRs at their ends apart (what all share at the start and at the end, then a diff of
 * the middle):
 * - a line whose text is unchanged keeps its view line's CRs;
 * - a changed line takes the CRs of the view line it replaced (in order, within one changed run);
 * - a line the Exo user added has none: a CR Exo's save put there is dropped.
 * Only CRs at a line's end are endings; a CR inside a line is text like any other.
 */
const CR = 13;

/** A line without the CRs at its end. */
export function lineText(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === CR) end -= 1;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * The view the sync wrote of `basePost`, from `baseView` as the link recorded it: when Exo saved
 * the details back unchanged (CRLF), what was recorded is Exo's copy, its lines ending in Exo's
 * CRs. A line of the view that shows its post line (the view's line i is the post's line i, up to
 * the cut marker line) gets that line's CRs at its end, and the start of the line the cut went
 * through has none. A view of another text (the activity as a create sent it, the post opening with
 * its subject since, say) shows its lines elsewhere: each line then takes the CRs of the post line
 * it shows, found by aligning the texts, or none. Its own CRs are Exo's, and an edited line would
 * else carry one into Numerik (torture seed 87700).
 */
export function withPostLineEndings(baseView: string, basePost: string, codePage: string): string {
  if (!baseView.includes('\r') && !basePost.includes('\r')) return baseView;
  const lines = baseView.split('\n');
  const post = basePost.split('\n');
  const marker = lines.findIndex(isCutMarker);
  const shown = marker === -1 ? lines.length : marker;
  const texts = lines.slice(0, shown).map(lineText);
  const ending = (j: number | undefined) => (j === undefined ? '' : post[j]!.slice(lineText(post[j]!).length));
  const inPlace = texts.map((text, i) => {
    if (i >= post.length) return undefined;
    const view = lineOfView(text, codePage);
    const postText = lineText(post[i]!);
    if (view === postText) return ending(i);
    // The start of the line the cut went through: fitView ends it at a word, with no CR.
    return i + 1 === marker && postText.startsWith(view) ? '' : undefined;
  });
  if (inPlace.every((e) => e !== undefined) || texts.length * post.length > MAX_CELLS) {
    // Too long to align (a post of thousands of lines): the lines in place, and none for the others.
    texts.forEach((text, i) => (lines[i] = text + (inPlace[i] ?? '')));
  } else {
    const showing = (l: string) => lineOfView(lineText(l), codePage);
    const shows = new Map(commonLines(texts.map(showing), post.map(showing)));
    texts.forEach((text, i) => (lines[i] = text + ending(shows.get(i))));
  }
  return lines.join('\n');
}

/** `edited` (a view as Exo saved it) with each line's CRs at its end as the view `baseView` had them. */
export function withViewLineEndings(edited: string, baseView: string): string {
  if (!edited.includes('\r') && !baseView.includes('\r')) return edited;
  const texts = edited.split('\n').map(lineText);
  if (!baseView.includes('\r')) return texts.join('\n');
  const base = baseView.split('\n');
  const was = base.map(lineText);
  const endings = alignedEndings(texts, was, base);
  return texts.map((t, i) => t + endings[i]).join('\n');
}

/** For each line of `texts`, the CRs it ends with: those of the base line it stands in for, or none. */
function alignedEndings(texts: string[], was: string[], base: string[]): string[] {
  const endings = new Array<string>(texts.length).fill('');
  const take = (i: number, j: number) => (endings[i] = base[j]!.slice(was[j]!.length));
  let start = 0;
  while (start < texts.length && start < was.length && texts[start] === was[start]) {
    take(start, start);
    start += 1;
  }
  let end = 0;
  while (end < texts.length - start && end < was.length - start && texts[texts.length - 1 - end] === was[was.length - 1 - end]) {
    take(texts.length - 1 - end, was.length - 1 - end);
    end += 1;
  }
  const mine = texts.slice(start, texts.length - end);
  const theirs = was.slice(start, was.length - end);
  if (!mine.length || !theirs.length) return endings;
  // The unchanged lines of the middle, then the changed lines between two of them paired in order.
  let i = 0;
  let j = 0;
  for (const [mi, tj] of [...commonLines(mine, theirs), [mine.length, theirs.length] as const]) {
    for (let k = 0; k < Math.min(mi - i, tj - j); k += 1) take(start + i + k, start + j + k);
    if (mi < mine.length) take(start + mi, start + tj);
    i = mi + 1;
    j = tj + 1;
  }
  return endings;
}

/** Beyond this many cells (about 8 MB) the middle's lines are paired in order instead. */
const MAX_CELLS = 4_000_000;

/**
 * The pairs of equal lines (index in `a`, index in `b`, in order) of a longest common subsequence:
 * the dynamic-programming table, bounded (a view of many equal lines, blank ones say, costs no
 * more than this; node-diff3's LCS slows down badly on them).
 */
function commonLines(a: string[], b: string[]): (readonly [number, number])[] {
  if (a.length * b.length > MAX_CELLS) return [];
  const ids = new Map<string, number>();
  const id = (line: string) => ids.get(line) ?? (ids.set(line, ids.size), ids.size - 1);
  const x = a.map(id);
  const y = b.map(id);
  const width = y.length + 1;
  // lengths[i * width + j]: the LCS of x[i..] and y[j..]; at most 2,000 (the smaller side), so 16 bits hold it.
  const lengths = new Uint16Array((x.length + 1) * width);
  for (let i = x.length - 1; i >= 0; i -= 1) {
    for (let j = y.length - 1; j >= 0; j -= 1) {
      const at = i * width + j;
      lengths[at] = x[i] === y[j] ? lengths[at + width + 1]! + 1 : Math.max(lengths[at + width]!, lengths[at + 1]!);
    }
  }
  const pairs: (readonly [number, number])[] = [];
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (x[i] === y[j]) pairs.push([i++, j++] as const);
    else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i += 1;
    else j += 1;
  }
  return pairs;
}
