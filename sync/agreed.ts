import type { Knex } from 'knex';
import type { Db } from '../db/connect.js';
import type { Activity } from '../db/exo/activities.js';
import { writeBackText, type FieldChange } from '../db/exo/write-back.js';
import { dropCreateIntent } from '../db/plugin/links/create-intents.js';
import { insertPostLink, updatePostLink, type PostLink } from '../db/plugin/links/posts.js';
import type { LogEntry } from '../db/plugin/log.js';
import { recheck } from './commit-check.js';
import { failpoint } from './failpoints.js';
import { textGet } from './lens/activity-text.js';
import { inboundContext, outboundContext, type Lookups } from './lookups.js';
import { contentOfPost, hashContent } from './mapping/content.js';
import { refOf } from './mapping/external-ref.js';
import { carries } from './mapping/ownership.js';
import { activityContent } from './mapping/outbound.js';
import { instantToWallClock } from './mapping/time.js';
import type { Post } from './numerik/types.js';

export type AgreedState = Pick<PostLink, 'exoHash' | 'exoContent' | 'exoAssignedTo' | 'numerikVersion' | 'numerikHash' | 'numerikContent' | 'postUrl' | 'postRef'>;

/** What both sides look like now that they agree: the bases of the next three-way merge. */
export function agreedState(after: Activity, post: Post, lookups: Lookups): AgreedState {
  const numerikContent = contentOfPost(post);
  const stub: PostLink = {
    activitySeqno: after.seqno,
    postId: post.id,
    postType: post.type,
    origin: 'exo',
    state: 'active',
    exoHash: null,
    exoContent: null,
    exoAssignedTo: after.assignedTo,
    numerikVersion: post.version,
    numerikHash: hashContent(numerikContent),
    numerikContent: JSON.stringify(numerikContent),
    postUrl: post.web_url ?? null,
    postRef: refOf(post),
    sending: null,
    createdAt: new Date(),
    syncedAt: new Date(),
  };
  const ctx = outboundContext(after, stub, lookups);
  const exoContent = activityContent(after, ctx, ctx.customerId ?? numerikContent.customer_id);
  return {
    exoHash: hashContent(exoContent),
    exoContent: JSON.stringify(exoContent),
    exoAssignedTo: after.assignedTo,
    numerikVersion: post.version,
    numerikHash: stub.numerikHash,
    numerikContent: stub.numerikContent,
    postUrl: stub.postUrl,
    postRef: stub.postRef,
  };
}

/**
 * After Numerik took an Exo change: the activity's subject and details become the view of the post
 * as it now is (the subject follows the first line, rule 3; a restored cut marker, say), written
 * only if Exo still holds what the sync read, and the link records both sides, in one transaction.
 * An Exo edit made meanwhile is never overwritten: it stays, queued, and the link's Exo side is
 * the activity that was sent, so that edit is the next change.
 */
export async function agreeOnPost(
  db: Db,
  activity: Activity,
  post: Post,
  lookups: Lookups,
  how: { link: 'insert' } | { link: 'update'; read: PostLink | undefined },
): Promise<LogEntry[]> {
  const view = textGet(post, inboundContext(lookups));
  // A new link makes the activity the post's view; an update does only when Numerik's text is carried to Exo (fieldOwnership).
  const writes = how.link === 'insert' || carries(lookups.options.fieldOwnership, 'body_text', 'numerik');
  const change: { subject?: FieldChange; details?: FieldChange } = {};
  if (writes && view.subject !== (activity.subject ?? '')) change.subject = { from: activity.subject, to: view.subject };
  if (writes && view.details !== (activity.details ?? '')) change.details = { from: activity.details, to: view.details };
  const log: LogEntry[] = [];
  const record = async (trx: Knex.Transaction, written: boolean) => {
    const after = written ? { ...activity, subject: view.subject, details: view.details } : activity;
    const state = agreedState(after, post, lookups);
    const linked = { activitySeqno: activity.seqno, postId: post.id, postType: post.type, origin: 'exo' as const, state: 'active' as const, ...state };
    if (how.link === 'insert') {
      await insertPostLink(db, linked, trx);
      await dropCreateIntent(db, activity.seqno, trx);
    } else await updatePostLink(db, activity.seqno, state, trx);
    if (written && change.details) {
      const at = { direction: 'outbound' as const, activitySeqno: activity.seqno, postId: post.id };
      log.push(...view.notes.map((reason): LogEntry => ({ ...at, kind: 'note', reason })));
      if (view.cut) log.push({ ...at, kind: 'truncated', reason: "DETAILS shows the start of the post's text; the full text is in DETAIL and in Numerik", detail: { DETAILS: post.body_text } });
    }
  };
  // An update commits only on the link it was decided from (another worker's commit meanwhile
  // starts it over); a create's echo is captured like any edit, so a worker that read the activity
  // just before still brings Numerik to the same text.
  const options =
    how.link === 'insert'
      ? { echo: true, by: lookups.systemStaff, first: (trx: Knex.Transaction) => recheck(db, trx, { seqno: activity.seqno, link: undefined }) }
      : { echo: false, by: lookups.systemStaff, first: (trx: Knex.Transaction) => recheck(db, trx, { seqno: activity.seqno, link: how.read }) };
  await failpoint('outbound.after-numerik', { seqno: activity.seqno, postId: post.id, direction: 'outbound' });
  await writeBackText(db, activity.seqno, change, instantToWallClock(new Date(), lookups.options.timeZone), options, record);
  return log;
}
