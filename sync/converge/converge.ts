import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import { readActivities, type Activity } from '../../db/exo/activities.js';
import { asSyncWriter, insertActivity, updateActivity } from '../../db/exo/write-activity.js';
import { dropCreateIntent } from '../../db/plugin/links/create-intents.js';
import { insertPostLink, readPostLinks, sameLink, updatePostLink, type PostLink, type PostLinkChange } from '../../db/plugin/links/posts.js';
import { ATTACHMENTS_JOB, storeEventOnce } from '../../db/plugin/inbox/store-event.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { writeLogWithCards } from '../../db/plugin/conflict-cards.js';
import { agreedState } from '../agreed.js';
import { textPut } from '../lens/activity-text.js';
import { splitDetails } from '../lens/details.js';
import { textOfView } from '../lens/view-text.js';
import { inboundContext, outboundContext, type Lookups } from '../lookups.js';
import type { conflictWinner } from '../mapping/conflict.js';
import { decide } from './decide.js';
import { linkCreatedPost, previewCreatedLink } from './link-created.js';
import { contentOfPost, hashContent, type Content, type ContentField } from '../mapping/content.js';
import { actorOf, deletedChange, exoColumnsFor, newActivityRow, type ExoChange } from '../mapping/inbound.js';
import { activityContent, exclusionOf } from '../mapping/outbound.js';
import { textToHtml } from '../mapping/text.js';
import type { NumerikClient, PostLookup } from '../numerik/client.js';
import { causeOf, failureOf } from '../error-cause.js';
import { MAX_RESTARTS, Moved, lostRace, recheck, type ReadSet } from '../commit-check.js';
import { failpoint } from '../failpoints.js';
import { PreconditionFailedError } from '../numerik/errors.js';
import type { Post, PostPatch } from '../numerik/types.js';

export interface ConvergeDeps {
  db: Db;
  client: NumerikClient;
  /** Set: decide only. Nothing is sent to Numerik or written to Exo; what would be is kept here. */
  preview?: ConvergePreview;
}

/** What one converge would do, recorded instead of done (`exo-numerik preview`, shadow mode). */
export interface ConvergePreview {
  /** The change Numerik would be sent. */
  sent?: PostPatch;
  /** The TASKS columns that would be written. */
  written?: Record<string, unknown>;
  log: LogEntry[];
}

/** The post as Numerik would return it after `patch` (a preview's stand-in for the PATCH). */
function patchedLocally(post: Post, patch: PostPatch): Post {
  return { ...post, ...patch, version: post.version + 1, updated_at: new Date().toISOString() } as Post;
}

export interface ConvergeInput {
  postId: string;
  /** The post as Numerik has it now. */
  lookup: PostLookup;
  link: PostLink | undefined;
  /** The link as stored, when `link` is a view of it made in memory (a person's choice rebases it): what the commit re-checks. */
  storedLink?: PostLink;
  /** The linked activity, or the one a post's external_ref names. */
  activity: Activity | undefined;
  lookups: Lookups;
  /** Finishes the work rows in the same transaction; false when their lease was lost meanwhile. */
  finish(trx: Knex.Transaction): Promise<boolean>;
  /** When and by whom a deleted post was deleted, if known. */
  deleted?: { at: string; by: string | null };
  /** Why the post's external_ref was not taken as naming an activity (logged with the result). */
  refusedRef?: string;
  /** Several posts carry the create token the post's external_ref names: which is the sync's own waits for a person. */
  adoptionParked?: string;
  /** The post's create is still in flight: the worker making it links it (this waits, busy). */
  adoptionWait?: string;
  direction: 'inbound' | 'outbound';
  /**
   * Why this record's other direction is in flight now (its worker holds the record's work: it may
   * have sent its side to Numerik and not yet recorded it), or undefined. Asked before a conflict
   * is recorded: decided meanwhile, that side's own edit would count on both sides, a conflict no
   * one made. The converge waits instead, busy, and decides again once it is recorded.
   */
  otherInFlight?(): Promise<string | undefined>;
  /**
   * Reads the record again (link and activity as one consistent pair, the post as Numerik has it
   * now), for a converge that lost a race and starts over. Without it, a lost race leaves the work
   * waiting, busy.
   */
  reread?(): Promise<Reread>;
}

