import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import type { Activity } from '../../db/exo/activities.js';
import { writeBackText } from '../../db/exo/write-back.js';
import { dropCreateIntent, openCreateIntent } from '../../db/plugin/links/create-intents.js';
import { readPostLinks, recordSending, sameLink, updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import { receiveInFlight, sendInFlight } from '../../db/plugin/work/in-flight.js';
import { writeLog, type LogEntry } from '../../db/plugin/log.js';
import { agreeOnPost } from '../agreed.js';
import { converge } from '../converge/converge.js';
import { linkCreatedPost } from '../converge/link-created.js';
import { outboundContext, type Lookups } from '../lookups.js';
import { contentOfPost, hashContent } from '../mapping/content.js';
import { createKey, externalRef, sendMark, sendMarkable } from '../mapping/external-ref.js';
import { exoDeletedMark } from '../mapping/exo-deleted-mark.js';
import { planOutbound, type OutboundPlan } from '../mapping/outbound.js';
import { textToHtml } from '../mapping/text.js';
import { instantToWallClock } from '../mapping/time.js';
import type { NumerikClient, PostLookup } from '../numerik/client.js';
import { notMade, PreconditionFailedError } from '../numerik/errors.js';
import { causeOf, failureOf } from '../error-cause.js';
import { lostRace, Moved, recheck } from '../commit-check.js';
import { failpoint } from '../failpoints.js';
import { landedAt, markedPatch, patchedBase, pendingSend } from '../pending-send.js';
import { readActivityPairs } from '../read-set.js';
import type { Post } from '../numerik/types.js';
import { AdoptionRefusedError, adoptOnRetry } from './create-retry.js';
import { restoreLink } from './restore.js';

export type Outcome =
  | {
      kind: 'done';
      action: 'created' | 'updated' | 'unchanged' | 'skipped' | 'merged';
      postId?: string;
      log: LogEntry[];
      /** The queue rows were finished (and logged) in the same transaction as the effect. */
      finished?: boolean;
      /** Why it was skipped (shown on the activity, unless the link's state already says it). */
      reason?: string;
      byLink?: boolean;
      /** A merge met a conflict (decided by the policy, kept for a person to review). */
      conflict?: boolean;
      /** The activity was restored in Exo and syncs again (restore.ts). */
      restored?: boolean;
    }
  | { kind: 'park'; reason: string }
  | { kind: 'lost' }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'dead'; error: string }
  | { kind: 'busy'; restarts: number; reason: string }
  /**
   * What the send was decided from moved before it committed: read it again and decide again.
   * `landed`: its PATCH is in Numerik (the other direction recorded it first), so the edit was carried.
   */
  | { kind: 'moved'; reason: string; landed?: boolean };

export interface SendDeps {
  db: Db;
  client: NumerikClient;
  /** Finishes this activity's queue rows inside `trx`, if this worker still holds them. */
  finish(trx: Knex.Transaction): Promise<boolean>;
  /** The sending worker's id: another worker's send of the same activity is told from its own. */
  worker: string;
}

const entry = (seqno: number, kind: LogEntry['kind'], reason: string, postId?: string, detail?: unknown): LogEntry => ({
  direction: 'outbound',
  kind,
  activitySeqno: seqno,
  postId,
  reason,
  detail,
});

/** Sends one activity's current state to Numerik, as planOutbound decides, and records the result. */
export async function sendActivity(
  deps: SendDeps,
  seqno: number,
  activity: Activity | undefined,
  link: PostLink | undefined,
  lookups: Lookups,
  attempts: number,
): Promise<Outcome> {
  const plan = planOutbound(activity, outboundContext(activity, link, lookups));
  const notes = 'notes' in plan ? plan.notes.map((n) => entry(seqno, 'note', n, link?.postId)) : [];
  try {
    switch (plan.kind) {
      case 'skip': {
        const marked = plan.stopLink && link?.state === 'active' && (await markExoDeleted(deps, activity, link, lookups));
        const log = [marked ? entry(seqno, 'synced', `${plan.reason}; marked "deleted in Exo" (exoDeleteMark ${lookups.options.exoDeleteMark})`, link!.postId) : entry(seqno, 'skipped', plan.reason, link?.postId)];
        return { kind: 'done', action: 'skipped', postId: link?.postId, reason: plan.reason, byLink: plan.byLink, log };
      }
      case 'park':
        return { kind: 'park', reason: plan.reason };
      case 'create':
        return await create(deps, seqno, activity!, plan, lookups, attempts, notes);
      case 'update':
        return await update(deps, seqno, activity!, link!, plan, lookups, notes);
      case 'unchanged':
        await unchanged(deps.db, activity!, link!, plan, lookups);
        return { kind: 'done', action: 'unchanged', postId: link?.postId, log: notes };
      case 'restore': {
        const restored = await restoreLink(deps, activity!, link!);
        if ('skipped' in restored) return { kind: 'done', action: 'skipped', postId: plan.postId, reason: restored.skipped, log: [entry(seqno, 'skipped', restored.skipped, plan.postId)] };
        const next = await sendActivity(deps, seqno, activity, restored.link, lookups, attempts);
        return next.kind === 'done' ? { ...next, restored: true, log: [...restored.log, ...next.log] } : next;
      }
    }
  } catch (error) {
    if (lostRace(deps.db, error)) return { kind: 'moved', reason: causeOf(error) };
    return failureOf(error, deps.db.dialect);
  }
}

