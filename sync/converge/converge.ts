import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import { readActivities, sameActivity, type Activity } from '../../db/exo/activities.js';
import { dropCardAhead, writeCardAhead, type CardAhead } from '../../db/plugin/conflict-cards.js';
import { readPostLinks, recordSending, sameLink, type PostLink } from '../../db/plugin/links/posts.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { splitDetails } from '../lens/details.js';
import { textOfView } from '../lens/view-text.js';
import { inboundContext, type Lookups } from '../lookups.js';
import type { Content, ContentField } from '../mapping/content.js';
import { actorOf, exoColumnsFor } from '../mapping/inbound.js';
import { exclusionOf } from '../mapping/outbound.js';
import { refOf, sendMark, sendMarkable } from '../mapping/external-ref.js';
import { textToHtml } from '../mapping/text.js';
import type { NumerikClient, PostLookup } from '../numerik/client.js';
import { causeOf, failureOf } from '../error-cause.js';
import { MAX_RESTARTS, Moved, lostRace } from '../commit-check.js';
import { failpoint } from '../failpoints.js';
import { landedAt, markedPatch, pendingSend, staleCardAhead, withLandedSend } from '../pending-send.js';
import { notMade, PreconditionFailedError } from '../numerik/errors.js';
import type { Post, PostPatch } from '../numerik/types.js';
import { changeLog, checkOf, committer, halfAgreed, LeaseLost, recordHalfAgreed, recordLink, writeActivity, type Committer, type Entry } from './commit.js';
import { decide, type Decision } from './decide.js';
import { markDeleted } from './deleted.js';
import { linkCreatedPost, previewCreatedLink } from './link-created.js';
import { insertActivityFor } from './new-post.js';

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
  const seqno = i.link?.activitySeqno ?? i.activity?.seqno;
  const c = committer(deps, i, seqno);
  await failpoint('converge.after-read', { seqno, postId: i.postId, direction: i.direction });
  if (i.lookup.kind === 'missing') return c.skip('Numerik says this post never existed (404)');
  if (i.adoptionParked) return { kind: 'park', reason: i.adoptionParked };
  if (i.adoptionWait) return { kind: 'busy', restarts: 0, reason: i.adoptionWait };
  if (i.lookup.kind === 'gone') return markDeleted(deps, i, seqno, c);
  const post = i.lookup.post;
  if (i.link?.state === 'exo-deleted' && i.link.numerikVersion !== null && post.version > i.link.numerikVersion) {
    // Someone works on a post whose activity is gone: said on the status page, never dropped.
    return { kind: 'park', reason: EDITED_AFTER_EXO_DELETE };
  }
  if (i.link && i.link.state !== 'active') return c.skip(`link is ${i.link.state}`);
  if (!i.link && !i.activity) return insertActivityFor(deps, i, post, c);
  if (!i.link) return adoptCreated(deps, i, i.activity!, post, c.entry);
  return mergeLinked(deps, i, i.link, post, c);
}

/**
 * A post this sync created for the activity (it carries the create's token) whose answer was lost
 * before the link was written: linked as it was created, then merged like any edit.
 */
async function adoptCreated(deps: ConvergeDeps, i: ConvergeInput, activity: Activity, post: Post, entry: Entry): Promise<ConvergeOutcome> {
  if (activity.deleted || exclusionOf(activity, i.lookups.excluded)) return { kind: 'done', action: 'skipped', seqno: activity.seqno, conflicts: [] };
  const linked = deps.preview
    ? await previewCreatedLink(deps.db, activity, post)
    : await linkCreatedPost(deps.db, activity, post, entry('synced', `linked to ${post.type} ${post.id}, found by its external_ref`));
  const outcome = await run(deps, { ...i, link: linked, storedLink: undefined });
  return outcome.kind === 'done' && outcome.action !== 'skipped' ? { ...outcome, action: 'adopted' } : outcome;
}

