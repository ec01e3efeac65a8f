import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { held, inChunks } from './held.js';

/** Deletes finished rows, but only those `worker` still holds; returns how many it deleted. */
export function completeWork(db: Db, table: string, ids: readonly number[], worker: string, trx?: Knex.Transaction): Promise<number> {
  const k = trx ?? db.knex;
  return inChunks(ids, (chunk) => held(db, k(`${db.target.schema}.${table}`), chunk, worker).del());
}
