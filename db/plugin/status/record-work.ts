import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { HISTORY_OPERATION } from '../queue/lanes.js';

/** One row of work waiting for a record, as an operator reads it. */
export interface PendingWork {
  id: number;
  what: string;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  claimedBy: string | null;
  lastError: string | null;
}

type Row = { ID: number | string; STATE: string; ATTEMPTS: number; NEXT_ATTEMPT_AT: Date | null; CLAIMED_BY: string | null; LAST_ERROR: string | null };
const COMMON = ['ID', 'STATE', 'ATTEMPTS', 'NEXT_ATTEMPT_AT', 'CLAIMED_BY', 'LAST_ERROR'];
const view = (r: Row, what: string): PendingWork => ({
  id: Number(r.ID),
  what,
  state: r.STATE,
  attempts: r.ATTEMPTS,
  nextAttemptAt: r.NEXT_ATTEMPT_AT?.toISOString() ?? null,
  claimedBy: r.CLAIMED_BY,
  lastError: r.LAST_ERROR,
});

/** The queue rows of an activity and the inbox rows of a post (the work tables hold only live work). */
export async function recordWork(db: Db, key: { activitySeqno: number | null; postId: string | null }): Promise<{ queue: PendingWork[]; inbox: PendingWork[] }> {
  const queue =
    key.activitySeqno === null
      ? []
      : ((await db.table(OBJECTS.queue).where({ ACTIVITY_SEQNO: key.activitySeqno }).select([...COMMON, 'OPERATION']).orderBy('ID')) as (Row & { OPERATION: string })[]).map((r) =>
          view(r, { I: 'insert', U: 'update', D: 'delete', [HISTORY_OPERATION]: 'backfill' }[r.OPERATION] ?? r.OPERATION),
        );
  const inbox =
    key.postId === null
      ? []
      : ((await db.table(OBJECTS.inbox).where({ POST_ID: key.postId }).select([...COMMON, 'EVENT_TYPE']).orderBy('ID')) as (Row & { EVENT_TYPE: string })[]).map((r) => view(r, r.EVENT_TYPE));
  return { queue, inbox };
}
