import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { OBJECTS } from './objects.js';

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

export interface ParkedEntry {
  id: number;
  direction: 'outbound' | 'inbound';
  activitySeqno: number | null;
  postId: string | null;
  reason: string;
  since: Date;
}

/** Open parked items, oldest first, at most `limit`: what each one is and why it waits. */
export async function openParked(db: Db, limit: number): Promise<ParkedEntry[]> {
  const rows = (await db
    .table(OBJECTS.log)
    .where({ KIND: 'parked' })
    .whereNull('RESOLVED_AT')
    .orderBy('ID')
    .limit(limit)
    .select('ID', 'DIRECTION', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON', 'LOGGED_AT')) as { ID: number | string; DIRECTION: 'outbound' | 'inbound'; ACTIVITY_SEQNO: number | null; POST_ID: string | null; REASON: string; LOGGED_AT: Date }[];
  return rows.map((r) => ({ id: Number(r.ID), direction: r.DIRECTION, activitySeqno: r.ACTIVITY_SEQNO, postId: r.POST_ID, reason: r.REASON, since: r.LOGGED_AT }));
}
