import type { Db } from '../../connect.js';

/**
 * Hands back every row `worker` still holds, ready at once: the last step of a shutdown, so another
 * worker need not wait for the lease to run out. Returns how many there were.
 */
export function releaseHeldBy(db: Db, table: string, worker: string): Promise<number> {
  return db
    .table(table)
    .where({ CLAIMED_BY: worker, STATE: 'claimed' })
    .update({ STATE: 'ready', CLAIMED_BY: null, LEASE_UNTIL: null, NEXT_ATTEMPT_AT: db.knex.raw(db.dialect.now()) });
}
