import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { OBJECTS } from './objects.js';

/** The `by` of an entry the sync closed itself (no person did). */
export const SYNC_ITSELF = 'exo-numerik';

/** Who closed an open log entry, and how ("superseded by a later change", "chose Exo's customer_id"). */
export interface Resolution {
  by: string;
  resolution: string;
}

/**
 * Marks open entries of one kind as resolved; `where` narrows them (ids, an activity, older than).
 * Returns the ids resolved: an entry someone else resolved meanwhile is not resolved twice.
 */
export async function resolveEntries(
  db: Db,
  kind: 'conflict' | 'dead' | 'parked',
  where: { ids?: readonly number[]; activitySeqnos?: readonly number[]; postIds?: readonly string[]; reason?: string; before?: Date },
  how: Resolution,
  trx?: Knex.Transaction,
): Promise<number[]> {
  const run = async (t: Knex.Transaction) => {
    let open = t(`${db.target.schema}.${OBJECTS.log}`).where({ KIND: kind }).whereNull('RESOLVED_AT');
    if (where.ids) open = open.whereIn('ID', where.ids);
    if (where.activitySeqnos) open = open.whereIn('ACTIVITY_SEQNO', where.activitySeqnos);
    if (where.postIds) open = open.whereIn('POST_ID', where.postIds);
    if (where.reason) open = open.where({ REASON: where.reason });
    if (where.before) open = open.where('LOGGED_AT', '<', where.before);
    const ids = ((await open.clone().select('ID')) as { ID: number | string }[]).map((r) => Number(r.ID));
    const closed: number[] = [];
    // One at a time, each rechecked: an entry someone else closed meanwhile is not claimed here.
    for (const id of ids) {
      const n = await t(`${db.target.schema}.${OBJECTS.log}`)
        .where({ ID: id })
        .whereNull('RESOLVED_AT')
        .update({ RESOLVED_AT: new Date(), RESOLVED_BY: how.by.slice(0, 100), RESOLUTION: how.resolution.slice(0, 400) });
      if (n) closed.push(id);
    }
    return closed;
  };
  return trx ? run(trx) : db.knex.transaction(run);
}
