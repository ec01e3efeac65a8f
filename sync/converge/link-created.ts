import type { Db } from '../../db/connect.js';
import type { Activity } from '../../db/exo/activities.js';
import { dropCreateIntent, readCreateIntentRecord, type CreateIntent } from '../../db/plugin/links/create-intents.js';
import { AS_CREATED_VERSION, insertPostLink, readPostLinkLocked, type PostLink } from '../../db/plugin/links/posts.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { writeLogWithCards } from '../../db/plugin/conflict-cards.js';
import { Moved, recheck } from '../commit-check.js';
import { contentOfPost, hashContent, type Content } from '../mapping/content.js';
import { refOf } from '../mapping/external-ref.js';
import type { Post } from '../numerik/types.js';

/**
 * The link an activity would have had if its create's answer had not been lost: both sides as
 * the post was created. What either side changed since the create (an Exo save, a Numerik edit of
 * the post found later) is then a change against that base, merged like any later edit, instead
 * of one side's state taken whole over the other's.
 *
 * Its version (AS_CREATED_VERSION) is older than any the post has had: Numerik's side is always
 * compared, and a PATCH decided from this link fails its If-Match and merges. Exo's side is the
 * activity as a new one (its subject opening its text), as the create saw it.
 * A token recorded before the create's content was kept has no base: the post as found stands in
 * for it (Exo's differences from it are then taken as Exo's edits).
 */
export function createdLink(activity: Activity, post: Post, intent: Pick<CreateIntent, 'content'>): Omit<PostLink, 'createdAt' | 'syncedAt' | 'sending'> {
  const base = intent.content ? (JSON.parse(intent.content) as Content) : contentOfPost(post);
  const hash = hashContent(base);
  const json = JSON.stringify(base);
  return {
    activitySeqno: activity.seqno,
    postId: post.id,
    postType: post.type,
    origin: 'exo',
    state: 'active',
    exoHash: hash,
    exoContent: json,
    exoAssignedTo: activity.assignedTo,
    numerikVersion: AS_CREATED_VERSION,
    numerikHash: hash,
    numerikContent: json,
    postUrl: post.web_url ?? null,
    postRef: refOf(post),
  };
}

/**
 * Records the created link (createdLink) of a post found by its create's token, once: under the
 * record's lock, only while the activity has no link and its token is still open. Returns the
 * link as stored; throws Moved when another worker linked the activity first.
 */
export async function linkCreatedPost(db: Db, activity: Activity, post: Post, log: LogEntry): Promise<PostLink> {
  return db.knex.transaction(async (trx) => {
    await recheck(db, trx, { seqno: activity.seqno, link: undefined });
    const intent = await readCreateIntentRecord(db, activity.seqno, trx);
    if (!intent) throw new Moved(`activity ${activity.seqno}'s post was linked by another worker meanwhile`);
    await insertPostLink(db, createdLink(activity, post, intent), trx);
    await dropCreateIntent(db, activity.seqno, trx);
    await writeLogWithCards(db, [log], trx);
    return (await readPostLinkLocked(db, trx, activity.seqno))!;
  });
}

/** As linkCreatedPost, decided only (preview, shadow): the link it would record, nothing written. */
export async function previewCreatedLink(db: Db, activity: Activity, post: Post): Promise<PostLink> {
  const intent = await readCreateIntentRecord(db, activity.seqno);
  return { ...createdLink(activity, post, intent ?? {}), sending: null, createdAt: new Date(), syncedAt: new Date() };
}
