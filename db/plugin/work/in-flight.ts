import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/**
 * A worker (other than `except`) holds one of these rows now, its lease still running: what it is
 * doing is in flight, and it will record it.
 */
async function heldNow(db: Db, table: string, key: Record<string, string | number>, except?: string): Promise<boolean> {
  let q = db.table(table).where(key).where({ STATE: 'claimed' }).where('LEASE_UNTIL', '>', db.knex.raw(db.dialect.now()));
  if (except !== undefined) q = q.whereNot({ CLAIMED_BY: except });
  return (await q.first('ID')) !== undefined;
}

/** One of the activity's queue rows is held (by a worker other than `except`): its send (maybe the create of its post) is in flight. */
export const sendInFlight = (db: Db, seqno: number, except?: string) => heldNow(db, OBJECTS.queue, { ACTIVITY_SEQNO: seqno }, except);

/** One of the post's inbox rows is held (by a worker other than `except`): its converge (maybe a PATCH carrying Exo's side) is in flight. */
export const receiveInFlight = (db: Db, postId: string, except?: string) => heldNow(db, OBJECTS.inbox, { POST_ID: postId }, except);
