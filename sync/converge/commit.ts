import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import { readActivities, type Activity } from '../../db/exo/activities.js';
import { asSyncWriter, updateActivity } from '../../db/exo/write-activity.js';
import { dropCreateIntent } from '../../db/plugin/links/create-intents.js';
import { insertPostLink, updatePostLink, type PostLink } from '../../db/plugin/links/posts.js';
import { ATTACHMENTS_JOB, storeEventOnce } from '../../db/plugin/inbox/store-event.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { writeLogWithCards } from '../../db/plugin/conflict-cards.js';
import { agreedState } from '../agreed.js';
import { Moved, recheck, type ReadSet } from '../commit-check.js';
import { failpoint } from '../failpoints.js';
import { textGet, textPut } from '../lens/activity-text.js';
import { putText, uncontested } from '../lens/body.js';
import { inboundContext, outboundContext, type Lookups } from '../lookups.js';
import { contentOfPost, hashContent, type Content } from '../mapping/content.js';
import type { ExoChange } from '../mapping/inbound.js';
import { activityContent } from '../mapping/outbound.js';
import type { Post } from '../numerik/types.js';
import type { ConvergeDeps, ConvergeInput, ConvergeOutcome } from './converge.js';
import type { Decision } from './decide.js';
import type { Agreement } from '../pending-send.js';

/** The work rows were taken over by another worker: the commit's transaction rolls back. */
export class LeaseLost extends Error {}

export type Entry = (kind: LogEntry['kind'], reason: string, detail?: unknown, activitySeqno?: number) => LogEntry;
export type Commit = <T>(work: (trx: Knex.Transaction) => Promise<T>, log: () => LogEntry[], columns?: Record<string, unknown>, check?: ReadSet) => Promise<T | undefined>;

/** One converge's commit, and the log entries it writes (about its record, in its direction). */
export interface Committer {
  entry: Entry;
  commit: Commit;
  /** Commits only the log entry: the record is left as it is. */
  skip(reason: string, kind?: LogEntry['kind']): Promise<ConvergeOutcome>;
}

