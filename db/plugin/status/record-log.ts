import type { Db } from '../../connect.js';
import type { LogDirection, LogKind } from '../log.js';
import { OBJECTS } from '../objects.js';

/** One line of a record's history in X_NUMERIK_LOG. */
export interface RecordLogEntry {
  id: number;
  at: Date;
  direction: LogDirection;
  kind: LogKind;
  activitySeqno: number | null;
  postId: string | null;
  reason: string;
  detail: unknown;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
}

type Row = {
  ID: number | string;
  LOGGED_AT: Date;
  DIRECTION: LogDirection;
  KIND: LogKind;
  ACTIVITY_SEQNO: number | null;
  POST_ID: string | null;
  REASON: string;
  DETAIL: string | null;
  RESOLVED_AT: Date | null;
  RESOLVED_BY: string | null;
  RESOLUTION: string | null;
};

export const entryOf = (r: Row): RecordLogEntry => ({
  id: Number(r.ID),
  at: r.LOGGED_AT,
  direction: r.DIRECTION,
  kind: r.KIND,
  activitySeqno: r.ACTIVITY_SEQNO,
  postId: r.POST_ID,
  reason: r.REASON,
  detail: r.DETAIL === null ? null : (JSON.parse(r.DETAIL) as unknown),
  resolvedAt: r.RESOLVED_AT,
  resolvedBy: r.RESOLVED_BY,
  resolution: r.RESOLUTION,
});

const COLUMNS = ['ID', 'LOGGED_AT', 'DIRECTION', 'KIND', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON', 'DETAIL', 'RESOLVED_AT', 'RESOLVED_BY', 'RESOLUTION'];

/**
 * A record's history, newest first: every entry naming the activity or the post. By the time each
 * was logged, then its id: ids are handed out in the order inserts began, which across connections
 * is not the order they were logged in (PostgreSQL's sequence).
 */
export async function recordLog(db: Db, key: { activitySeqno: number | null; postId: string | null }, limit = 200): Promise<RecordLogEntry[]> {
  if (key.activitySeqno === null && key.postId === null) return [];
  const rows = (await db
    .table(OBJECTS.log)
    .where((q) => {
      if (key.activitySeqno !== null) q.orWhere({ ACTIVITY_SEQNO: key.activitySeqno });
      if (key.postId !== null) q.orWhere({ POST_ID: key.postId });
    })
    .select(COLUMNS)
    .orderBy([
      { column: 'LOGGED_AT', order: 'desc' },
      { column: 'ID', order: 'desc' },
    ])
    .limit(limit)) as Row[];
  return rows.map(entryOf);
}

/** One entry by its id. */
export async function logEntry(db: Db, id: number): Promise<RecordLogEntry | undefined> {
  const row = (await db.table(OBJECTS.log).where({ ID: id }).first(COLUMNS)) as Row | undefined;
  return row && entryOf(row);
}