async function create(
  deps: SendDeps,
  seqno: number,
  activity: Activity,
  plan: Extract<OutboundPlan, { kind: 'create' }>,
  lookups: Lookups,
  attempts: number,
  notes: LogEntry[],
): Promise<Outcome> {
  // Recorded before the create: only a post carrying this token is ever taken for this activity.
  const intent = await openCreateIntent(deps.db, seqno, JSON.stringify(plan.content));
  const { token } = intent;
  // A token is spent when its post is linked, by this side or by the inbound side adopting the
  // post of a create whose answer was lost. A link that appeared since this activity's links were
  // read means a fresh token here would make a second post: start over from the link instead.
  if ((await readPostLinks(deps.db, [seqno])).has(seqno)) {
    await dropCreateIntent(deps.db, seqno);
    return { kind: 'retry', error: 'the post was linked meanwhile (its own create, adopted from Numerik)', retryAfterMs: 0 };
  }
  let post: Post;
  try {
    // An intent already recorded means an earlier create may have reached Numerik: look first.
    post = await deps.client.createPost({ ...plan.input, external_ref: externalRef(seqno, token) }, createKey(seqno, token), { lookupFirst: attempts > 1 || intent.earlier, adopt: adoptOnRetry({ seqno, ...intent }) });
  } catch (error) {
    // Posts carry the reference but none may be taken (create-retry.ts): parked, with the reason.
    if (error instanceof AdoptionRefusedError) return { kind: 'park', reason: error.message };
    throw error;
  }
  if (hashContent(contentOfPost(post)) !== plan.hash) {
    // The post was made earlier (by a create whose answer was lost) and Exo, Numerik or both have
    // changed since: linked as it was created, then both sides' changes since are merged.
    const link = await linkCreatedPost(deps.db, activity, post, entry(seqno, 'synced', `linked to ${post.type} ${post.id}, made by an earlier create`, post.id));
    return mergeWithPost(deps, seqno, activity, link, { kind: 'post', post }, lookups, notes);
  }
  // The details become the view of the post (its first line the subject), captured like any edit:
  // another worker that read the activity just before still brings Numerik to the same text.
  const written = await agreeOnPost(deps.db, activity, post, lookups, { link: 'insert' });
  return { kind: 'done', action: 'created', postId: post.id, log: [...notes, ...written, entry(seqno, 'synced', `created ${post.type} ${post.id}`, post.id)] };
}

async function update(
  deps: SendDeps,
  seqno: number,
  activity: Activity,
  link: PostLink,
  plan: Extract<OutboundPlan, { kind: 'update' }>,
  lookups: Lookups,
  notes: LogEntry[],
): Promise<Outcome> {
  let post: Post;
  await failpoint('outbound.after-read', { seqno, postId: plan.postId, direction: 'outbound' });
  // A send of an earlier worker may have landed unrecorded: only the post tells (the merge reads it).
  if (link.sending) return mergeWithPost(deps, seqno, activity, link, await deps.client.getPost(plan.postId), lookups, notes);
  const agreed = { exoHash: plan.hash, exoContent: JSON.stringify(plan.content), exoAssignedTo: activity.assignedTo, ...patchedBase(link, plan.patch) };
  // The post's reference as recorded is that of the version the PATCH is made on (If-Match).
  const mark = link.numerikVersion !== null && sendMarkable(seqno, link.postRef) ? sendMark(seqno) : undefined;
  const pending = link.numerikVersion === null ? undefined : pendingSend(link.numerikVersion, plan.patch, agreed, { mark });
  const sending = pending === undefined ? undefined : await recordSending(deps.db, link, pending);
  if (pending && !sending) return { kind: 'moved', reason: 'another worker is sending this activity' };
  try {
    post = await deps.client.updatePost(plan.postId, markedPatch(plan.patch, mark), link.numerikVersion ?? undefined);
    await failpoint('send.patch-answered', { seqno, postId: plan.postId, direction: 'outbound' });
    if (pending) await sending?.replace(landedAt(pending, post.version));
  } catch (error) {
    if (notMade(error)) await sending?.putBack();
    if (!(error instanceof PreconditionFailedError)) throw error;
    const fresh = (await readPostLinks(deps.db, [seqno])).get(seqno);
    // Another worker synced this activity meanwhile (a version, or only its bases): start over from what it left.
    if (!sameLink(fresh, link)) return { kind: 'moved', reason: 'another worker synced this activity meanwhile' };
    // Numerik changed the post since the two last agreed: merge both sides' changes.
    return mergeWithPost(deps, seqno, activity, link, await deps.client.getPost(plan.postId), lookups, notes);
  }
  const sent = entry(seqno, 'synced', `updated ${post.type} ${post.id}: ${Object.keys(plan.patch).filter((k) => k !== 'body_html').join(', ')}`, post.id);
  try {
    const written = await agreeOnPost(deps.db, activity, post, lookups, { link: 'update', read: sending?.asLeft(link) ?? link });
    return { kind: 'done', action: 'updated', postId: plan.postId, log: [...notes, ...written, sent] };
  } catch (error) {
    if (!lostRace(deps.db, error)) throw error;
    // Numerik took the edit, and the other direction recorded the record first (its webhook is
    // quick): the send starts over and finds nothing left to send, but what the edit did is said.
    await writeLog(deps.db, [...notes, sent]);
    return { kind: 'moved', reason: causeOf(error), landed: true };
  }
}

