import { LIMITS } from '../../db/exo/tasks.js';
import { encodedPieces } from './chars.js';
import { charCount } from './view-text.js';

const firstLineOf = (text: string) => (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();

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
 * unless the details already begin with the subject (then it would be there twice).
 */
export function openingText(subject: string | null, details: string): string {
  const line = subject?.trim() ?? '';
  if (!line || details.trimStart().startsWith(line)) return details || line;
  return details ? `${line}\n${details}` : line;
}

/** Text that is Exo's already (placeholders and all) cut to fit SUBJECT, never inside a placeholder. */
export function fitSubject(view: string): string {
  const kept = Array.from(view).slice(0, LIMITS.SUBJECT).join('');
  return (kept !== view ? kept.replace(/\[(U(\+[0-9A-F]{0,6})?)?$/, '') : kept).trimEnd();
}
