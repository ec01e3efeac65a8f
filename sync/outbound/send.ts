import type { Db } from '../../db/connect.js';
import type { Activity } from '../../db/exo/activities.js';
import { writeBackText } from '../../db/exo/write-back.js';
import { insertPostLink, readPostLinks, updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { conflictWinner } from '../mapping/conflict.js';
import { planOutbound, postContentHash, type ExoWrite, type OutboundPlan } from '../mapping/outbound.js';
import { instantToWallClock, wallClockToInstant } from '../mapping/time.js';
import type { NumerikClient } from '../numerik/client.js';
import { NumerikError, PreconditionFailedError } from '../numerik/errors.js';
import type { Post } from '../numerik/types.js';
import { outboundContext, type Lookups } from './lookups.js';

export type Outcome =
  | { kind: 'done'; action: 'created' | 'updated' | 'unchanged' | 'skipped' | 'lost-conflict'; postId?: string; log: LogEntry[] }
  | { kind: 'park'; reason: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'dead'; error: string };

export interface SendDeps {
  db: Db;
  client: NumerikClient;
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
      case 'skip':
        if (plan.stopLink && link) await updatePostLink(deps.db, seqno, { state: 'exo-deleted' });
        return { kind: 'done', action: 'skipped', postId: link?.postId, log: [entry(seqno, 'skipped', plan.reason, link?.postId)] };
      case 'park':
        return { kind: 'park', reason: plan.reason };
      case 'create': {
        let post = await deps.client.createPost(plan.input, plan.idempotencyKey, { lookupFirst: attempts > 1 });
        if (postContentHash(post) !== plan.hash) {
          // The post was made earlier from older content (another worker's create, or one whose
          // answer was lost): bring it to the activity's current state.
          const { type: _type, external_ref: _ref, author_id: _author, ...patch } = plan.input;
          post = await deps.client.updatePost(post.id, patch, post.version);
        }
        const link = {
          exoHash: plan.hash,
          exoAssignedTo: activity!.assignedTo,
          numerikVersion: post.version,
          numerikHash: postContentHash(post),
        };
        const inserted = await insertPostLink(deps.db, { activitySeqno: seqno, postId: post.id, postType: post.type, origin: 'exo', state: 'active', ...link });
        if (!inserted) await updatePostLink(deps.db, seqno, link);
        const written = await writeBack(deps.db, activity!, plan.exoWrite, lookups.options.timeZone, post.id);
        return { kind: 'done', action: 'created', postId: post.id, log: [...notes, ...written, entry(seqno, 'synced', `created ${post.type} ${post.id}`, post.id)] };
      }
      case 'update':
        return await update(deps, seqno, activity!, link!, plan, lookups, notes);
      case 'unchanged': {
        const written = await writeBack(deps.db, activity!, plan.exoWrite, lookups.options.timeZone, link?.postId);
        if (link && activity && link.exoAssignedTo !== activity.assignedTo) await updatePostLink(deps.db, seqno, { exoAssignedTo: activity.assignedTo });
        return { kind: 'done', action: 'unchanged', postId: link?.postId, log: [...notes, ...written] };
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof NumerikError && !error.transient && !(error instanceof PreconditionFailedError)) return { kind: 'dead', error: message };
    // Transient Numerik failures, a post that moved on twice, database hiccups: later.
    return { kind: 'retry', error: message, retryAfterMs: error instanceof NumerikError ? error.retryAfterMs : undefined };
  }
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
  const { client } = deps;
  const log = [...notes];
  let post: Post;
  try {
    post = await client.updatePost(plan.postId, plan.patch, link.numerikVersion ?? undefined);
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    const fresh = (await readPostLinks(deps.db, [seqno])).get(seqno);
    if (fresh?.numerikVersion !== link.numerikVersion) {
      // Another worker synced this activity meanwhile: start over from what it left.
      return { kind: 'retry', error: 'another worker synced this activity meanwhile', retryAfterMs: 0 };
    }
    const current = await client.getPost(plan.postId);
    if (current.kind !== 'post') {
      await updatePostLink(deps.db, seqno, { state: 'deleted' });
      return { kind: 'done', action: 'skipped', postId: plan.postId, log: [...log, entry(seqno, 'skipped', 'the post was deleted in Numerik', plan.postId)] };
    }
    const numerikHash = postContentHash(current.post);
    if (numerikHash === plan.hash) {
      // Numerik already shows it: an earlier attempt's update went through, its answer did not.
      post = current.post;
    } else if (numerikHash === link.numerikHash) {
      // The post's version moved on without a content change (a comment): no conflict.
      post = await client.updatePost(plan.postId, plan.patch, current.post.version);
    } else {
      // Both sides changed since the last sync.
      const exoChangedAt = wallClockToInstant(activity.modifiedAt ?? activity.createdAt, lookups.options.timeZone);
      const winner = conflictWinner(lookups.options.conflictPolicy, exoChangedAt, current.post.updated_at);
      if (winner === 'numerik') {
        log.push(entry(seqno, 'conflict', `conflict (${lookups.options.conflictPolicy}): Numerik's version won; Exo's is kept here`, plan.postId, { losing: 'exo', activity, numerik: current.post }));
        return { kind: 'done', action: 'lost-conflict', postId: plan.postId, log };
      }
      log.push(entry(seqno, 'conflict', `conflict (${lookups.options.conflictPolicy}): Exo's version won; Numerik's is kept here`, plan.postId, { losing: 'numerik', post: current.post }));
      post = await client.updatePost(plan.postId, plan.patch, current.post.version);
    }
  }
  await updatePostLink(deps.db, seqno, { exoHash: plan.hash, exoAssignedTo: activity.assignedTo, numerikVersion: post.version, numerikHash: postContentHash(post) });
  const written = await writeBack(deps.db, activity, plan.exoWrite, lookups.options.timeZone, plan.postId);
  return { kind: 'done', action: 'updated', postId: plan.postId, log: [...log, ...written, entry(seqno, 'synced', `updated ${post.type} ${post.id} (version ${post.version})`, post.id)] };
}

/**
 * Writes the subject/details the plan asks for; a cut text is kept whole in the log. The subject
 * rewrite is echo-suppressed (rule 3; the subject is not part of an updated post). The details get
 * the subject line once, after a create, and that write is captured like any edit: another worker
 * that read the activity just before it then still brings Numerik to the same text.
 */
async function writeBack(db: Db, activity: Activity, write: ExoWrite | undefined, zone: string, postId?: string): Promise<LogEntry[]> {
  if (!write || (write.subject === undefined && write.details === undefined)) return [];
  await writeBackText(
    db,
    activity.seqno,
    {
      subject: write.subject === undefined ? undefined : { from: activity.subject, to: write.subject },
      details: write.details === undefined ? undefined : { from: activity.details, to: write.details },
    },
    instantToWallClock(new Date(), zone),
    { echo: write.details !== undefined },
  );
  return write.uncutDetails ? [entry(activity.seqno, 'truncated', 'DETAILS cut to 5,500 characters; the full text is in DETAIL', postId, { details: write.uncutDetails })] : [];
}