/** What a converge reads afresh when it starts over. */
export type Reread = Pick<ConvergeInput, 'lookup' | 'link' | 'activity' | 'refusedRef' | 'adoptionParked' | 'adoptionWait' | 'deleted'>;

export type ConvergeOutcome =
  /** `restarts`: how often it started over from fresh reads before it committed. */
  | { kind: 'done'; action: 'inserted' | 'updated' | 'in-sync' | 'deleted' | 'skipped' | 'adopted'; seqno?: number; conflicts: ContentField[]; restarts?: number }
  | { kind: 'park'; reason: string }
  /** The work rows were taken over by another worker: nothing was written. */
  | { kind: 'lost' }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'dead'; error: string }
  /** Lost the race MAX_RESTARTS times running (both sides busy on this record): the work waits, uncounted, for the next round. */
  | { kind: 'busy'; restarts: number; reason: string };

class LeaseLost extends Error {}

export const EDITED_AFTER_EXO_DELETE = 'the post was edited in Numerik after its activity was deleted in Exo';

/**
 * Brings an activity and its post together when either (or both) may have changed: a three-way
 * merge against what each side looked like when they last agreed. Numerik's side gets a PATCH;
 * Exo's side, the link and the work rows' completion are one database transaction, so a crash
 * leaves all of it or none of it (the PATCH is repeated harmlessly: the merge then finds it done).
 */
