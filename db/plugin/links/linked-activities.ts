import type { Db } from '../../connect.js';
import { TASKS, TASKS_KEY } from '../../exo/tasks.js';
import { OBJECTS } from '../objects.js';

/** The columns by which a mapping change finds the linked activities it affects. */
export type AffectedBy = { column: 'ASSIGNED_TO' | 'TYPE'; value: number } | { column: 'COMPANYID'; value: string };

/** Activities with a live link whose column has this value (a mapping change sends them again). */
export async function linkedActivitiesWhere(db: Db, by: AffectedBy): Promise<number[]> {
  const rows: { SEQNO: number }[] = await db
    .table(TASKS)
    .join(`${db.target.schema}.${OBJECTS.postLink} as l`, `l.ACTIVITY_SEQNO`, `${db.target.schema}.${TASKS}.${TASKS_KEY}`)
    .where(`${db.target.schema}.${TASKS}.${by.column}`, by.value)
    .where('l.STATE', 'active')
    .select(`${db.target.schema}.${TASKS}.${TASKS_KEY} as SEQNO`);
  return rows.map((r) => r.SEQNO);
}
