import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { OBJECTS } from './objects.js';

export type LogDirection = 'outbound' | 'inbound' | 'system';
/**
 * synced / skipped: done; parked: waits for a link; dead: gave up (retryable); conflict: the losing
 * side kept here; shadow: what shadow mode would have done (open until shadow mode ends).
 */
export type LogKind = 'synced' | 'skipped' | 'parked' | 'dead' | 'conflict' | 'truncated' | 'deleted' | 'note' | 'shadow';

export interface LogEntry {
  direction: LogDirection;
  kind: LogKind;
  activitySeqno?: number | null;
  postId?: string | null;
  reason: string;
  detail?: unknown;
}

/** X_NUMERIK_LOG: the audit trail and the dead letters. */
export async function writeLog(db: Db, entries: readonly LogEntry[], trx?: Knex.Transaction): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((e) => ({
    LOGGED_AT: new Date(),
    DIRECTION: e.direction,
    KIND: e.kind,
    ACTIVITY_SEQNO: e.activitySeqno ?? null,
    POST_ID: e.postId ?? null,
    REASON: e.reason.slice(0, 400),
    DETAIL: e.detail === undefined ? null : JSON.stringify(e.detail),
  }));
  for (let i = 0; i < rows.length; i += 200) await (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.log}`).insert(rows.slice(i, i + 200));
}