export function committer(deps: ConvergeDeps, i: ConvergeInput, seqno: number | undefined): Committer {
  const { db } = deps;
  const entry: Entry = (kind, reason, detail, activitySeqno = seqno) => ({
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
  const skip = async (reason: string, kind: LogEntry['kind'] = 'skipped'): Promise<ConvergeOutcome> => {
    await commit(async () => undefined, () => [entry(kind, reason)]);
    return { kind: 'done', action: 'skipped', seqno, conflicts: [] };
  };
  return { entry, commit, skip };
}

export function changeLog(change: ExoChange, entry: (kind: LogEntry['kind'], reason: string, detail?: unknown) => LogEntry): LogEntry[] {
  return [
    ...change.notes.map((n) => entry('note', n)),
    ...change.cuts.map((c) => entry('truncated', `${c.column} cut to fit Exo; the full text is in DETAIL`, { [c.column]: c.full })),
  ];
}

/** The commit's re-check: the link as read, and the activity as read when the commit writes to it. */
export function checkOf(seqno: number, link: PostLink | undefined, written: Activity | undefined): ReadSet {
  return written ? { seqno, link, activity: written } : { seqno, link };
}

/**
 * Writes Numerik's side into the activity as read (a save since then makes it start over) and
 * returns the activity as it now is: re-read under the write's own lock when written, else as read
 * (a save since the read is not agreed on: it stays queued, the next change).
 */
export async function writeActivity(db: Db, trx: Knex.Transaction, activity: Activity, columns: Record<string, unknown>): Promise<Activity> {
  if (!Object.keys(columns).length) return activity;
  if (!(await updateActivity(db, trx, activity, columns))) throw new Moved(`activity ${activity.seqno} was saved in Exo meanwhile`);
  return (await readActivities(db, [activity.seqno], trx)).get(activity.seqno)!;
}

/** Records what both sides look like now that they agree: the bases of the next merge. */
export async function recordLink(db: Db, trx: Knex.Transaction, after: Activity, post: Post, origin: PostLink['origin'], lookups: Lookups, how: 'insert' | 'update'): Promise<void> {
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

/**
 * Numerik took Exo's edit, and Exo was saved again before it got Numerik's: the half that happened
 * is recorded, so that starting over sees only the new save and Numerik's edit. When another worker
 * synced the record meanwhile, its link stands; but Numerik lines the PATCH replaced are gone from
 * there, so the card keeping them is written whatever moved. `read`: the stored link as the
 * converge left it (its own send recorded); `link`: the one it decided from.
 */
export async function recordHalfAgreed(db: Db, read: PostLink, link: PostLink, sent: Activity, post: Post, decision: Decision, log: LogEntry[], lookups: Lookups): Promise<void> {
  await asSyncWriter(db, async (trx) => {
    try {
      await recheck(db, trx, checkOf(sent.seqno, read, undefined));
    } catch (moved) {
      if (!(moved instanceof Moved)) throw moved;
      // Only Numerik's losing lines were replaced; Exo's are still in Exo and decided again.
      if (decision.winner === 'exo') await writeLogWithCards(db, log.filter((e) => e.kind === 'conflict'), trx);
      return;
    }
    const half = halfAgreed(sent, link, post, decision, lookups);
    await updatePostLink(db, sent.seqno, half.change, trx);
    await writeLogWithCards(db, half.reopened ? log.filter((e) => e.kind !== 'conflict') : log, trx);
  });
}

/**
 * The link after Numerik took Exo's edit but Exo did not take Numerik's (a save came first): Exo's
 * side is the activity that was sent; Numerik's side is its old base with Exo's edit applied, and
 * its version the old one, so that what Numerik changed is still a change, and Exo's edit is not.
 * A conflict Numerik won is `reopened`: Exo's losing side is still in Exo, so both sides keep their
 * base there (of the text, the lines in conflict) and the next decision, with the save that came
 * first, decides it again and writes its one card.
 */
export function halfAgreed(sent: Activity, link: PostLink, post: Post, decision: Decision, lookups: Lookups): { change: Agreement; reopened: boolean } {
  const { bases, merge, exoNow, numerikNow: numerikRead, winner, text: put } = decision;
  // Exo's side in the form the next decision reads it in: the link keeps its version, so an
  // activity linked as created is still read as a new one.
  const ctx = outboundContext(sent, link, lookups);
  const numerikNow = contentOfPost(post);
  const exoContent = activityContent(sent, ctx, ctx.customerId ?? bases.exo.customer_id);
  let text = exoNow.body_text === bases.exo.body_text ? bases.numerik.body_text : textPut(exoNow.body_text, bases.exo.body_text, bases.numerik.body_text, bases.numerik.body_text, winner, ctx).text;
  // Lines are reopened where the view is plain text the next decision reads the same way.
  const reopened = winner === 'numerik' && decision.conflicts.length > 0 && (!put?.conflicts.length || (lookups.options.notesFormat === 'text' && !ctx.link?.asCreated));
  if (reopened) {
    for (const f of merge.conflicts) Object.assign(exoContent, { [f]: bases.exo[f] });
    if (put?.conflicts.length) {
      const exoEdit = putText(exoNow.body_text, bases.exo.body_text, bases.numerik.body_text, lookups.codePage);
      text = uncontested(exoEdit.text, exoEdit.base, numerikRead.body_text);
      exoContent.body_text = textGet({ body_text: text, body_html: '', comments: post.comments }, inboundContext(lookups)).body;
    }
  }
  const content = { ...numerikNow, ...Object.fromEntries(merge.toExo.map((f) => [f, bases.numerik[f]])), body_text: text } as Content;
  return {
    change: { exoHash: hashContent(exoContent), exoContent: JSON.stringify(exoContent), exoAssignedTo: sent.assignedTo, numerikContent: JSON.stringify(content), numerikHash: hashContent(content) },
    reopened,
  };
}
