import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import { readActivities, type Activity } from '../../db/exo/activities.js';
import { asSyncWriter, insertActivity, updateActivity } from '../../db/exo/write-activity.js';
import { insertPostLink, updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import { ATTACHMENTS_JOB, storeEventOnce } from '../../db/plugin/inbox/store-event.js';
import { writeLog, type LogEntry } from '../../db/plugin/log.js';
import { inboundContext, linkState, outboundContext, type Lookups } from '../lookups.js';
import { conflictWinner } from '../mapping/conflict.js';
import { contentOfPost, hashContent, threeWay, type Content, type ContentField } from '../mapping/content.js';
import { deletedChange, exoColumnsFor, newActivityRow, type ExoChange } from '../mapping/inbound.js';
import { activityContent } from '../mapping/outbound.js';
import { splitComments, textToHtml } from '../mapping/text.js';
import { wallClockToInstant } from '../mapping/time.js';
import type { NumerikClient, PostLookup } from '../numerik/client.js';
import { NumerikError, PreconditionFailedError } from '../numerik/errors.js';
import type { Post, PostPatch } from '../numerik/types.js';

export interface ConvergeDeps {
  db: Db;
  client: NumerikClient;
}

export interface ConvergeInput {
  postId: string;
  /** The post as Numerik has it now. */
  lookup: PostLookup;
  link: PostLink | undefined;
  /** The linked activity, or the one a post's external_ref names. */
  activity: Activity | undefined;
  lookups: Lookups;
  /** Finishes the work rows in the same transaction; false when their lease was lost meanwhile. */
  finish(trx: Knex.Transaction): Promise<boolean>;
  /** When and by whom a deleted post was deleted, if known. */
  deleted?: { at: string; by: string | null };
  direction: 'inbound' | 'outbound';
}

export type ConvergeOutcome =
  | { kind: 'done'; action: 'inserted' | 'updated' | 'in-sync' | 'deleted' | 'skipped' | 'adopted'; seqno?: number; conflicts: ContentField[] }
  | { kind: 'park'; reason: string }
  /** The work rows were taken over by another worker: nothing was written. */
  | { kind: 'lost' }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'dead'; error: string };

class LeaseLost extends Error {}

/**
 * Brings an activity and its post together when either (or both) may have changed: a three-way
 * merge against what each side looked like when they last agreed. Numerik's side gets a PATCH;
 * Exo's side, the link and the work rows' completion are one database transaction, so a crash
 * leaves all of it or none of it (the PATCH is repeated harmlessly: the merge then finds it done).
 */
export async function converge(deps: ConvergeDeps, input: ConvergeInput): Promise<ConvergeOutcome> {
  try {
    return await run(deps, input);
  } catch (error) {
    if (error instanceof LeaseLost) return { kind: 'lost' };
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof NumerikError && !error.transient && !(error instanceof PreconditionFailedError)) return { kind: 'dead', error: message };
    return { kind: 'retry', error: message, retryAfterMs: error instanceof NumerikError ? error.retryAfterMs : undefined };
  }
}

