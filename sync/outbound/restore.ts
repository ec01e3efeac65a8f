import type { Activity } from '../../db/exo/activities.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { readPostLinks, updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { resolveEntries, SYNC_ITSELF } from '../../db/plugin/resolve-entries.js';
import type { Db } from '../../db/connect.js';
import { EDITED_AFTER_EXO_DELETE } from '../converge/converge.js';
import { contentOfPost, hashContent } from '../mapping/content.js';
import { exoDeletedUnmark } from '../mapping/exo-deleted-mark.js';
import { refOf } from '../mapping/external-ref.js';
import { textToHtml } from '../mapping/text.js';
import type { NumerikClient } from '../numerik/client.js';

export const RESTORED_IN_EXO = 'restored in Exo: the "Deleted in Exo" mark was taken off the post, and the two sync again';

/**
 * An activity deleted in Exo and restored there (DELETED_FLAG back to N): the mark comes off its
 * post (If-Match the version read) and the link syncs again. When the post is the one both last
 * agreed on, the link records the unmarked version, so Exo's edits go across as any edit; when
 * Numerik edited it after the deletion, the link keeps its old version, so the edit that follows
 * is merged three-way with Numerik's, and the post is queued inbound so Numerik's edits reach the
 * activity; what was parked for it is closed.
 */
export async function restoreLink(deps: { db: Db; client: NumerikClient }, activity: Activity, link: PostLink): Promise<{ link: PostLink; log: LogEntry[] } | { skipped: string }> {
  const { db, client } = deps;
  const lookup = await client.getPost(link.postId);
  if (lookup.kind !== 'post') return { skipped: `restored in Exo, but its post is ${lookup.kind === 'gone' ? 'deleted in Numerik' : 'unknown to Numerik'}: not synced` };
  const { post } = lookup;
  const patch = exoDeletedUnmark(post);
  const after = patch ? await client.updatePost(post.id, { ...patch, ...(patch.body_text === undefined ? {} : { body_html: textToHtml(patch.body_text) }) }, post.version) : post;
  const editedMeanwhile = link.numerikVersion !== null && post.version > link.numerikVersion;
  const asAgreed = hashContent(contentOfPost(after)) === link.numerikHash;
  await db.knex.transaction(async (trx) => {
    await updatePostLink(db, activity.seqno, { state: 'active', ...(asAgreed ? { numerikVersion: after.version, postRef: refOf(after) } : {}) }, trx);
    if (!editedMeanwhile) return;
    await resolveEntries(db, 'parked', { postIds: [post.id], reason: EDITED_AFTER_EXO_DELETE }, { by: SYNC_ITSELF, resolution: RESTORED_IN_EXO }, trx);
    await storeEvent(db, { eventId: `restored:${post.id}:${after.version}`, type: 'post.updated', postId: post.id, version: after.version, source: 'requeue' }, trx);
  });
  const restored = (await readPostLinks(db, [activity.seqno])).get(activity.seqno)!;
  return { link: restored, log: [{ direction: 'outbound', kind: 'synced', activitySeqno: activity.seqno, postId: post.id, reason: RESTORED_IN_EXO }] };
}
