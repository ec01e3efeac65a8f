import type { Db } from '../connect.js';

export interface Staff {
  staffno: number;
  name: string | null;
  loginId: string;
  email: string | null;
  active: boolean;
}

export interface Lookup {
  seqno: number;
  description: string | null;
}

/** Exo's staff (never deleted, only made inactive). */
export async function readStaff(db: Db): Promise<Staff[]> {
  const rows: { STAFFNO: number; NAME: string | null; LOGINID: string; EMAIL_ADDRESS: string | null; ISACTIVE: string | null }[] = await db
    .table('STAFF')
    .select('STAFFNO', 'NAME', 'LOGINID', 'EMAIL_ADDRESS', 'ISACTIVE');
  return rows.map((r) => ({ staffno: r.STAFFNO, name: r.NAME, loginId: r.LOGINID.trim(), email: r.EMAIL_ADDRESS?.trim() || null, active: r.ISACTIVE?.trim().toUpperCase() === 'Y' }));
}

async function readLookup(db: Db, table: 'TASK_TYPES' | 'TASK_STATUSES'): Promise<Lookup[]> {
  const rows: { SEQNO: number; DESCRIPTION: string | null }[] = await db.table(table).select('SEQNO', 'DESCRIPTION');
  return rows.map((r) => ({ seqno: r.SEQNO, description: r.DESCRIPTION?.trim() ?? null }));
}

export const readTaskTypes = (db: Db) => readLookup(db, 'TASK_TYPES');
export const readTaskStatuses = (db: Db) => readLookup(db, 'TASK_STATUSES');
