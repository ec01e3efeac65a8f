import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { TASKS, TASKS_KEY } from './tasks.js';

/** An Exo activity as the sync sees it. Dates are wall-clock values of the Exo site (see db/connect.ts). */
export interface Activity {
  seqno: number;
  subject: string | null;
  details: string | null;
  companyId: string | null;
  assignedTo: number | null;
  createdBy: number | null;
  modifiedBy: number | null;
  completed: boolean;
  completedAt: Date | null;
  start: Date | null;
  end: Date | null;
  type: number | null;
  status: number | null;
  deleted: boolean;
  eventType: number | null;
  activityType: number;
  createdAt: Date;
  modifiedAt: Date | null;
}

interface TaskRow {
  SEQNO: number;
  SUBJECT: string | null;
  DETAILS: string | null;
  COMPANYID: string | null;
  ASSIGNED_TO: number | null;
  CREATEDBY: number | null;
  MODIFIEDBY: number | null;
  COMPLETED: string;
  COMPLETED_DATETIME: Date | null;
  START_DATETIME: Date | null;
  END_DATETIME: Date | null;
  TYPE: number | null;
  STATUS: number | null;
  DELETED_FLAG: string;
  EVENTTYPE: number | null;
  ACTIVITY_TYPE: number;
  CREATEDATE: Date;
  MODIFIEDDATE: Date | null;
}

const COLUMNS = [
  'SEQNO', 'SUBJECT', 'DETAILS', 'COMPANYID', 'ASSIGNED_TO', 'CREATEDBY', 'MODIFIEDBY', 'COMPLETED', 'COMPLETED_DATETIME',
  'START_DATETIME', 'END_DATETIME', 'TYPE', 'STATUS', 'DELETED_FLAG', 'EVENTTYPE', 'ACTIVITY_TYPE', 'CREATEDATE', 'MODIFIEDDATE',
];

function toActivity(r: TaskRow): Activity {
  return {
    seqno: r.SEQNO,
    subject: r.SUBJECT,
    details: r.DETAILS,
    companyId: r.COMPANYID,
    assignedTo: r.ASSIGNED_TO,
    createdBy: r.CREATEDBY,
    modifiedBy: r.MODIFIEDBY,
    // CHAR(1) flags: 'Y' means yes; anything else (N, blank, NULL) means no.
    completed: r.COMPLETED?.trim().toUpperCase() === 'Y',
    completedAt: r.COMPLETED_DATETIME,
    start: r.START_DATETIME,
    end: r.END_DATETIME,
    type: r.TYPE,
    status: r.STATUS,
    deleted: r.DELETED_FLAG?.trim().toUpperCase() === 'Y',
    eventType: r.EVENTTYPE,
    activityType: r.ACTIVITY_TYPE,
    createdAt: r.CREATEDATE,
    modifiedAt: r.MODIFIEDDATE,
  };
}

function rowOf(a: Activity): TaskRow {
  return {
    SEQNO: a.seqno,
    SUBJECT: a.subject,
    DETAILS: a.details,
    COMPANYID: a.companyId,
    ASSIGNED_TO: a.assignedTo,
    CREATEDBY: a.createdBy,
    MODIFIEDBY: a.modifiedBy,
    COMPLETED: a.completed ? 'Y' : 'N',
    COMPLETED_DATETIME: a.completedAt,
    START_DATETIME: a.start,
    END_DATETIME: a.end,
    TYPE: a.type,
    STATUS: a.status,
    DELETED_FLAG: a.deleted ? 'Y' : 'N',
    EVENTTYPE: a.eventType,
    ACTIVITY_TYPE: a.activityType,
    CREATEDATE: a.createdAt,
    MODIFIEDDATE: a.modifiedAt,
  };
}

/** The activity as it would be with these TASKS columns written (what a write from Numerik would leave). */
export function withColumns(activity: Activity, columns: Record<string, unknown>): Activity {
  const known = Object.fromEntries(Object.entries(columns).filter(([c]) => COLUMNS.includes(c)));
  return toActivity({ ...rowOf(activity), ...known } as TaskRow);
}

/** SQL Server takes at most 2,100 parameters per request. */
const IN_LIST = 1000;

/** The current rows of these activities; a key without a row is absent from the map (deleted). */
export async function readActivities(db: Db, seqnos: readonly number[], trx?: Knex.Transaction): Promise<Map<number, Activity>> {
  const result = new Map<number, Activity>();
  for (let i = 0; i < seqnos.length; i += IN_LIST) {
    const rows: TaskRow[] = await (trx ?? db.knex)(`${db.target.schema}.${TASKS}`)
      .select(COLUMNS)
      .whereIn(TASKS_KEY, seqnos.slice(i, i + IN_LIST));
    for (const r of rows) result.set(r.SEQNO, toActivity(r));
  }
  return result;
}

/** One activity, read under a short update lock held to the end of `trx` (the commit's re-check). */
export async function readActivityLocked(db: Db, trx: Knex.Transaction, seqno: number): Promise<Activity | undefined> {
  const rows: TaskRow[] = await db.dialect.lockedRows(trx, TASKS).select(COLUMNS).where(TASKS_KEY, seqno);
  return rows[0] && toActivity(rows[0]);
}

/**
 * The two reads of one activity show the same row, as far as the sync can tell: every column it
 * reads (dates by their instant). A user's save in between makes them differ.
 */
export function sameActivity(a: Activity | undefined, b: Activity | undefined): boolean {
  if (!a || !b) return a === b;
  const ra = rowOf(a) as unknown as Record<string, unknown>;
  const rb = rowOf(b) as unknown as Record<string, unknown>;
  return COLUMNS.every((c) => {
    const [x, y] = [ra[c], rb[c]];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}
