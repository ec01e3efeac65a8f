import type { Db } from '../../connect.js';
import { inChunks } from './held.js';

/** The start of a busy row's last error: it lost races to edits, it did not fail (sync/settle-failure.ts). */
export const BUSY_PREFIX = 'busy: ';

/**
 * Hands rows back: ready again after `delayMs` (0 for "now", as on shutdown), with the error that
 * made the attempt fail. Only rows `worker` claimed; a lease that ran out is released too.
 */
export function releaseWork(db: Db, table: string, ids: readonly number[], worker: string, delayMs: number, error?: string, options: { uncounted?: boolean } = {}): Promise<number> {
  return inChunks(ids, (chunk) =>
    db
      .table(table)
      .whereIn('ID', chunk)
      .andWhere('CLAIMED_BY', worker)
      .andWhere('STATE', 'claimed')
      .update({
        STATE: 'ready',
        CLAIMED_BY: null,
        LEASE_UNTIL: null,
        NEXT_ATTEMPT_AT: db.knex.raw(db.dialect.nowPlusMs(), [delayMs]),
        ...(error === undefined ? {} : { LAST_ERROR: error.slice(0, 2000) }),
        // A claim that lost a race to a person's save failed at nothing: it does not count as an attempt.
        ...(options.uncounted ? { ATTEMPTS: db.knex.raw(`CASE WHEN ${db.dialect.quote('ATTEMPTS')} > 0 THEN ${db.dialect.quote('ATTEMPTS')} - 1 ELSE 0 END`) } : {}),
      }),
  );
}