/** A linked pair: the three-way merge, Numerik's side PATCHed, then Exo's side and the link in one commit. */
async function mergeLinked(deps: ConvergeDeps, i: ConvergeInput, link: PostLink, post: Post, { entry, commit, skip }: Committer): Promise<ConvergeOutcome> {
  const activity = i.activity;
  // The deletion is Exo → Numerik's to carry (its queue row marks the post and stops the link):
  // nothing is written to an activity that is gone.
  if (!activity || activity.deleted) return skip('deleted in Exo; the post is marked and the link stopped when the deletion is sent');
  if (i.direction === 'inbound' && link.numerikVersion !== null && post.version <= link.numerikVersion) {
    // Nothing newer in Numerik than what both sides last agreed on (an echo, or a late event).
    await commit(async () => undefined, () => []);
    return { kind: 'done', action: 'in-sync', seqno: link.activitySeqno, conflicts: [] };
  }

  const excluded = exclusionOf(activity, i.lookups.excluded);
  if (excluded) return skip(`${excluded}: the activity is not synced`);

  if (!deps.preview) await dropDeadSendsCard(deps, i.storedLink ?? link, post);
  const decision = decide(activity, withLandedSend(link, post), post, i.lookups);
  const { merge, conflicts, toNumerik, card } = decision;
  if (card && !deps.preview && i.otherInFlight) {
    const waiting = await i.otherInFlight();
    if (waiting) return { kind: 'busy', restarts: 0, reason: waiting };
  }
  const decided = decisionLog(decision, activity, post, entry);
  const patch = toNumerik.length ? patchOf(decision.exoNow, merge.toNumerik, decision.newText, activity, i) : undefined;
  const ahead = patch && !deps.preview ? await writeAhead(deps, i, link, activity, post, decision, decided, patch) : undefined;
  // What this converge read, with its own send recorded: what Numerik and the commit check against.
  const read = () => ahead?.asLeft(i.storedLink ?? link) ?? i.storedLink ?? link;
  if (ahead) {
    try {
      await stillAsRead(deps.db, activity, read());
    } catch (error) {
      // Nothing was sent: whatever stopped it (a save, a lock wait that ran out), what was written ahead goes.
      await ahead.takeBack();
      throw error;
    }
  }
  let current: Post;
  try {
    current = await sendToNumerik(deps, activity.seqno, post, patch, ahead?.mark);
  } catch (error) {
    if (notMade(error)) await ahead?.takeBack();
    throw error;
  }
  if (ahead) {
    await failpoint('send.patch-answered', { seqno: activity.seqno, postId: post.id, direction: i.direction });
    await ahead.landed(current.version);
    // A send of a worker that died before its PATCH answered, made on the same version, can no longer land.
    // (This one's record replaced it on the link as read, after the post was: it is no send since replaced.)
    const stale = staleCardAhead(i.storedLink ?? link, post, post.version);
    if (stale && stale.id !== ahead.card?.id) await dropCardAhead(deps.db, stale);
  }
  const log = ahead?.card ? decided.filter((e) => e.kind !== 'conflict') : decided;
  // Written to Exo as the Numerik user who made the edit: the PATCH's answer names the sync's own user.
  const change = exoColumnsFor(merge.toExo, current === post ? post : { ...current, updated_by: actorOf(post) }, activity, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  const wrote = Object.keys(change.columns).length > 0;
  try {
    await commit(
      async (trx) => {
        await recordLink(deps.db, trx, await writeActivity(deps.db, trx, activity, change.columns), current, link.origin, i.lookups, 'update');
      },
      () => [...log, ...changeLog(change, entry), ...(wrote || toNumerik.length ? [entry('synced', describe(merge.toExo, toNumerik, wrote))] : [])],
      change.columns,
      // What Numerik was sent is Exo's side as read: a save since then stays queued and is the next
      // change. What is written to Exo must land on the activity as read, or be decided again.
      checkOf(activity.seqno, read(), wrote ? activity : undefined),
    );
  } catch (error) {
    if (!(error instanceof Moved) || !toNumerik.length || deps.preview) throw error;
    await recordHalfAgreed(deps.db, read(), link, activity, current, decision, log, i.lookups);
    throw error;
  }
  return { kind: 'done', action: wrote || toNumerik.length ? 'updated' : 'in-sync', seqno: activity.seqno, conflicts };
}

/** The decision's notes, and its conflict with the losing side kept on the card. */
function decisionLog({ text, card, conflicts, winner, exoNow, numerikNow }: Decision, activity: Activity, post: Post, entry: Entry): LogEntry[] {
  const log: LogEntry[] = (text?.notes ?? []).map((n) => entry('note', n));
  if (card) {
    log.push(
      entry('conflict', `conflict (${card.policy}) on ${conflicts.join(', ')}: ${winner === 'exo' ? "Exo's" : "Numerik's"} version won; the other is kept here`, {
        ...card,
        losing: winner === 'exo' ? { side: 'numerik', content: numerikNow, post } : { side: 'exo', content: exoNow, activity },
      }),
    );
  }
  return log;
}

/**
 * What is written before the PATCH, so that a worker killed before the commit loses nothing: the
 * card of a conflict Exo won (the PATCH overwrites Numerik's side, kept only there), and the send
 * itself (sync/pending-send.ts: what the commit would record), marked landed once the PATCH answers.
 * Taken back when Numerik answers the PATCH without making it (a 412, a 503…), or the link moved
 * before it was sent.
 */
async function writeAhead(
  deps: ConvergeDeps,
  i: ConvergeInput,
  link: PostLink,
  activity: Activity,
  post: Post,
  decision: Decision,
  log: LogEntry[],
  patch: PostPatch,
): Promise<{ card?: CardAhead; mark?: string; takeBack(): Promise<void>; landed(version: number): Promise<void>; asLeft(link: PostLink): PostLink }> {
  const card = decision.card?.winner === 'exo' ? await writeCardAhead(deps.db, log.find((e) => e.kind === 'conflict')!) : undefined;
  const mark = sendMarkable(activity.seqno, refOf(post)) ? sendMark(activity.seqno) : undefined;
  const pending = pendingSend(post.version, patch, halfAgreed(activity, link, patchedLocally(post, patch), decision, i.lookups).change, { card: card?.made, mark });
  const sending = await recordSending(deps.db, i.storedLink ?? link, pending);
  if (!sending) {
    await card?.takeBack();
    throw new Moved(`another worker is sending activity ${activity.seqno}`);
  }
  return {
    card,
    mark,
    async takeBack() {
      await card?.takeBack();
      await sending.putBack();
    },
    landed: (version) => sending.replace(landedAt(pending, version)),
    asLeft: sending.asLeft,
  };
}

/**
 * The card of a send whose worker died before its PATCH answered, once the post shows it can no
 * longer land: its card kept lines that were never overwritten. Dropped only while the link still
 * records that send: read before the post, it may be a send that landed and was replaced since.
 */
async function dropDeadSendsCard(deps: ConvergeDeps, link: PostLink, post: Post): Promise<void> {
  const stale = staleCardAhead(link, post);
  if (stale) await dropCardAhead(deps.db, stale, { seqno: link.activitySeqno, sending: link.sending! });
}

/**
 * Numerik is sent only what was decided from the link and the activity as they still are (the
 * commit re-checks them too, but a PATCH is not taken back): an Exo save since the read would else
 * reach Numerik as the older text, and win or lose a conflict it no longer holds.
 */
async function stillAsRead(db: Db, activity: Activity, read: PostLink): Promise<void> {
  const [link, now] = await Promise.all([readPostLinks(db, [activity.seqno]), readActivities(db, [activity.seqno])]);
  if (!sameLink(link.get(activity.seqno), read)) throw new Moved(`activity ${activity.seqno} was synced by another worker meanwhile`);
  if (!sameActivity(now.get(activity.seqno), activity)) throw new Moved(`activity ${activity.seqno} was saved in Exo meanwhile`);
}

/** The post once Numerik has what was decided for it (`patch`): as read when nothing is. */
async function sendToNumerik(deps: ConvergeDeps, seqno: number, post: Post, patch: PostPatch | undefined, mark: string | undefined): Promise<Post> {
  if (!patch) return post;
  await failpoint('converge.before-numerik', { seqno, postId: post.id });
  return sendPatch(deps, post, patch, mark);
}

/** Numerik's side of a converge: the PATCH (If-Match the version read, with the send's mark), or in a preview its record. */
function sendPatch(deps: ConvergeDeps, post: Post, patch: PostPatch, mark: string | undefined): Promise<Post> {
  if (!deps.preview) return deps.client.updatePost(post.id, markedPatch(patch, mark), post.version);
  deps.preview.sent = patch;
  return Promise.resolve(patchedLocally(post, patch));
}

/** The post as Numerik would return it after `patch` (a preview's stand-in for the PATCH). */
function patchedLocally(post: Post, patch: PostPatch): Post {
  return { ...post, ...patch, version: post.version + 1, updated_at: new Date().toISOString() } as Post;
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
