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
