import type { Knex } from 'knex';
import type { Db } from '../../connect.js';

/** SQL Server takes at most 2,100 parameters per request. */
export const ID_CHUNK = 1000;

/** Rows `worker` still holds: claimed by it and the lease not yet run out. */
export function held(db: Db, q: Knex.QueryBuilder, ids: readonly number[], worker: string): Knex.QueryBuilder {
  return q
    .whereIn('ID', ids)
    .andWhere('CLAIMED_BY', worker)
    .andWhere('STATE', 'claimed')
    .andWhere('LEASE_UNTIL', '>', db.knex.raw(db.dialect.now()));
}

export async function inChunks(ids: readonly number[], work: (chunk: number[]) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < ids.length; i += ID_CHUNK) total += await work(ids.slice(i, i + ID_CHUNK));
  return total;
}
