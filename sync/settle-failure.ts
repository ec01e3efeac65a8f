import type { Db } from '../db/connect.js';
import { park, type ParkedItem } from '../db/plugin/parked.js';
import { completeWork } from '../db/plugin/work/complete.js';
import { BUSY_PREFIX, releaseWork } from '../db/plugin/work/release.js';
import { bury, retryOrBury } from '../db/plugin/work/retry-or-bury.js';
import type { Logger } from '../logging/logger.js';
import { QUEUE_BACKOFF, backoffDelay } from './retry-policy.js';

export type NotDone =
  | { kind: 'park'; reason: string }
  /** `uncounted`: Numerik asked to wait (NumerikWaitError); the attempt failed at nothing of the item's. */
  | { kind: 'retry'; error: string; retryAfterMs?: number; uncounted?: boolean }
  | { kind: 'dead'; error: string }
  /** The rows were taken over by another worker (our lease ran out): it finishes them. */
  | { kind: 'lost' }
  /** The record kept moving under the converge (see sync/commit-check.ts): tried again soon, uncounted. */
  | { kind: 'busy'; restarts: number; reason: string };

/** Shown as the work's last error, so the status and record pages say it is busy, not failing. */
export const busyText = (restarts: number, reason: string) => `${BUSY_PREFIX}both sides are editing this record (started over ${restarts} times; ${reason})`;
const BUSY_RETRY_MS = 500;

export interface WorkItem {
  direction: 'outbound' | 'inbound';
  table: string;
  worker: string;
  ids: number[];
  attempts: number;
  maxAttempts: number;
  /** What waits, when parked (and what a dead letter names). */
  item: ParkedItem;
}

/** Settles work that did not finish: parked, tried again later, or a dead letter. Returns which. */
export async function settleNotDone(db: Db, w: WorkItem, outcome: NotDone, logger: Logger): Promise<'parked' | 'retried' | 'dead' | 'lost' | 'busy'> {
  const keys = { worker: w.worker, ...w.item };
  const deadLetter = { direction: w.direction, ...('activitySeqno' in w.item ? { activitySeqno: w.item.activitySeqno } : { postId: w.item.postId }) };
  switch (outcome.kind) {
    case 'park':
      await db.knex.transaction(async (trx) => {
        if (await completeWork(db, w.table, w.ids, w.worker, trx)) await park(db, trx, w.item, outcome.reason);
      });
      logger.warn(`${w.direction} parked`, { ...keys, reason: outcome.reason });
      return 'parked';
    case 'retry': {
      if (outcome.uncounted) {
        await releaseWork(db, w.table, w.ids, w.worker, outcome.retryAfterMs ?? 0, outcome.error, { uncounted: true });
        logger.info(`${w.direction} waits for Numerik`, { ...keys, error: outcome.error });
        return 'retried';
      }
      const delayMs = outcome.retryAfterMs ?? backoffDelay(w.attempts, QUEUE_BACKOFF);
      const result = await retryOrBury(db, w.table, w.worker, w.ids, { count: w.attempts, max: w.maxAttempts, delayMs, error: outcome.error }, deadLetter);
      if (result === 'retry') logger.warn(`${w.direction} will retry`, { ...keys, attempt: w.attempts, error: outcome.error });
      else logger.error(`${w.direction} dead letter`, { ...keys, attempt: w.attempts, error: outcome.error });
      return result === 'retry' ? 'retried' : 'dead';
    }
    case 'dead':
      await bury(db, w.table, w.worker, w.ids, outcome.error, deadLetter, w.attempts);
      logger.error(`${w.direction} dead letter`, { ...keys, reason: outcome.error });
      return 'dead';
    case 'lost':
      return 'lost';
    case 'busy':
      await releaseWork(db, w.table, w.ids, w.worker, BUSY_RETRY_MS + Math.floor(Math.random() * BUSY_RETRY_MS), busyText(outcome.restarts, outcome.reason), { uncounted: true });
      logger.info(`${w.direction} busy`, { ...keys, restarts: outcome.restarts, reason: outcome.reason });
      return 'busy';
  }
}
