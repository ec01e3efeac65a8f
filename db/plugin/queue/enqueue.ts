import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/** Queues activities for sending, as the trigger would (re-queue of parked items, retry, backfill). */
export async function enqueueActivities(db: Db, seqnos: readonly number[], trx?: Knex.Transaction, operation: 'I' | 'U' = 'U'): Promise<void> {
  const now = db.knex.raw(db.dialect.now());
  const rows = seqnos.map((seqno) => ({ ACTIVITY_SEQNO: seqno, OPERATION: operation, STATE: 'ready', ATTEMPTS: 0, QUEUED_AT: now, NEXT_ATTEMPT_AT: now }));
  for (let i = 0; i < rows.length; i += 300) await (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.queue}`).insert(rows.slice(i, i + 300));
}
