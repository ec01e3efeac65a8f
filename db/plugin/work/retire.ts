import type { Db } from '../../connect.js';
import { writeLog, type LogEntry } from '../log.js';
import { completeWork } from './complete.js';

/**
 * Takes rows out of the work table for good, recording why in X_NUMERIK_LOG, in one transaction:
 * a crash leaves either the rows or the log entries, never neither.
 */
export async function retireWork(db: Db, table: string, ids: readonly number[], worker: string, entries: readonly LogEntry[]): Promise<number> {
  return db.knex.transaction(async (trx) => {
    const removed = await completeWork(db, table, ids, worker, trx);
    if (removed) await writeLog(db, entries, trx);
    return removed;
  });
}
