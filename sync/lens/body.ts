import { diff3Merge, diffIndices } from 'node-diff3';
import { isCutMarker } from './control-lines.js';
import { lineText, withPostLineEndings, withViewLineEndings } from './line-endings.js';
import { lineOfView, textOfView } from './view-text.js';

/**
 * The put of the post's text: an Exo user's edit of the view, applied to the post as a change.
 * Lines the user did not touch come from the post as it was (whatever the view could not show
 * included); the cut marker line stands for the text past the cut. Then the change is merged
 * line by line (diff3) into the post as Numerik has it now.
 */
export interface PutText {
  /** The post's text with the Exo user's edit. */
  text: string;
  /** What `text` was derived from: the post's text when the view was last written. */
  base: string;
  notes: string[];
}

interface AtCut {
  before: string;
  /** The lines after the cut marker line, as text after a line break; '' for none. */
  after: string;
  cut: boolean;
}

function atCut(view: string): AtCut {
  if (!view.includes('[cut by')) return { before: view, after: '', cut: false };
  const lines = view.split('\n');
  const at = lines.findIndex(isCutMarker);
  if (at === -1) return { before: view, after: '', cut: false };
  const rest = lines.slice(at + 1);
  return { before: lines.slice(0, at).join('\n'), after: rest.length ? `\n${rest.join('\n')}` : '', cut: true };
}

/** The recorded view, its lines' CRs the post's, and whether it is a view of `post` (cut or whole). */
function baseViewOf(recordedView: string, post: string, codePage: string) {
  const view = withPostLineEndings(recordedView, post, codePage);
  const base = atCut(view);
  const head = textOfView(base.before, codePage);
  const foot = textOfView(base.after, codePage);
  const shows = base.cut ? post.length >= head.length + foot.length && post.startsWith(head) && post.endsWith(foot) : textOfView(view, codePage) === post;
  return { view, head, foot, shows };
}

/**
 * Stage one of the put: `edited` is the view as the Exo user left it, `recordedView` the view as the
 * sync last wrote it (of the post whose text was `basePost`), or as Exo saved it back unchanged.
 * The CRs at the ends of lines are the post's, not the edit's (line-endings.ts): Exo shows none and
 * may save every line break as CRLF.
 */
export function putText(edited: string, recordedView: string, basePost: string, codePage: string): PutText {
  const notes: string[] = [];
  const firstBreak = basePost.indexOf('\n');
  // Also a view of the post: the activity as its create sent it, recorded before Exo took the
  // post's view, the post opening with the subject line in front of it (rule 2). The Exo user has
  // not seen that line: it stays, and is no Numerik change either; unless the edit holds it (the
  // user typed it back), when the line-by-line merge below takes it once.
  const whole = baseViewOf(recordedView, basePost, codePage);
  const subjectLine = basePost.slice(0, firstBreak + 1);
  const subject = lineText(subjectLine.slice(0, -1)).trim();
  const opened = !whole.shows && firstBreak !== -1 && !edited.split('\n').some((l) => lineOfView(lineText(l), codePage).trim() === subject);
  const views = [{ opening: '', ...whole }, ...(opened ? [{ opening: subjectLine, ...baseViewOf(recordedView, basePost.slice(subjectLine.length), codePage) }] : [])];
  for (const { opening, view, head, foot, shows } of views) {
    if (!shows) continue;
    const edit = atCut(withViewLineEndings(edited, view));
    const tail = basePost.slice(opening.length + head.length, basePost.length - foot.length);
    if (!edit.cut && tail) notes.push('the cut marker line was deleted in Exo: the text it stands for is kept in Numerik');
    return { text: opening + textOfView(edit.before, codePage) + tail + textOfView(edit.after, codePage), base: basePost, notes };
  }
  // The view was not written from this post (an older version's view): merge what it shows.
  const { view, head, foot } = whole;
  const edit = atCut(withViewLineEndings(edited, view));
  notes.push('the details were not a view of the post as last synced: the edit was merged line by line');
  return { text: textOfView(edit.before + edit.after, codePage), base: head + foot, notes };
}

export type Side = 'exo' | 'numerik';

export interface TextConflict {
  exo: string;
  numerik: string;
  base: string;
}

/**
 * Stage two: Exo's change of the text (`ours`, from `base`) merged into Numerik's (`theirs`), line
 * by line. Where both changed the same lines differently, `winner`'s lines are taken and both are
 * returned as conflicts, so the losing lines can be kept.
 */
