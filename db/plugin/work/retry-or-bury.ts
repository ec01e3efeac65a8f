import type { Db } from '../../connect.js';
import type { LogEntry } from '../log.js';
import { releaseWork } from './release.js';
import { retireWork } from './retire.js';

/**
 * A failed attempt: the rows wait `delayMs` and are tried again, until `maxAttempts` is reached;
 * then they become a dead letter in X_NUMERIK_LOG, with the reason (retryable by an operator).
 */
export async function retryOrBury(
  db: Db,
  table: string,
  worker: string,
  ids: number[],
  attempt: { count: number; max: number; delayMs: number; error: string },
  deadLetter: Omit<LogEntry, 'kind' | 'reason' | 'detail'>,
): Promise<'retry' | 'dead'> {
  if (attempt.count < attempt.max) {
    await releaseWork(db, table, ids, worker, attempt.delayMs, attempt.error);
    return 'retry';
  }
  await bury(db, table, worker, ids, `gave up after ${attempt.count} attempts: ${attempt.error}`, deadLetter, attempt.count);
  return 'dead';
}

export async function bury(db: Db, table: string, worker: string, ids: number[], reason: string, deadLetter: Omit<LogEntry, 'kind' | 'reason' | 'detail'>, attempts: number): Promise<void> {
  await retireWork(db, table, ids, worker, [{ ...deadLetter, kind: 'dead', reason, detail: { attempts } }]);
}
