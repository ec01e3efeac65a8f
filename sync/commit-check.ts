import type { Knex } from 'knex';
import type { Db } from '../db/connect.js';
import { readActivityLocked, sameActivity, type Activity } from '../db/exo/activities.js';
import { readPostLinkLocked, sameLink, type PostLink } from '../db/plugin/links/posts.js';

/** What a converge decided on is no longer there (a save, another worker's commit): start over from fresh reads. */
export class Moved extends Error {
  override name = 'Moved';
}

/**
 * How long a commit waits for a record's lock, or for an Exo user's open transaction on the row,
 * before it gives the record back (busy) instead of waiting on.
 */
export const RECORD_LOCK_MS = 5_000;

/** How often one converge starts over from fresh reads before its work waits, busy, for the next round. */
export const MAX_RESTARTS = 3;

/** The application lock of one record: its activity, whichever direction commits it. */
export const recordResource = (seqno: number) => `X_NUMERIK:activity:${seqno}`;

export interface ReadSet {
  seqno: number;
  /** The link as the decision read it (undefined: there was none). */
  link: PostLink | undefined;
  /** The activity as the decision read it; absent when the commit writes nothing to it. */
  activity?: Activity | undefined;
}

/**
 * The first statements of a commit: the record's lock (one commit per record at a time), then the
 * link, and the activity when the commit writes to it, read again under row locks. Throws Moved
 * when either is not what the decision was made from.
 */
export async function recheck(db: Db, trx: Knex.Transaction, read: ReadSet): Promise<void> {
  await db.dialect.lockRecord(trx, recordResource(read.seqno), RECORD_LOCK_MS);
  if (!sameLink(await readPostLinkLocked(db, trx, read.seqno), read.link)) throw new Moved(`activity ${read.seqno} was synced by another worker meanwhile`);
  if ('activity' in read && !sameActivity(await readActivityLocked(db, trx, read.seqno), read.activity)) throw new Moved(`activity ${read.seqno} was saved in Exo meanwhile`);
}

/** A converge lost the race (its read set moved, or a lock stayed taken): it starts over, it did not fail. */
export function lostRace(db: Db, error: unknown): boolean {
  return error instanceof Moved || db.dialect.isLockTimeout(error);
}
