import { DateTime } from 'luxon';
import type { Post, PostPatch } from '../numerik/types.js';
import { normaliseTags } from './content.js';

export const EXO_DELETED_PREFIX = 'Deleted in Exo: ';
export const EXO_DELETED_TAG = 'Deleted in Exo';

export type ExoDeleteMark = 'text' | 'tag' | 'none';

/**
 * What the post of an activity deleted in Exo gets instead of being deleted (the product never
 * deletes on the other side): `text` puts "Deleted in Exo: " before its first line and a closing
 * line saying who and when; `tag` adds the tag "Deleted in Exo"; `none` leaves it. Nothing when the
 * post already carries the mark (a retried send marks once).
 */
export function exoDeletedMark(post: Pick<Post, 'body_text' | 'tags'>, mark: ExoDeleteMark, who: string, at: Date, timeZone: string): PostPatch | undefined {
  if (mark === 'none') return undefined;
  if (mark === 'tag') {
    if (post.tags.some((t) => t.toLowerCase() === EXO_DELETED_TAG.toLowerCase())) return undefined;
    return { tags: normaliseTags([...post.tags, EXO_DELETED_TAG]) };
  }
  if (post.body_text.startsWith(EXO_DELETED_PREFIX)) return undefined;
  const when = DateTime.fromJSDate(at, { zone: timeZone }).toFormat('d LLL yyyy HH:mm');
  return { body_text: `${EXO_DELETED_PREFIX}${post.body_text}\n\n[Deleted in Exo by ${who} on ${when}]` };
}

/** The closing line the text mark adds, whoever and whenever. */
const CLOSING_LINE = /\n\n\[Deleted in Exo by [^\n]* on [^\n]*\]$/;

/**
 * What takes the mark off the post of an activity restored in Exo: the text mark's first-line
 * prefix and closing line, and the tag, whichever the post carries (the setting may have changed
 * since it was marked); the rest of the post, Numerik's edits since included, stays. Nothing when
 * it carries no mark.
 */
export function exoDeletedUnmark(post: Pick<Post, 'body_text' | 'tags'>): PostPatch | undefined {
  const patch: PostPatch = {};
  if (post.body_text.startsWith(EXO_DELETED_PREFIX)) patch.body_text = post.body_text.slice(EXO_DELETED_PREFIX.length).replace(CLOSING_LINE, '');
  const tags = post.tags.filter((t) => t.toLowerCase() !== EXO_DELETED_TAG.toLowerCase());
  if (tags.length !== post.tags.length) patch.tags = normaliseTags(tags);
  return Object.keys(patch).length ? patch : undefined;
}
