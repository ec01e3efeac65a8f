import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

export type PostType = 'note' | 'task';

/** X_NUMERIK_POST_LINK: an activity and its post, and what each side looked like at the last sync. */
export interface PostLink {
  activitySeqno: number;
  postId: string;
  postType: PostType;
  origin: 'exo' | 'numerik';
  /** unlinked: an operator stopped the two syncing (neither side is brought back). */
  state: 'active' | 'deleted' | 'exo-deleted' | 'unlinked';
  exoHash: string | null;
  /** JSON: the activity's content when both sides last agreed. */
  exoContent: string | null;
  exoAssignedTo: number | null;
  numerikVersion: number | null;
  numerikHash: string | null;
  /** JSON: the post's content when both sides last agreed. */
  numerikContent: string | null;
  /** The post's page in Numerik's web app, as Numerik last gave it (web_url). */
  postUrl: string | null;
  /** The post's external_ref as Numerik last gave it ('' none; null not known: linked before migration 0009). */
  postRef: string | null;
  /** JSON: a send in flight, recorded before its PATCH (sync/pending-send.ts); cleared by every recorded agreement. */
  sending: string | null;
  createdAt: Date;
  syncedAt: Date;
}

interface Row {
  ACTIVITY_SEQNO: number;
  POST_ID: string;
  POST_TYPE: PostType;
  ORIGIN: PostLink['origin'];
  STATE: PostLink['state'];
  EXO_HASH: string | null;
  EXO_CONTENT: string | null;
  EXO_ASSIGNED_TO: number | null;
  NUMERIK_VERSION: number | null;
  NUMERIK_HASH: string | null;
  NUMERIK_CONTENT: string | null;
  POST_URL: string | null;
  POST_REF: string | null;
  SENDING: string | null;
  CREATED_AT: Date;
  SYNCED_AT: Date;
}

const fromRow = (r: Row): PostLink => ({
  activitySeqno: r.ACTIVITY_SEQNO,
  postId: r.POST_ID,
  postType: r.POST_TYPE,
  origin: r.ORIGIN,
  state: r.STATE,
  exoHash: r.EXO_HASH,
  exoContent: r.EXO_CONTENT,
  exoAssignedTo: r.EXO_ASSIGNED_TO,
  numerikVersion: r.NUMERIK_VERSION,
  numerikHash: r.NUMERIK_HASH,
  numerikContent: r.NUMERIK_CONTENT,
  postUrl: r.POST_URL,
  postRef: r.POST_REF ?? null,
  sending: r.SENDING ?? null,
  createdAt: r.CREATED_AT,
  syncedAt: r.SYNCED_AT,
});

export type PostLinkChange = Partial<Omit<PostLink, 'activitySeqno' | 'postId' | 'postType' | 'origin' | 'createdAt' | 'syncedAt' | 'sending'>>;

const toColumns = (change: PostLinkChange) =>
  Object.fromEntries(
    Object.entries({
      STATE: change.state,
      EXO_HASH: change.exoHash,
      EXO_CONTENT: change.exoContent,
      EXO_ASSIGNED_TO: change.exoAssignedTo,
      NUMERIK_VERSION: change.numerikVersion,
      NUMERIK_HASH: change.numerikHash,
      NUMERIK_CONTENT: change.numerikContent,
      POST_URL: change.postUrl,
      POST_REF: change.postRef,
    }).filter(([, v]) => v !== undefined),
  );