export function mergeText(ours: string, base: string, theirs: string, winner: Side): { text: string; conflicts: TextConflict[] } {
  if (theirs === base || ours === theirs) return { text: ours, conflicts: [] };
  if (ours === base) return { text: theirs, conflicts: [] };
  const [a, o, b] = [ours.split('\n'), base.split('\n'), theirs.split('\n')];
  // One side's change is already in the other's text, with the other's own edits beside it: the
  // echo of a send whose answer was lost (a worker killed after Numerik took it). Not a conflict;
  // and where the other's edits are only beside part of it, the same holds of each region below.
  if (holdsChange(b, o, a)) return { text: theirs, conflicts: [] };
  if (holdsChange(a, o, b)) return { text: ours, conflicts: [] };
  // What all three share at the start and end needs no diff (a long post, one line edited).
  let start = 0;
  while (start < a.length && start < o.length && start < b.length && a[start] === o[start] && o[start] === b[start]) start += 1;
  let end = 0;
  while (
    end < a.length - start &&
    end < o.length - start &&
    end < b.length - start &&
    a[a.length - 1 - end] === o[o.length - 1 - end] &&
    o[o.length - 1 - end] === b[b.length - 1 - end]
  )
    end += 1;
  const middle = (lines: string[]) => lines.slice(start, lines.length - end);
  const merged: string[] = a.slice(0, start);
  const conflicts: TextConflict[] = [];
  for (const region of diff3Merge(middle(a), middle(o), middle(b), { excludeFalseConflicts: true })) {
    if (region.ok) merged.push(...region.ok);
    else if (region.conflict) {
      const { a: exo, b: numerik, o: was } = region.conflict;
      if (holdsChange(numerik, was, exo)) merged.push(...numerik);
      else if (holdsChange(exo, was, numerik)) merged.push(...exo);
      else {
        conflicts.push({ exo: exo.join('\n'), numerik: numerik.join('\n'), base: was.join('\n') });
        merged.push(...(winner === 'exo' ? exo : numerik));
      }
    }
  }
  merged.push(...a.slice(a.length - end));
  return { text: merged.join('\n'), conflicts };
}

/**
 * What both sides hold when Exo's change (`ours`, from `base`) landed in Numerik's text (`theirs`)
 * only where the two do not conflict: `base` with Exo's uncontested edits, `base`'s lines where they
 * conflict, and none of Numerik's own edits. (The bases of a merge half done, decided again.)
 */
export function uncontested(ours: string, base: string, theirs: string): string {
  const [a, o, b] = [ours.split('\n'), base.split('\n'), theirs.split('\n')];
  const hunks = [...diffIndices(o, a).map((h) => ({ ours: true, h })), ...diffIndices(o, b).map((h) => ({ ours: false, h }))].sort((x, y) => x.h.buffer1[0] - y.h.buffer1[0]);
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < hunks.length; ) {
    // A region as diff3 groups it: the hunks of either side that overlap or touch.
    const start = hunks[i]!.h.buffer1[0];
    let end = start;
    const group: typeof hunks = [];
    for (; i < hunks.length && hunks[i]!.h.buffer1[0] <= end; i += 1) {
      end = Math.max(end, hunks[i]!.h.buffer1[0] + hunks[i]!.h.buffer1[1]);
      group.push(hunks[i]!);
    }
    const was = o.slice(start, end);
    const side = (lines: string[], mine: boolean) => {
      const hs = group.filter((g) => g.ours === mine).map((g) => g.h);
      if (!hs.length) return was;
      const from = Math.min(...hs.map((h) => h.buffer2[0])) - (Math.min(...hs.map((h) => h.buffer1[0])) - start);
      const to = Math.max(...hs.map((h) => h.buffer2[0] + h.buffer2[1])) + (end - Math.max(...hs.map((h) => h.buffer1[0] + h.buffer1[1])));
      return lines.slice(from, to);
    };
    const [exo, numerik] = [side(a, true), side(b, false)];
    const landed = group.every((g) => g.ours) || exo.join('\n') === numerik.join('\n') || holdsChange(numerik, was, exo) || holdsChange(exo, was, numerik);
    out.push(...o.slice(at, start), ...(landed ? exo : was));
    at = end;
  }
  out.push(...o.slice(at));
  return out.join('\n');
}

/**
 * Whether `other` already holds what `changed` did to `base` (whole texts, or one region): every
 * line it added is there, in its order, and no line it removed is. A change that adds nothing (a
 * deletion, a reorder) is never taken as held: against an edit of the same lines it stays a conflict.
 */
function holdsChange(other: string[], base: string[], changed: string[]): boolean {
  const counts = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const [now, was, held] = [counts(changed), counts(base), counts(other)];
  let added = false;
  for (const line of new Set([...now.keys(), ...was.keys()])) {
    const [n, w, h] = [now.get(line) ?? 0, was.get(line) ?? 0, held.get(line) ?? 0];
    if (n > w && h < n) return false;
    if (n < w && h > n) return false;
    added ||= n > w;
  }
  if (!added) return false;
  // The changed side's lines that `other` has, in the changed side's order, are in `other` in that order.
  const left = new Map(held);
  const shared: string[] = [];
  for (const line of changed) {
    const n = left.get(line) ?? 0;
    if (n > 0) shared.push(line);
    left.set(line, n - 1);
  }
  let at = 0;
  for (const line of other) if (line === shared[at]) at += 1;
  return at === shared.length;
}
