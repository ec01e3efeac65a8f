import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { OBJECTS } from './objects.js';
import { enqueueActivities } from './queue/enqueue.js';

/**
 * Parked activities wait in X_NUMERIK_LOG (kind 'parked', not yet resolved) for something outside
 * them, such as a customer link. One open entry per activity and reason.
 */
export async function parkActivity(db: Db, trx: Knex.Transaction, seqno: number, reason: string, detail?: unknown): Promise<void> {
  const open = () =>
    trx(`${db.target.schema}.${OBJECTS.log}`).where({ KIND: 'parked', ACTIVITY_SEQNO: seqno, REASON: reason }).whereNull('RESOLVED_AT');
  const touched = await open().update({ LOGGED_AT: new Date() });
  if (!touched) {
    await trx(`${db.target.schema}.${OBJECTS.log}`).insert({
      LOGGED_AT: new Date(),
      DIRECTION: 'outbound',
      KIND: 'parked',
      ACTIVITY_SEQNO: seqno,
      REASON: reason,
      DETAIL: detail === undefined ? null : JSON.stringify(detail),
    });
  }
}

/** Queues every activity parked for `reason` again and marks the entries resolved; returns how many. */
export async function requeueParked(db: Db, reason: string): Promise<number> {
  return db.knex.transaction(async (trx) => {
    const open = trx(`${db.target.schema}.${OBJECTS.log}`).where({ KIND: 'parked', REASON: reason }).whereNull('RESOLVED_AT');
    const rows: { ID: number | string; ACTIVITY_SEQNO: number }[] = await open.clone().select('ID', 'ACTIVITY_SEQNO');
    if (!rows.length) return 0;
    await enqueueActivities(db, [...new Set(rows.map((r) => r.ACTIVITY_SEQNO))], trx);
    for (let i = 0; i < rows.length; i += 1000) {
      await trx(`${db.target.schema}.${OBJECTS.log}`).whereIn('ID', rows.slice(i, i + 1000).map((r) => r.ID)).update({ RESOLVED_AT: new Date() });
    }
    return rows.length;
  });
}
