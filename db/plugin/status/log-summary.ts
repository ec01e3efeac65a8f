import type { Db } from '../../connect.js';
import type { LogDirection } from '../log.js';
import { OBJECTS } from '../objects.js';

export interface LogItem {
  id: number;
  loggedAt: Date;
  direction: LogDirection;
  activitySeqno: number | null;
  postId: string | null;
  reason: string;
  detail: unknown;
}

type Row = { ID: number | string; LOGGED_AT: Date; DIRECTION: LogDirection; ACTIVITY_SEQNO: number | null; POST_ID: string | null; REASON: string; DETAIL: string | null };

const item = (r: Row): LogItem => ({
  id: Number(r.ID),
  loggedAt: r.LOGGED_AT,
  direction: r.DIRECTION,
  activitySeqno: r.ACTIVITY_SEQNO,
  postId: r.POST_ID,
  reason: r.REASON,
  detail: r.DETAIL === null ? null : (JSON.parse(r.DETAIL) as unknown),
});

/** When each direction last synced something. */
export async function lastSynced(db: Db): Promise<Partial<Record<LogDirection, Date>>> {
  const rows = (await db.table(OBJECTS.log).where({ KIND: 'synced' }).groupBy('DIRECTION').select('DIRECTION', db.knex.raw('MAX(??) AS ??', ['LOGGED_AT', 'at']))) as { DIRECTION: LogDirection; at: Date }[];
  return Object.fromEntries(rows.map((r) => [r.DIRECTION, r.at]));
}

/** Open parked items, counted by direction and reason ("12 activities: customer not linked"). */
export async function parkedByReason(db: Db): Promise<{ direction: LogDirection; reason: string; count: number; since: Date }[]> {
  const rows = (await db
    .table(OBJECTS.log)
    .where({ KIND: 'parked' })
    .whereNull('RESOLVED_AT')
    .groupBy('DIRECTION', 'REASON')
    .select('DIRECTION', 'REASON', db.knex.raw('COUNT(*) AS ??', ['n']), db.knex.raw('MIN(??) AS ??', ['LOGGED_AT', 'since']))
    .orderBy('n', 'desc')) as { DIRECTION: LogDirection; REASON: string; n: number | string; since: Date }[];
  return rows.map((r) => ({ direction: r.DIRECTION, reason: r.REASON, count: Number(r.n), since: r.since }));
}

/** Open entries of one kind, newest first, and how many there are in all. */
export async function openEntries(db: Db, kind: 'dead' | 'conflict' | 'shadow', limit: number): Promise<{ total: number; items: LogItem[] }> {
  const open = db.table(OBJECTS.log).where({ KIND: kind }).whereNull('RESOLVED_AT');
  const [count] = (await open.clone().count({ n: '*' })) as { n: number | string }[];
  const rows = (await open.clone().select('ID', 'LOGGED_AT', 'DIRECTION', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON', 'DETAIL').orderBy('ID', 'desc').limit(limit)) as Row[];
  return { total: Number(count!.n), items: rows.map(item) };
}

/** Open entries of one kind counted by direction (a direction with none is absent). */
export async function openByDirection(db: Db, kind: 'dead' | 'conflict' | 'shadow'): Promise<Partial<Record<LogDirection, number>>> {
  const rows = (await db.table(OBJECTS.log).where({ KIND: kind }).whereNull('RESOLVED_AT').groupBy('DIRECTION').select('DIRECTION', db.knex.raw('COUNT(*) AS ??', ['n']))) as {
    DIRECTION: LogDirection;
    n: number | string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.DIRECTION, Number(r.n)]));
}
