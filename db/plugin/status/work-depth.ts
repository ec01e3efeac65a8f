import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { BUSY_PREFIX } from '../work/release.js';

export interface WorkDepth {
  /** Rows waiting (ready, claimed, or waiting for a retry). */
  depth: number;
  /** Of those, rows whose last attempt failed and wait for their retry. */
  retrying: number;
  /** Of those, rows that lost races to edits on both sides and wait, uncounted, for the next round. */
  busy: number;
  /** Age of the oldest row: how far this direction is behind. */
  oldestSeconds: number | null;
}

const QUEUED_AT: Record<string, string> = { [OBJECTS.queue]: 'QUEUED_AT', [OBJECTS.inbox]: 'RECEIVED_AT' };

/** How much work waits in X_NUMERIK_QUEUE or X_NUMERIK_INBOX, and for how long the oldest has. */
export async function workDepth(db: Db, table: typeof OBJECTS.queue | typeof OBJECTS.inbox): Promise<WorkDepth> {
  const [row] = (await db
    .table(table)
    .select(
      db.knex.raw('COUNT(*) AS ??', ['depth']),
      db.knex.raw('SUM(CASE WHEN ?? IS NOT NULL AND ?? NOT LIKE ? THEN 1 ELSE 0 END) AS ??', ['LAST_ERROR', 'LAST_ERROR', `${BUSY_PREFIX}%`, 'retrying']),
      db.knex.raw('SUM(CASE WHEN ?? LIKE ? THEN 1 ELSE 0 END) AS ??', ['LAST_ERROR', `${BUSY_PREFIX}%`, 'busy']),
      db.knex.raw(`${db.dialect.secondsSince('MIN(??)')} AS ??`, [QUEUED_AT[table]!, 'oldest']),
    )) as { depth: number | string; retrying: number | string | null; busy: number | string | null; oldest: number | string | null }[];
  return {
    depth: Number(row!.depth),
    retrying: Number(row!.retrying ?? 0),
    busy: Number(row!.busy ?? 0),
    oldestSeconds: row!.oldest === null ? null : Math.max(0, Math.round(Number(row!.oldest))),
  };
}

/** Why waiting rows failed their last attempt, most common first ("the disk is full", "503"). */
export async function workErrors(db: Db, table: typeof OBJECTS.queue | typeof OBJECTS.inbox, limit = 5): Promise<{ error: string; count: number }[]> {
  const rows = (await db
    .table(table)
    .whereNotNull('LAST_ERROR')
    .groupBy('LAST_ERROR')
    .select('LAST_ERROR', db.knex.raw('COUNT(*) AS ??', ['n']))
    .orderBy('n', 'desc')
    .limit(limit)) as { LAST_ERROR: string; n: number | string }[];
  return rows.map((r) => ({ error: r.LAST_ERROR, count: Number(r.n) }));
}