/** A three-way merge of the activity and its post (converge), finishing the queue rows with it. */
async function mergeWithPost(deps: SendDeps, seqno: number, activity: Activity, link: PostLink, lookup: PostLookup, lookups: Lookups, notes: LogEntry[]): Promise<Outcome> {
  const postId = link.postId;
  const reread = async () => {
    const pair = await readActivityPairs(deps.db, [seqno]);
    if (pair.unsettled.length) throw new Moved(`the link of activity ${seqno} kept changing while it was read`);
    return { link: pair.links.get(seqno), activity: pair.activities.get(seqno), lookup: await deps.client.getPost(postId) };
  };
  // Either direction's work in flight may be in Numerik and not yet recorded: its echo would be taken for an edit.
  const otherInFlight = async () => {
    if (await receiveInFlight(deps.db, postId)) return `Numerik's change to post ${postId} is being applied: the conflict is decided after it`;
    if (await sendInFlight(deps.db, seqno, deps.worker)) return `another worker is sending activity ${seqno}: the conflict is decided after it`;
    return undefined;
  };
  const merged = await converge(deps, { postId, lookup, link, activity, lookups, finish: deps.finish, direction: 'outbound', reread, otherInFlight });
  if (merged.kind !== 'done') return merged;
  return { kind: 'done', action: 'merged', postId, log: notes, finished: true, conflict: merged.conflicts.length > 0 };
}

/**
 * Nothing for Numerik: the subject an Exo user edited is set back to the post's first line (rule
 * 3), and a view that changed without changing the post is recorded as the link's Exo side. A send
 * of an earlier worker recorded on the link stays: it may have landed unrecorded, and forgotten, its
 * change in Numerik would later be taken for a Numerik user's edit (an Exo take-back then lost).
 */
async function unchanged(db: Db, activity: Activity, link: PostLink, plan: Extract<OutboundPlan, { kind: 'unchanged' }>, lookups: Lookups): Promise<void> {
  // A linked activity's content does not hold its subject: the write changes nothing recorded.
  const recorded = plan.content && plan.hash ? { exoHash: plan.hash, exoContent: JSON.stringify(plan.content), exoAssignedTo: activity.assignedTo } : undefined;
  const assignee = link.exoAssignedTo !== activity.assignedTo ? { exoAssignedTo: activity.assignedTo } : undefined;
  const subject = plan.subject === undefined ? undefined : { from: activity.subject, to: plan.subject };
  // The echo of the sync's own write (every create's): nothing to write, so nothing to re-check.
  if (!recorded && !assignee && !subject) return;
  const record = async (trx: Knex.Transaction) => {
    const columns = recorded ?? assignee;
    if (columns) await updatePostLink(db, activity.seqno, columns, trx, { exoViewOnly: true });
  };
  const first = (trx: Knex.Transaction) => recheck(db, trx, { seqno: activity.seqno, link });
  await writeBackText(db, activity.seqno, { subject }, instantToWallClock(new Date(), lookups.options.timeZone), { echo: false, by: lookups.systemStaff, first }, record);
}

/**
 * The activity was deleted in Exo (its row, or DELETED_FLAG): its post is marked, never deleted,
 * and the link stops syncing. The link records the marked version, so only a later Numerik edit of
 * the post is reported (converge parks it), not the mark's own echo.
 */
async function markExoDeleted(deps: SendDeps, activity: Activity | undefined, link: PostLink, lookups: Lookups): Promise<boolean> {
  const lookup = await deps.client.getPost(link.postId);
  let version = link.numerikVersion;
  let marked = false;
  if (lookup.kind === 'post') {
    const staff = activity?.modifiedBy == null ? undefined : lookups.staff.get(activity.modifiedBy);
    const who = staff?.name ?? staff?.loginId ?? 'an Exo user';
    const patch = exoDeletedMark(lookup.post, lookups.options.exoDeleteMark, who, new Date(), lookups.options.timeZone);
    const after = patch ? await deps.client.updatePost(link.postId, { ...patch, ...(patch.body_text ? { body_html: textToHtml(patch.body_text) } : {}) }, lookup.post.version) : lookup.post;
    version = after.version;
    marked = patch !== undefined;
  }
  await updatePostLink(deps.db, link.activitySeqno, { state: 'exo-deleted', ...(version === null ? {} : { numerikVersion: version }) });
  return marked;
}
