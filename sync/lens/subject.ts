import { LIMITS } from '../../db/exo/tasks.js';
import { encodedPieces } from './chars.js';
import { charCount } from './view-text.js';

/** The first line that is not blank, found without splitting a long text whole. */
function firstLineOf(text: string): string {
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (line.trim() !== '') return line.trim();
    if (end === -1) break;
    start = end + 1;
  }
  return '';
}

/**
 * TASKS.SUBJECT of a post: the first 60 characters of its first line (the first that is not
 * blank), in the column's code page; a placeholder is never cut in half. The whole line is in
 * DETAILS. On an update the Exo user's subject is not sent: it follows the post's first line.
 */
export function subjectOf(text: string, codePage: string): string {
  const pieces = encodedPieces(firstLineOf(text), codePage);
  let used = 0;
  let n = 0;
  while (n < pieces.length && used + charCount(pieces[n]!) <= LIMITS.SUBJECT) used += charCount(pieces[n++]!);
  return pieces.slice(0, n).join('').trimEnd();
}

/**
 * The text of a post made for a new Exo activity: the subject as its first line, then the details,
 * unless the details already begin with the subject, or hold its line further down (then it would
 * be there twice). A line that is the subject, not only the first: an Exo user may insert a line
 * above it before the first send reads the activity, and whether that send read the save or not
 * must not decide whether the subject's line is there once or twice (torture seeds 98023, 98093,
 * 98112). A later line that only begins with the subject is the user's own: the subject goes in front.
 */
export function openingText(subject: string | null, details: string): string {
  const line = subject?.trim() ?? '';
  if (!line || details.trimStart().startsWith(line) || details.split('\n').some((l) => l.trim() === line)) return details || line;
  return details ? `${line}\n${details}` : line;
}

/**
 * The text of an activity linked as created, its view not yet written into it: as its create read
 * it, the subject in front only if the create put it there. A save since may have changed whether
 * the details begin with the subject (a line inserted above it), not what the create did: of the
 * two readings, the one nearer the created text is the create's.
 */
export function asCreatedText(subject: string | null, details: string, created: string | undefined): string {
  const opened = openingText(subject, details);
  if (created === undefined || opened === details) return opened;
  return linesApart(created, details) < linesApart(created, opened) ? details : opened;
}

/** How many lines one text has that the other lacks, counted both ways. */
function linesApart(a: string, b: string): number {
  const left = new Map<string, number>();
  for (const line of a.split('\n')) left.set(line, (left.get(line) ?? 0) + 1);
  let apart = 0;
  for (const line of b.split('\n')) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else apart += 1;
  }
  for (const n of left.values()) apart += n;
  return apart;
}

/** Text that is Exo's already (placeholders and all) cut to fit SUBJECT, never inside a placeholder. */
export function fitSubject(view: string): string {
  const kept = Array.from(view).slice(0, LIMITS.SUBJECT).join('');
  return (kept !== view ? kept.replace(/\[(U(\+[0-9A-F]{0,6})?)?$/, '') : kept).trimEnd();
}
