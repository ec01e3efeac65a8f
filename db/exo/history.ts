import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { TASKS, TASKS_KEY } from './tasks.js';

/** Activities last changed (or, never changed, created) in [since, until): wall-clock times of the site. */
export interface ChangeRange {
  since: Date;
  until?: Date | null;
}

function changedIn(db: Db, range: ChangeRange, after: number): Knex.QueryBuilder {
  const changed = db.knex.raw('COALESCE(??, ??)', ['MODIFIEDDATE', 'CREATEDATE']);
  const q = db.table(TASKS).where(TASKS_KEY, '>', after).andWhere(changed, '>=', range.since);
  return range.until ? q.andWhere(changed, '<', range.until) : q;
}

/** The next `limit` keys in key order after `after`: a page of history, in constant memory. */
export async function historyPage(db: Db, range: ChangeRange, after: number, limit: number): Promise<number[]> {
  const rows = (await changedIn(db, range, after).orderBy(TASKS_KEY).limit(limit).select(TASKS_KEY)) as { SEQNO: number }[];
  return rows.map((r) => Number(r.SEQNO));
}

export async function countHistory(db: Db, range: ChangeRange, after: number): Promise<number> {
  const [row] = (await changedIn(db, range, after).count({ n: '*' })) as { n: number | string }[];
  return Number(row!.n);
}
