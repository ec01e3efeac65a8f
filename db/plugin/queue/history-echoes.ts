import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { HISTORY_OPERATION } from './lanes.js';

/**
 * Moves into the history lane the rows queued for these activities after queue row `afterId`, still
 * waiting: what the sync's own write-back left while a history batch sent them (a new post's view
 * written to DETAILS is captured like any edit). Left live, one such row per activity of a backfill
 * would fill the live lane as fast as the history lane empties. An Exo user's edit of the same
 * activity in that moment moves with them: it is still sent, at the history lane's pace.
 */
export async function echoesToHistory(db: Db, seqnos: readonly number[], afterId: number): Promise<void> {
  for (let i = 0; i < seqnos.length; i += 1000) {
    await db
      .table(OBJECTS.queue)
      .whereIn('ACTIVITY_SEQNO', seqnos.slice(i, i + 1000))
      .where('ID', '>', afterId)
      .where({ STATE: 'ready' })
      .whereNot({ OPERATION: HISTORY_OPERATION })
      .update({ OPERATION: HISTORY_OPERATION });
  }
}
