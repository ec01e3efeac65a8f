import type { Db } from '../connect.js';
import { TASKS, TASKS_KEY } from './tasks.js';

/** Activities whose subject contains `text` (any case), newest first: the status page's search. */
export async function findActivities(db: Db, text: string, limit = 20): Promise<{ seqno: number; subject: string | null }[]> {
  // LIKE's own characters are escaped, so the text matches as typed.
  const pattern = `%${text.replace(/[!%_[]/g, (c) => `!${c}`)}%`;
  const rows: { SEQNO: number; SUBJECT: string | null }[] = await db
    .table(TASKS)
    .whereRaw(`UPPER(??) LIKE UPPER(?) ESCAPE '!'`, ['SUBJECT', pattern])
    .select(TASKS_KEY, 'SUBJECT')
    .orderBy(TASKS_KEY, 'desc')
    .limit(limit);
  return rows.map((r) => ({ seqno: r.SEQNO, subject: r.SUBJECT }));
}
