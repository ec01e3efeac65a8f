import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import type { Activity } from '../../db/exo/activities.js';
import { writeBackText } from '../../db/exo/write-back.js';
import { insertPostLink, readPostLinks, updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { converge } from '../converge/converge.js';
import { outboundContext, type Lookups } from '../lookups.js';
import { contentOfPost, hashContent, type Content } from '../mapping/content.js';
import { planOutbound, type ExoWrite, type OutboundPlan } from '../mapping/outbound.js';
import { instantToWallClock } from '../mapping/time.js';
import type { NumerikClient } from '../numerik/client.js';
import { NumerikError, PreconditionFailedError } from '../numerik/errors.js';
import type { Post } from '../numerik/types.js';

export type Outcome =
  | {
      kind: 'done';
      action: 'created' | 'updated' | 'unchanged' | 'skipped' | 'merged';
      postId?: string;
      log: LogEntry[];
      /** The queue rows were finished (and logged) in the same transaction as the effect. */
      finished?: boolean;
    }
  | { kind: 'park'; reason: string }
  | { kind: 'lost' }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'dead'; error: string };

export interface SendDeps {
  db: Db;
  client: NumerikClient;
  /** Finishes this activity's queue rows inside `trx`, if this worker still holds them. */
  finish(trx: Knex.Transaction): Promise<boolean>;
}

const entry = (seqno: number, kind: LogEntry['kind'], reason: string, postId?: string, detail?: unknown): LogEntry => ({
  direction: 'outbound',
  kind,
  activitySeqno: seqno,
  postId,
  reason,
  detail,
});

/** What each side looks like once they agree: the bases of the next three-way merge. */
function agreed(exoContent: Content, post: Post, assignedTo: number | null) {
  const numerikContent = contentOfPost(post);
  return {
    exoHash: hashContent(exoContent),
    exoContent: JSON.stringify(exoContent),
    exoAssignedTo: assignedTo,
    numerikVersion: post.version,
    numerikHash: hashContent(numerikContent),
    numerikContent: JSON.stringify(numerikContent),
  };
}

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
      case 'create':
        return await create(deps, seqno, activity!, plan, lookups, attempts, notes);
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

async function create(
  deps: SendDeps,
  seqno: number,
  activity: Activity,
  plan: Extract<OutboundPlan, { kind: 'create' }>,
  lookups: Lookups,
  attempts: number,
  notes: LogEntry[],
): Promise<Outcome> {
  let post = await deps.client.createPost(plan.input, plan.idempotencyKey, { lookupFirst: attempts > 1 });
  if (hashContent(contentOfPost(post)) !== plan.hash) {
    // The post was made earlier from older content (another worker's create, or one whose answer
    // was lost): bring it to the activity's current state.
    const { type: _type, external_ref: _ref, author_id: _author, ...patch } = plan.input;
    post = await deps.client.updatePost(post.id, patch, post.version);
  }
  const bases = agreed(plan.content, post, activity.assignedTo);
  const inserted = await insertPostLink(deps.db, { activitySeqno: seqno, postId: post.id, postType: post.type, origin: 'exo', state: 'active', ...bases });
  if (!inserted) await updatePostLink(deps.db, seqno, bases);
  const written = await writeBack(deps.db, activity, plan.exoWrite, lookups.options.timeZone, post.id);
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
  try {
    post = await deps.client.updatePost(plan.postId, plan.patch, link.numerikVersion ?? undefined);
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    const fresh = (await readPostLinks(deps.db, [seqno])).get(seqno);
    if (fresh?.numerikVersion !== link.numerikVersion) {
      // Another worker synced this activity meanwhile: start over from what it left.
      return { kind: 'retry', error: 'another worker synced this activity meanwhile', retryAfterMs: 0 };
    }
    // Numerik changed the post since the two last agreed: merge both sides' changes.
    const merged = await converge(deps, { postId: plan.postId, lookup: await deps.client.getPost(plan.postId), link, activity, lookups, finish: deps.finish, direction: 'outbound' });
    if (merged.kind !== 'done') return merged;
    const written = await writeBack(deps.db, activity, plan.exoWrite, lookups.options.timeZone, plan.postId);
    return { kind: 'done', action: 'merged', postId: plan.postId, log: [...notes, ...written], finished: true };
  }
  await updatePostLink(deps.db, seqno, agreed(plan.content, post, activity.assignedTo));
  const written = await writeBack(deps.db, activity, plan.exoWrite, lookups.options.timeZone, plan.postId);
  return {
    kind: 'done',
    action: 'updated',
    postId: plan.postId,
    log: [...notes, ...written, entry(seqno, 'synced', `updated ${post.type} ${post.id}: ${Object.keys(plan.patch).filter((k) => k !== 'body_html').join(', ')}`, post.id)],
  };
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
