import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { OBJECTS } from './objects.js';
import { storeEvent } from './inbox/store-event.js';
import { enqueueActivities } from './queue/enqueue.js';

/** What waits: an Exo activity (to go to Numerik) or a Numerik post (to come to Exo). */
export type ParkedItem = { activitySeqno: number } | { postId: string };

/**
 * Parked items wait in X_NUMERIK_LOG (kind 'parked', not yet resolved) for something outside them,
 * such as a customer link. One open entry per item and reason.
 */
export async function park(db: Db, trx: Knex.Transaction, item: ParkedItem, reason: string): Promise<void> {
  const key = 'activitySeqno' in item ? { ACTIVITY_SEQNO: item.activitySeqno } : { POST_ID: item.postId };
  const touched = await trx(`${db.target.schema}.${OBJECTS.log}`)
    .where({ KIND: 'parked', REASON: reason, DIRECTION: 'activitySeqno' in item ? 'outbound' : 'inbound', ...key })
    .whereNull('RESOLVED_AT')
    .update({ LOGGED_AT: new Date() });
  if (!touched) {
    await trx(`${db.target.schema}.${OBJECTS.log}`).insert({
      LOGGED_AT: new Date(),
      DIRECTION: 'activitySeqno' in item ? 'outbound' : 'inbound',
      KIND: 'parked',
      ...key,
      REASON: reason,
    });
  }
}

/** Sends everything parked for `reason` on its way again and marks the entries resolved; returns how many. */
export async function requeueParked(db: Db, reason: string): Promise<number> {
  return db.knex.transaction(async (trx) => {
    const open = trx(`${db.target.schema}.${OBJECTS.log}`).where({ KIND: 'parked', REASON: reason }).whereNull('RESOLVED_AT');
    const rows: { ID: number | string; ACTIVITY_SEQNO: number | null; POST_ID: string | null; DIRECTION: string }[] = await open
      .clone()
      .select('ID', 'ACTIVITY_SEQNO', 'POST_ID', 'DIRECTION');
    if (!rows.length) return 0;
    const activities = rows.filter((r) => r.DIRECTION === 'outbound' && r.ACTIVITY_SEQNO !== null).map((r) => r.ACTIVITY_SEQNO!);
    if (activities.length) await enqueueActivities(db, [...new Set(activities)], trx);
    const stamp = Date.now();
    for (const postId of new Set(rows.filter((r) => r.DIRECTION === 'inbound' && r.POST_ID).map((r) => r.POST_ID!))) {
      await storeEvent(db, { eventId: `requeue:${postId}:${stamp}`, type: 'post.updated', postId, version: null, source: 'requeue' }, trx);
    }
    for (let i = 0; i < rows.length; i += 1000) {
      await trx(`${db.target.schema}.${OBJECTS.log}`).whereIn('ID', rows.slice(i, i + 1000).map((r) => r.ID)).update({ RESOLVED_AT: new Date() });
    }
    return rows.length;
  });
}
