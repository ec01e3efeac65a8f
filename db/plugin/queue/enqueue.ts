import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import type { HISTORY_OPERATION } from './lanes.js';

export interface EnqueueOptions {
  /** I, U, D as the trigger writes; `HISTORY_OPERATION` for a backfill's rows (their own lane). */
  operation?: 'I' | 'U' | 'D' | typeof HISTORY_OPERATION;
  /** When the change was captured (a bulk statement's set keeps its own time, so lag stays honest). */
  queuedAt?: Date;
}

/** Queues activities for sending, as the trigger would (re-queue of parked items, retry, backfill, a bulk statement's set). */
export async function enqueueActivities(db: Db, seqnos: readonly number[], trx?: Knex.Transaction, options: EnqueueOptions = {}): Promise<void> {
  const now = db.knex.raw(db.dialect.now());
  const rows = seqnos.map((seqno) => ({ ACTIVITY_SEQNO: seqno, OPERATION: options.operation ?? 'U', STATE: 'ready', ATTEMPTS: 0, QUEUED_AT: options.queuedAt ?? now, NEXT_ATTEMPT_AT: now }));
  for (let i = 0; i < rows.length; i += 300) await (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.queue}`).insert(rows.slice(i, i + 300));
}
