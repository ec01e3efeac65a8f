import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/** The next `limit` activities with queue rows, in key order after `after`: a page, in constant memory. */
export async function queuedActivities(db: Db, after: number, limit: number): Promise<number[]> {
  const rows = (await db.table(OBJECTS.queue).where('ACTIVITY_SEQNO', '>', after).distinct('ACTIVITY_SEQNO').orderBy('ACTIVITY_SEQNO').limit(limit)) as { ACTIVITY_SEQNO: number }[];
  return rows.map((r) => Number(r.ACTIVITY_SEQNO));
}

/** Which of these activities have queue rows. */
export async function queuedAmong(db: Db, seqnos: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let i = 0; i < seqnos.length; i += 1000) {
    const rows = (await db.table(OBJECTS.queue).whereIn('ACTIVITY_SEQNO', seqnos.slice(i, i + 1000)).distinct('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number }[];
    for (const r of rows) found.add(Number(r.ACTIVITY_SEQNO));
  }
  return found;
}
