import type { Db } from '../../connect.js';
import { held, inChunks } from './held.js';

/** Extends the lease of rows `worker` still holds, while their work takes longer than a lease. */
export function renewWork(db: Db, table: string, ids: readonly number[], worker: string, leaseMs: number): Promise<number> {
  const until = db.knex.raw(db.dialect.nowPlusMs(), [leaseMs]);
  return inChunks(ids, (chunk) => held(db, db.table(table), chunk, worker).update({ LEASE_UNTIL: until, NEXT_ATTEMPT_AT: until }));
}