const table = (db: Db, trx?: Knex.Transaction) => (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.postLink}`);

export async function readPostLinks(db: Db, seqnos: readonly number[], trx?: Knex.Transaction): Promise<Map<number, PostLink>> {
  const links = new Map<number, PostLink>();
  for (let i = 0; i < seqnos.length; i += 1000) {
    const rows: Row[] = await table(db, trx).select().whereIn('ACTIVITY_SEQNO', seqnos.slice(i, i + 1000));
    for (const r of rows) links.set(r.ACTIVITY_SEQNO, fromRow(r));
  }
  return links;
}

export async function readPostLinksByPost(db: Db, postIds: readonly string[], trx?: Knex.Transaction): Promise<Map<string, PostLink>> {
  const links = new Map<string, PostLink>();
  for (let i = 0; i < postIds.length; i += 1000) {
    const rows: Row[] = await table(db, trx).select().whereIn('POST_ID', postIds.slice(i, i + 1000));
    for (const r of rows) links.set(r.POST_ID, fromRow(r));
  }
  return links;
}

/** Inserts a new link; false when the activity or the post is linked already (another worker won). */
export async function insertPostLink(db: Db, link: Omit<PostLink, 'createdAt' | 'syncedAt' | 'sending'>, trx?: Knex.Transaction): Promise<boolean> {
  try {
    await table(db, trx).insert({
      ACTIVITY_SEQNO: link.activitySeqno,
      POST_ID: link.postId,
      POST_TYPE: link.postType,
      ORIGIN: link.origin,
      ...toColumns(link),
      CREATED_AT: new Date(),
      SYNCED_AT: new Date(),
    });
    return true;
  } catch (error) {
    if (db.dialect.isUniqueViolation(error) && !trx) return false;
    throw error;
  }
}

/**
 * Updates a link. With a `numerikVersion` in the change, a link that knows a newer version is left
 * alone: two workers finishing the same activity leave the newest post version behind. A send in
 * flight is cleared: whatever is recorded is what both sides agree on, which that send is, or it
 * starts over. `exoViewOnly`: the change records only how Exo shows what the link already holds,
 * no agreement with the post, so a send in flight stays (only the post tells whether it landed).
 */
export async function updatePostLink(db: Db, seqno: number, change: PostLinkChange, trx?: Knex.Transaction, how: { exoViewOnly?: boolean } = {}): Promise<boolean> {
  let q = table(db, trx).where({ ACTIVITY_SEQNO: seqno });
  if (change.numerikVersion != null) {
    const version = change.numerikVersion;
    q = q.andWhere((w) => w.whereNull('NUMERIK_VERSION').orWhere('NUMERIK_VERSION', '<=', version));
  }
  return (await q.update({ ...toColumns(change), ...(how.exoViewOnly ? {} : { SENDING: null }), SYNCED_AT: new Date() })) > 0;
}

/** A send in flight recorded on a link (recordSending). */
export interface SendRecord {
  /** `link` as this send left it: with its own record, which its commit's re-check expects. */
  asLeft(link: PostLink): PostLink;
  /** The PATCH did not land: what was recorded before is put back. */
  putBack(): Promise<void>;
  /** The PATCH answered: its record says what is now known. */
  replace(next: string): Promise<void>;
}

/**
 * Records a send in flight (JSON) on the link as `read`, before its PATCH; the link's agreement is
 * left as it is. Undefined when the link's record is no longer the one read (another worker's send
 * came first): this send starts over. The returned record's changes are each made only while it is
 * still there.
 */
export async function recordSending(db: Db, read: PostLink, sending: string): Promise<SendRecord | undefined> {
  const where = (value: string | null) => (q: Knex.QueryBuilder) => (value === null ? q.whereNull('SENDING') : q.where({ SENDING: value }));
  const row = () => table(db).where({ ACTIVITY_SEQNO: read.activitySeqno });
  if (!(await row().where(where(read.sending)).update({ SENDING: sending }))) return undefined;
  let left: string | null = sending;
  const swap = async (next: string | null) => {
    if (await row().where(where(left)).update({ SENDING: next })) left = next;
  };
  return {
    asLeft: (link) => ({ ...link, sending: left }),
    putBack: () => swap(read.sending),
    replace: (next) => swap(next),
  };
}

/** One activity's link, read under a short update lock held to the end of `trx` (the commit's re-check). */
export async function readPostLinkLocked(db: Db, trx: Knex.Transaction, seqno: number): Promise<PostLink | undefined> {
  const rows: Row[] = await db.dialect.lockedRows(trx, OBJECTS.postLink).select().where({ ACTIVITY_SEQNO: seqno });
  return rows[0] && fromRow(rows[0]);
}

/**
 * The Numerik version of a link recorded for a post found by its lost create's token: older than any
 * version the post has had, so everything since the create is compared, and while it stands the
 * activity is still as Exo made it (subject and details), not yet the view of its post.
 */
export const AS_CREATED_VERSION = 0;

/** Two reads of a link show the same row: nothing was synced, nor a send recorded, in between. */
export function sameLink(a: PostLink | undefined, b: PostLink | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.postId === b.postId &&
    a.state === b.state &&
    a.numerikVersion === b.numerikVersion &&
    a.numerikHash === b.numerikHash &&
    a.exoHash === b.exoHash &&
    a.exoAssignedTo === b.exoAssignedTo &&
    a.sending === b.sending &&
    new Date(a.syncedAt).getTime() === new Date(b.syncedAt).getTime()
  );
}
