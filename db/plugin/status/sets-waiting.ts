import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/** Bulk statements whose changed activities the worker has not yet split into queue rows, and the oldest's age. */
export async function setsWaiting(db: Db): Promise<{ statements: number; oldestSeconds: number | null }> {
  const [row] = (await db
    .table(OBJECTS.queueSets)
    .select(db.knex.raw('COUNT(*) AS ??', ['n']), db.knex.raw(`${db.dialect.secondsSince('MIN(??)')} AS ??`, ['QUEUED_AT', 'oldest']))) as { n: number | string; oldest: number | string | null }[];
  return { statements: Number(row!.n), oldestSeconds: row!.oldest === null ? null : Math.max(0, Math.round(Number(row!.oldest))) };
}
