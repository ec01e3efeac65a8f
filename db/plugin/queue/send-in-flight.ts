import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/**
 * A worker holds one of the activity's queue rows now (its lease still runs): its send — maybe
 * the create of its post — is in flight, and that worker will record what it did.
 */
export async function sendInFlight(db: Db, seqno: number): Promise<boolean> {
  const row = await db
    .table(OBJECTS.queue)
    .where({ ACTIVITY_SEQNO: seqno, STATE: 'claimed' })
    .where('LEASE_UNTIL', '>', db.knex.raw(db.dialect.now()))
    .first('ID');
  return row !== undefined;
}