export async function converge(deps: ConvergeDeps, input: ConvergeInput): Promise<ConvergeOutcome> {
  let i = input;
  for (let restarts = 0; ; restarts += 1) {
    try {
      const outcome = await run(deps, i);
      return outcome.kind === 'done' && restarts ? { ...outcome, restarts } : outcome;
    } catch (error) {
      if (error instanceof LeaseLost) return { kind: 'lost' };
      // Read → decide → commit-if-unchanged: what moved is read again and decided again.
      if (!lostRace(deps.db, error) && !(error instanceof PreconditionFailedError)) return failureOf(error, deps.db.dialect);
      if (restarts + 1 >= MAX_RESTARTS || !i.reread) return { kind: 'busy', restarts: restarts + 1, reason: causeOf(error) };
      try {
        i = { ...i, ...(await i.reread()) };
      } catch (readError) {
        if (lostRace(deps.db, readError)) return { kind: 'busy', restarts: restarts + 1, reason: causeOf(readError) };
        return failureOf(readError, deps.db.dialect);
      }
    }
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
  const commit: Commit = async (work, log, columns, check) => {
    if (deps.preview) {
      deps.preview.log.push(...log());
      if (columns && Object.keys(columns).length) deps.preview.written = columns;
      return undefined;
    }
    await failpoint('converge.after-numerik', { seqno, postId: i.postId, direction: i.direction });
    return asSyncWriter(db, async (trx) => {
      await failpoint('converge.before-commit', { seqno, postId: i.postId, direction: i.direction });
      if (check) await recheck(db, trx, check);
      const result = await work(trx);
      if (!(await i.finish(trx))) throw new LeaseLost();
      await writeLogWithCards(db, log(), trx);
      if (i.lookups.options.downloadAttachments && i.lookup.kind === 'post') {
        const { post } = i.lookup;
        await storeEventOnce(db, { eventId: `${ATTACHMENTS_JOB}:${post.id}:${post.version}`, type: ATTACHMENTS_JOB, postId: post.id, version: post.version, source: 'webhook' }, trx);
      }
      return result;
    });
  };
  const skip = async (reason: string, kind: LogEntry['kind'] = 'skipped') => {
    await commit(async () => undefined, () => [entry(kind, reason)]);
    return { kind: 'done' as const, action: 'skipped' as const, seqno, conflicts: [] };
  };

  await failpoint('converge.after-read', { seqno, postId: i.postId, direction: i.direction });
  if (i.lookup.kind === 'missing') return skip('Numerik says this post never existed (404)');
  if (i.adoptionParked) return { kind: 'park', reason: i.adoptionParked };
  if (i.adoptionWait) return { kind: 'busy', restarts: 0, reason: i.adoptionWait };
  if (i.lookup.kind === 'gone') return deleted(deps, i, seqno, entry, commit, skip);
  const post = i.lookup.post;
  if (i.link?.state === 'exo-deleted' && i.link.numerikVersion !== null && post.version > i.link.numerikVersion) {
    // Someone works on a post whose activity is gone: said on the status page, never dropped.
    return { kind: 'park', reason: EDITED_AFTER_EXO_DELETE };
  }
  if (i.link && i.link.state !== 'active') return skip(`link is ${i.link.state}`);
  if (!i.link && !i.activity) return insertActivityFor(deps, i, post, entry, commit);
  if (!i.link) {
    // A post this sync created for the activity (it carries the create's token) whose answer was
    // lost before the link was written: linked as it was created, then merged like any edit.
    const activity = i.activity!;
    if (activity.deleted || exclusionOf(activity, i.lookups.excluded)) return { kind: 'done', action: 'skipped', seqno: activity.seqno, conflicts: [] };
    const linked = deps.preview
      ? await previewCreatedLink(db, activity, post)
      : await linkCreatedPost(db, activity, post, entry('synced', `linked to ${post.type} ${post.id}, found by its external_ref`));
    const outcome = await run(deps, { ...i, link: linked, storedLink: undefined });
    return outcome.kind === 'done' && outcome.action !== 'skipped' ? { ...outcome, action: 'adopted' } : outcome;
  }

  const link = i.link;
  const activity = i.activity;
  // The deletion is Exo → Numerik's to carry (its queue row marks the post and stops the link):
  // nothing is written to an activity that is gone.
  if (!activity || activity.deleted) return skip('deleted in Exo; the post is marked and the link stopped when the deletion is sent');
  if (i.direction === 'inbound' && link.numerikVersion !== null && post.version <= link.numerikVersion) {
    // Nothing newer in Numerik than what both sides last agreed on (an echo, or a late event).
    await commit(async () => undefined, () => []);
    return { kind: 'done', action: 'in-sync', seqno, conflicts: [] };
  }

  const excluded = exclusionOf(activity, i.lookups.excluded);
  if (excluded) return skip(`${excluded}: the activity is not synced`);

  const { exoNow, numerikNow, bases, winner, merge, text, newText, conflicts, toNumerik, card } = decide(activity, link, post, i.lookups);
  if (card && !deps.preview && i.otherInFlight) {
    const waiting = await i.otherInFlight();
    if (waiting) return { kind: 'busy', restarts: 0, reason: waiting };
  }
  const log: LogEntry[] = (text?.notes ?? []).map((n) => entry('note', n));
  if (card) {
    log.push(
      entry('conflict', `conflict (${card.policy}) on ${conflicts.join(', ')}: ${winner === 'exo' ? "Exo's" : "Numerik's"} version won; the other is kept here`, {
        ...card,
        losing: winner === 'exo' ? { side: 'numerik', content: numerikNow, post } : { side: 'exo', content: exoNow, activity },
      }),
    );
  }
  // Numerik is sent only what was decided from the link as it still is (the commit re-checks it too,
  // but a PATCH is not taken back).
  if (toNumerik.length && !deps.preview && !sameLink((await readPostLinks(db, [activity.seqno])).get(activity.seqno), i.storedLink ?? link)) {
    throw new Moved(`activity ${activity.seqno} was synced by another worker meanwhile`);
  }
  const current = toNumerik.length ? await sendPatch(deps, post, patchOf(exoNow, merge.toNumerik, newText, activity, i)) : post;
  // Written to Exo as the Numerik user who made the edit: the PATCH's answer names the sync's own user.
  const change = exoColumnsFor(merge.toExo, current === post ? post : { ...current, updated_by: actorOf(post) }, activity, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  const wrote = Object.keys(change.columns).length > 0;
  try {
    await commit(
      async (trx) => {
        await recordLink(db, trx, await writeActivity(db, trx, activity, change.columns), current, link.origin, i.lookups, 'update');
      },
      () => [...log, ...changeLog(change, entry), ...(wrote || toNumerik.length ? [entry('synced', describe(merge.toExo, toNumerik, wrote))] : [])],
      change.columns,
      // What Numerik was sent is Exo's side as read: a save since then stays queued and is the next
      // change. What is written to Exo must land on the activity as read, or be decided again.
      checkOf(activity.seqno, i.storedLink ?? link, wrote ? activity : undefined),
    );
  } catch (error) {
    if (!(error instanceof Moved) || !toNumerik.length || deps.preview) throw error;
    // Numerik took Exo's edit, and Exo was saved again before it got Numerik's: the half that
    // happened is recorded, so that starting over sees only the new save and Numerik's edit. When
    // another worker synced the record meanwhile, its link stands; but Numerik lines the PATCH
    // replaced are gone from there, so the card keeping them is written whatever moved.
    await asSyncWriter(db, async (trx) => {
      try {
        await recheck(db, trx, checkOf(activity.seqno, i.storedLink ?? link, undefined));
      } catch (moved) {
        if (!(moved instanceof Moved)) throw moved;
        // Only Numerik's losing lines were replaced; Exo's are still in Exo and decided again.
        if (winner === 'exo') await writeLogWithCards(db, log.filter((e) => e.kind === 'conflict'), trx);
        return;
      }
      await updatePostLink(db, activity.seqno, halfAgreed(activity, link, current, bases, merge.toExo, exoNow, winner, i.lookups), trx);
      await writeLogWithCards(db, log, trx);
    });
    throw error;
  }
  return { kind: 'done', action: wrote || toNumerik.length ? 'updated' : 'in-sync', seqno: activity.seqno, conflicts };
}

/** Numerik's side of a converge: the PATCH (If-Match the version read), or in a preview its record. */
function sendPatch(deps: ConvergeDeps, post: Post, patch: PostPatch): Promise<Post> {
  if (!deps.preview) return deps.client.updatePost(post.id, patch, post.version);
  deps.preview.sent = patch;
  return Promise.resolve(patchedLocally(post, patch));
}

function describe(toExo: ContentField[], toNumerik: ContentField[], wroteExo: boolean): string {
  const parts = [];
  if (toNumerik.length) parts.push(`sent ${toNumerik.join(', ')} to Numerik`);
  if (toExo.length) parts.push(`wrote ${toExo.join(', ')} to Exo`);
  else if (wroteExo) parts.push("wrote the post's text and comments to Exo");
  return parts.join('; ');
}

function patchOf(content: Content, fields: ContentField[], text: string | undefined, activity: Activity, i: ConvergeInput): PostPatch {
  const patch: PostPatch = Object.fromEntries(fields.map((f) => [f, content[f]]));
  if (text !== undefined) {
    patch.body_text = text;
    const { body } = splitDetails(activity.details);
    patch.body_html = i.lookups.options.notesFormat === 'html' && body && text === content.body_text ? textOfView(body, i.lookups.codePage) : textToHtml(text);
  }
  return patch;
}

function changeLog(change: ExoChange, entry: (kind: LogEntry['kind'], reason: string, detail?: unknown) => LogEntry): LogEntry[] {
  return [
    ...change.notes.map((n) => entry('note', n)),
    ...change.cuts.map((c) => entry('truncated', `${c.column} cut to fit Exo; the full text is in DETAIL`, { [c.column]: c.full })),
  ];
}

/**
 * The link after Numerik took Exo's edit but Exo did not take Numerik's (a save came first): Exo's
 * side is the activity that was sent; Numerik's side is its old base with Exo's edit applied, and
 * its version the old one, so that what Numerik changed is still a change, and Exo's edit is not.
 */
function halfAgreed(
  sent: Activity,
  link: PostLink,
  post: Post,
  bases: { exo: Content; numerik: Content },
  toExo: ContentField[],
  exoNow: Content,
  winner: ReturnType<typeof conflictWinner>,
  lookups: Lookups,
): PostLinkChange {
  // Exo's side in the form the next decision reads it in: the link keeps its version, so an
  // activity linked as created is still read as a new one.
  const ctx = outboundContext(sent, link, lookups);
  const numerikNow = contentOfPost(post);
  const exoContent = activityContent(sent, ctx, ctx.customerId ?? bases.exo.customer_id);
  const text = exoNow.body_text === bases.exo.body_text ? bases.numerik.body_text : textPut(exoNow.body_text, bases.exo.body_text, bases.numerik.body_text, bases.numerik.body_text, winner, ctx).text;
  const content = { ...numerikNow, ...Object.fromEntries(toExo.map((f) => [f, bases.numerik[f]])), body_text: text } as Content;
  return { exoHash: hashContent(exoContent), exoContent: JSON.stringify(exoContent), exoAssignedTo: sent.assignedTo, numerikContent: JSON.stringify(content), numerikHash: hashContent(content) };
}

/** The commit's re-check: the link as read, and the activity as read when the commit writes to it. */
function checkOf(seqno: number, link: PostLink | undefined, written: Activity | undefined): ReadSet {
  return written ? { seqno, link, activity: written } : { seqno, link };
}

/**
 * Writes Numerik's side into the activity as read (a save since then makes it start over) and
 * returns the activity as it now is: re-read under the write's own lock when written, else as read
 * (a save since the read is not agreed on: it stays queued, the next change).
 */
async function writeActivity(db: Db, trx: Knex.Transaction, activity: Activity, columns: Record<string, unknown>): Promise<Activity> {
  if (!Object.keys(columns).length) return activity;
  if (!(await updateActivity(db, trx, activity, columns))) throw new Moved(`activity ${activity.seqno} was saved in Exo meanwhile`);
  return (await readActivities(db, [activity.seqno], trx)).get(activity.seqno)!;
}

/** Records what both sides look like now that they agree: the bases of the next merge. */
async function recordLink(db: Db, trx: Knex.Transaction, after: Activity, post: Post, origin: PostLink['origin'], lookups: Lookups, how: 'insert' | 'update'): Promise<void> {
  const seqno = after.seqno;
  const state = agreedState(after, post, lookups);
  if (how === 'update') {
    await updatePostLink(db, seqno, { state: 'active', ...state }, trx);
    return;
  }
  try {
    await insertPostLink(db, { activitySeqno: seqno, postId: post.id, postType: post.type, origin, state: 'active', ...state }, trx);
  } catch (error) {
    if (db.dialect.isUniqueViolation(error)) throw new Moved(`activity ${seqno} or post ${post.id} was linked by another worker meanwhile`);
    throw error;
  }
  await dropCreateIntent(db, seqno, trx);
}

type Commit = <T>(work: (trx: Knex.Transaction) => Promise<T>, log: () => LogEntry[], columns?: Record<string, unknown>, check?: ReadSet) => Promise<T | undefined>;
type Entry = (kind: LogEntry['kind'], reason: string, detail?: unknown, activitySeqno?: number) => LogEntry;

/** A post made in Numerik: a new activity, its link, in one transaction. */
async function insertActivityFor(deps: ConvergeDeps, i: ConvergeInput, post: Post, entry: Entry, commit: Commit): Promise<ConvergeOutcome> {
  const change = newActivityRow(post, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  let seqno = 0;
  await commit(
    async (trx) => {
      seqno = await insertActivity(deps.db, trx, change.columns);
      await recordLink(deps.db, trx, (await readActivities(deps.db, [seqno], trx)).get(seqno)!, post, 'numerik', i.lookups, 'insert');
    },
    () => [
      ...(i.refusedRef ? [entry('note', i.refusedRef, { external_ref: post.external_ref }, seqno)] : []),
      ...changeLog(change, (k, r, d) => entry(k, r, d, seqno)),
      entry('synced', `created activity ${seqno} from ${post.type} ${post.id}`, undefined, seqno),
    ],
    change.columns,
  );
  return { kind: 'done', action: 'inserted', seqno, conflicts: [] };
}

/** A deleted post never deletes its activity: the subject is marked and an audit block kept (rule 9). */
async function deleted(
  { db }: Pick<ConvergeDeps, 'db'>,
  i: ConvergeInput,
  seqno: number | undefined,
  entry: Entry,
  commit: Commit,
  skip: (reason: string) => Promise<ConvergeOutcome>,
): Promise<ConvergeOutcome> {
  const { link, activity } = i;
  if (!link || link.state !== 'active' || !activity || activity.deleted) return skip('the post was deleted in Numerik; nothing linked to mark');
  const numerikBase = link.numerikContent ? (JSON.parse(link.numerikContent) as Content) : undefined;
  const text = numerikBase?.body_text ?? textOfView(splitDetails(activity.details).body, i.lookups.codePage);
  const change = deletedChange(activity, { text, deletedAt: i.deleted?.at ?? new Date().toISOString(), deletedBy: i.deleted?.by ?? null }, inboundContext(i.lookups));
  await commit(
    async (trx) => {
      await writeActivity(db, trx, activity, change.columns);
      await updatePostLink(db, activity.seqno, { state: 'deleted' }, trx);
    },
    () => [...changeLog(change, entry), entry('deleted', `the post was deleted in Numerik; activity ${seqno} kept, marked "Deleted"`, { text, deletedAt: i.deleted?.at, deletedBy: i.deleted?.by })],
    change.columns,
    checkOf(activity.seqno, i.storedLink ?? link, activity),
  );
  return { kind: 'done', action: 'deleted', seqno, conflicts: [] };
}