async function run(deps: ConvergeDeps, i: ConvergeInput): Promise<ConvergeOutcome> {
  const { db } = deps;
  const seqno = i.link?.activitySeqno ?? i.activity?.seqno;
  const entry = (kind: LogEntry['kind'], reason: string, detail?: unknown, activitySeqno = seqno): LogEntry => ({
    direction: i.direction,
    kind,
    activitySeqno,
    postId: i.postId,
    reason,
    detail,
  });
  /**
   * Writes `work` as the sync (no echo), finishes the work rows and logs, all in one transaction; and
   * queues the post's attachments in it too, so the files follow the text and are never lost.
   */
  const commit = <T>(work: (trx: Knex.Transaction) => Promise<T>, log: () => LogEntry[]) =>
    asSyncWriter(db, async (trx) => {
      const result = await work(trx);
      if (!(await i.finish(trx))) throw new LeaseLost();
      await writeLog(db, log(), trx);
      if (i.lookups.options.downloadAttachments && i.lookup.kind === 'post') {
        const { post } = i.lookup;
        await storeEventOnce(db, { eventId: `${ATTACHMENTS_JOB}:${post.id}:${post.version}`, type: ATTACHMENTS_JOB, postId: post.id, version: post.version, source: 'webhook' }, trx);
      }
      return result;
    });
  const skip = async (reason: string, kind: LogEntry['kind'] = 'skipped') => {
    await commit(async () => undefined, () => [entry(kind, reason)]);
    return { kind: 'done' as const, action: 'skipped' as const, seqno, conflicts: [] };
  };

  if (i.lookup.kind === 'missing') return skip('Numerik says this post never existed (404)');
  if (i.lookup.kind === 'gone') return deleted(deps, i, seqno, entry, commit, skip);
  const post = i.lookup.post;
  if (i.link && i.link.state !== 'active') return skip(`link is ${i.link.state}`);
  if (!i.link) return i.activity ? linkToActivity(deps, i, post, entry, commit) : insertActivityFor(deps, i, post, entry, commit);

  const link = i.link;
  const activity = i.activity;
  if (!activity || activity.deleted) {
    await commit((trx) => updatePostLink(db, link.activitySeqno, { state: 'exo-deleted' }, trx), () => [entry('skipped', 'deleted in Exo; the post is not brought back')]);
    return { kind: 'done', action: 'skipped', seqno, conflicts: [] };
  }
  if (i.direction === 'inbound' && link.numerikVersion !== null && post.version <= link.numerikVersion) {
    // Nothing newer in Numerik than what both sides last agreed on (an echo, or a late event).
    await commit(async () => undefined, () => []);
    return { kind: 'done', action: 'in-sync', seqno, conflicts: [] };
  }

  const state = linkState(link)!;
  const ctx = outboundContext(activity, link, i.lookups);
  const exoNow = activityContent(activity, ctx, ctx.customerId ?? state.exoBase?.customer_id ?? post.customer_id);
  const numerikNow = contentOfPost(post);
  // A link without bases (never expected) counts Numerik as the base: Exo's differences win.
  const bases = { exo: state.exoBase ?? numerikNow, numerik: state.numerikBase ?? numerikNow };
  const { options } = i.lookups;
  const winner = conflictWinner(options.conflictPolicy, wallClockToInstant(activity.modifiedAt ?? activity.createdAt, options.timeZone), post.updated_at);
  const merge = threeWay(bases, { exo: exoNow, numerik: numerikNow }, winner);
  const log: LogEntry[] = [];
  if (merge.conflicts.length) {
    log.push(
      entry('conflict', `conflict (${options.conflictPolicy}) on ${merge.conflicts.join(', ')}: ${winner === 'exo' ? "Exo's" : "Numerik's"} version won; the other is kept here`, {
        policy: options.conflictPolicy,
        winner,
        fields: merge.conflicts,
        // Both versions of each field in conflict, for the status page to show side by side.
        exo: Object.fromEntries(merge.conflicts.map((f) => [f, exoNow[f]])),
        numerik: Object.fromEntries(merge.conflicts.map((f) => [f, numerikNow[f]])),
        losing: winner === 'exo' ? { side: 'numerik', content: numerikNow, post } : { side: 'exo', content: exoNow, activity },
      }),
    );
  }
  const current = merge.toNumerik.length ? await deps.client.updatePost(post.id, patchOf(exoNow, merge.toNumerik, activity, i), post.version) : post;
  const change = exoColumnsFor(merge.toExo, current, activity, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  const wrote = Object.keys(change.columns).length > 0;
  await commit(
    async (trx) => {
      await updateActivity(db, trx, activity.seqno, change.columns);
      await recordLink(db, trx, activity.seqno, current, link.origin, i.lookups, 'update');
    },
    () => [...log, ...changeLog(change, entry), ...(wrote || merge.toNumerik.length ? [entry('synced', describe(merge.toExo, merge.toNumerik, wrote))] : [])],
  );
  return { kind: 'done', action: wrote || merge.toNumerik.length ? 'updated' : 'in-sync', seqno: activity.seqno, conflicts: merge.conflicts };
}

function describe(toExo: ContentField[], toNumerik: ContentField[], wroteExo: boolean): string {
  const parts = [];
  if (toNumerik.length) parts.push(`sent ${toNumerik.join(', ')} to Numerik`);
  if (toExo.length) parts.push(`wrote ${toExo.join(', ')} to Exo`);
  else if (wroteExo) parts.push("wrote Numerik's comments to Exo");
  return parts.join('; ');
}

function patchOf(content: Content, fields: ContentField[], activity: Activity, i: ConvergeInput): PostPatch {
  const patch: PostPatch = Object.fromEntries(fields.map((f) => [f, content[f]]));
  if (fields.includes('body_text')) {
    const above = splitComments(activity.details).above;
    patch.body_html = i.lookups.options.notesFormat === 'html' && above ? above : textToHtml(content.body_text);
  }
  return patch;
}

function changeLog(change: ExoChange, entry: (kind: LogEntry['kind'], reason: string, detail?: unknown) => LogEntry): LogEntry[] {
  return [
    ...change.notes.map((n) => entry('note', n)),
    ...change.cuts.map((c) => entry('truncated', `${c.column} cut to fit Exo; the full text is in DETAIL`, { [c.column]: c.full })),
  ];
}

/** Records what both sides look like now that they agree: the bases of the next merge. */
async function recordLink(db: Db, trx: Knex.Transaction, seqno: number, post: Post, origin: PostLink['origin'], lookups: Lookups, how: 'insert' | 'update'): Promise<void> {
  const after = (await readActivities(db, [seqno], trx)).get(seqno)!;
  const numerikContent = contentOfPost(post);
  const stub: PostLink = {
    activitySeqno: seqno,
    postId: post.id,
    postType: post.type,
    origin,
    state: 'active',
    exoHash: null,
    exoContent: null,
    exoAssignedTo: after.assignedTo,
    numerikVersion: post.version,
    numerikHash: hashContent(numerikContent),
    numerikContent: JSON.stringify(numerikContent),
    syncedAt: new Date(),
  };
  const ctx = outboundContext(after, stub, lookups);
  const exoContent = activityContent(after, ctx, ctx.customerId ?? numerikContent.customer_id);
  const record = { ...stub, exoHash: hashContent(exoContent), exoContent: JSON.stringify(exoContent) };
  if (how === 'insert') {
    if (!(await insertPostLink(db, record, trx))) throw new LeaseLost();
    return;
  }
  const { activitySeqno: _s, postId: _p, postType: _t, origin: _o, syncedAt: _a, ...change } = record;
  await updatePostLink(db, seqno, change, trx);
}

type Commit = <T>(work: (trx: Knex.Transaction) => Promise<T>, log: () => LogEntry[]) => Promise<T>;
type Entry = (kind: LogEntry['kind'], reason: string, detail?: unknown, activitySeqno?: number) => LogEntry;

/** A post made in Numerik: a new activity, its link, in one transaction. */
async function insertActivityFor(deps: ConvergeDeps, i: ConvergeInput, post: Post, entry: Entry, commit: Commit): Promise<ConvergeOutcome> {
  const change = newActivityRow(post, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  let seqno = 0;
  await commit(
    async (trx) => {
      seqno = await insertActivity(deps.db, trx, change.columns);
      await recordLink(deps.db, trx, seqno, post, 'numerik', i.lookups, 'insert');
    },
    () => [...changeLog(change, (k, r, d) => entry(k, r, d, seqno)), entry('synced', `created activity ${seqno} from ${post.type} ${post.id}`, undefined, seqno)],
  );
  return { kind: 'done', action: 'inserted', seqno, conflicts: [] };
}

/**
 * A post whose external_ref names an activity that has no link yet (its create's answer was lost
 * before the link was written): link the two, and send what Exo has that Numerik lacks.
 */
async function linkToActivity(deps: ConvergeDeps, i: ConvergeInput, post: Post, entry: Entry, commit: Commit): Promise<ConvergeOutcome> {
  const activity = i.activity!;
  const ctx = outboundContext(activity, undefined, i.lookups);
  const exoNow = activityContent(activity, { ...ctx, link: { postId: post.id, postType: post.type, state: 'active', exoHash: null, exoAssignedTo: null, exoBase: null, numerikBase: contentOfPost(post) } }, ctx.customerId ?? post.customer_id);
  const numerikNow = contentOfPost(post);
  const merge = threeWay({ exo: numerikNow, numerik: numerikNow }, { exo: exoNow, numerik: numerikNow }, 'exo');
  const current = merge.toNumerik.length ? await deps.client.updatePost(post.id, patchOf(exoNow, merge.toNumerik, activity, i), post.version) : post;
  const change = exoColumnsFor([], current, activity, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  await commit(
    async (trx) => {
      await updateActivity(deps.db, trx, activity.seqno, change.columns);
      await recordLink(deps.db, trx, activity.seqno, current, 'exo', i.lookups, 'insert');
    },
    () => [entry('synced', `linked to ${post.type} ${post.id}, found by its external_ref`)],
  );
  return { kind: 'done', action: 'adopted', seqno: activity.seqno, conflicts: [] };
}

/** A deleted post never deletes its activity: the subject is marked and an audit block kept (rule 9). */
async function deleted(
  { db }: ConvergeDeps,
  i: ConvergeInput,
  seqno: number | undefined,
  entry: Entry,
  commit: Commit,
  skip: (reason: string) => Promise<ConvergeOutcome>,
): Promise<ConvergeOutcome> {
  const { link, activity } = i;
  if (!link || link.state !== 'active' || !activity || activity.deleted) return skip('the post was deleted in Numerik; nothing linked to mark');
  const numerikBase = link.numerikContent ? (JSON.parse(link.numerikContent) as Content) : undefined;
  const text = numerikBase?.body_text ?? splitComments(activity.details).above;
  const change = deletedChange(activity, { text, deletedAt: i.deleted?.at ?? new Date().toISOString(), deletedBy: i.deleted?.by ?? null }, inboundContext(i.lookups));
  await commit(
    async (trx) => {
      await updateActivity(db, trx, activity.seqno, change.columns);
      await updatePostLink(db, activity.seqno, { state: 'deleted' }, trx);
    },
    () => [...changeLog(change, entry), entry('deleted', `the post was deleted in Numerik; activity ${seqno} kept, marked "Deleted"`, { text, deletedAt: i.deleted?.at, deletedBy: i.deleted?.by })],
  );
  return { kind: 'done', action: 'deleted', seqno, conflicts: [] };
}
