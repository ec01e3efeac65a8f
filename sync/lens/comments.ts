import { DateTime } from 'luxon';
import type { NumerikComment } from '../numerik/types.js';

/**
 * The comments block (get only: comments belong to Numerik, and whatever an Exo user writes below
 * the marker line is replaced by the next sync). One block per comment, oldest first: the author
 * and the site's local time, then the text.
 */
export function commentsText(comments: readonly NumerikComment[], timeZone: string, userName: (id: string) => string): string | null {
  if (!comments.length) return null;
  return [...comments]
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
    .map((c) => `${userName(c.author_id)} (${DateTime.fromISO(c.created_at, { zone: timeZone }).toFormat('d LLL yyyy HH:mm')}):\n${c.body_text}`)
    .join('\n\n');
}
