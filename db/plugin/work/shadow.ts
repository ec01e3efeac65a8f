import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { SYNC_ITSELF } from '../resolve-entries.js';
import { held, inChunks } from './held.js';

/**
 * Shadow mode: rows whose decision was recorded but not carried out wait as 'shadowed', which no
 * claim takes, so each change is decided once and stays pending, in its order, until shadow mode
 * ends. Done only while `worker` holds them.
 */
export function shadowWork(db: Db, table: string, ids: readonly number[], worker: string, trx: Knex.Transaction): Promise<number> {
  return inChunks(ids, (chunk) => held(db, trx(`${db.target.schema}.${table}`), chunk, worker).update({ STATE: 'shadowed', CLAIMED_BY: null, LEASE_UNTIL: null }));
}

/**
 * Shadow mode ended: every shadowed row is ready again (as never attempted) and the "would have"
 * entries are closed, in one transaction. The rows keep their ids, so they are sent in their order,
 * each once (a claim coalesces an activity's rows). Returns how many rows went back to work.
 */
export async function releaseShadowed(db: Db, table: string, direction: 'outbound' | 'inbound'): Promise<number> {
  return db.knex.transaction(async (trx) => {
    const released = await trx(`${db.target.schema}.${table}`).where({ STATE: 'shadowed' }).update({ STATE: 'ready', ATTEMPTS: 0, NEXT_ATTEMPT_AT: db.knex.raw(db.dialect.now()) });
    await trx(`${db.target.schema}.${OBJECTS.log}`)
      .where({ KIND: 'shadow', DIRECTION: direction })
      .whereNull('RESOLVED_AT')
      .update({ RESOLVED_AT: new Date(), RESOLVED_BY: SYNC_ITSELF, RESOLUTION: 'shadow mode ended: the change was sent on' });
    return released;
  });
}
