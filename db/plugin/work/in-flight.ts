import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/** A worker holds one of these rows now (its lease still runs): what it is doing is in flight, and it will record it. */
async function heldNow(db: Db, table: string, key: Record<string, string | number>): Promise<boolean> {
  const row = await db.table(table).where(key).where({ STATE: 'claimed' }).where('LEASE_UNTIL', '>', db.knex.raw(db.dialect.now())).first('ID');
  return row !== undefined;
}

/** One of the activity's queue rows is held: its send (maybe the create of its post) is in flight. */
export const sendInFlight = (db: Db, seqno: number) => heldNow(db, OBJECTS.queue, { ACTIVITY_SEQNO: seqno });

/** One of the post's inbox rows is held: its converge (maybe a PATCH carrying Exo's side) is in flight. */
export const receiveInFlight = (db: Db, postId: string) => heldNow(db, OBJECTS.inbox, { POST_ID: postId });
