import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

export interface StaffLink {
  staffno: number;
  userId: string;
  email: string | null;
  /** 'email' when matched automatically, 'manual' for an override (never replaced by matching). */
  source: 'email' | 'manual';
}

interface Row {
  STAFFNO: number;
  USER_ID: string;
  EMAIL: string | null;
  SOURCE: StaffLink['source'];
}

export async function readStaffLinks(db: Db): Promise<StaffLink[]> {
  const rows: Row[] = await db.table(OBJECTS.staffLink).select('STAFFNO', 'USER_ID', 'EMAIL', 'SOURCE');
  return rows.map((r) => ({ staffno: r.STAFFNO, userId: r.USER_ID, email: r.EMAIL, source: r.SOURCE }));
}

/** The links once the email matches are merged in: manual overrides stay, and win over an email match. Pure. */
export function mergeStaffLinks(manual: readonly StaffLink[], links: readonly Omit<StaffLink, 'source'>[]): StaffLink[] {
  const taken = new Set(manual.flatMap((l) => [`s${l.staffno}`, `u${l.userId}`]));
  return [...manual, ...links.filter((l) => !taken.has(`s${l.staffno}`) && !taken.has(`u${l.userId}`)).map((l) => ({ ...l, source: 'email' as const }))];
}

/** Replaces the automatic (email) links; manual overrides stay, and win over an email match. */
export async function replaceEmailStaffLinks(db: Db, links: readonly Omit<StaffLink, 'source'>[]): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.staffLink}`);
    await t().where({ SOURCE: 'email' }).del();
    const manual = ((await t().select()) as Row[]).map((r) => ({ staffno: r.STAFFNO, userId: r.USER_ID, email: r.EMAIL, source: r.SOURCE }));
    const rows = mergeStaffLinks(manual, links)
      .filter((l) => l.source === 'email')
      .map((l) => ({ STAFFNO: l.staffno, USER_ID: l.userId, EMAIL: l.email, SOURCE: 'email', UPDATED_AT: new Date() }));
    for (let i = 0; i < rows.length; i += 300) await t().insert(rows.slice(i, i + 300));
  });
}

/** Removes an operator's override; the next reference refresh matches the staff member by email again. */
export async function clearManualStaffLink(db: Db, staffno: number): Promise<boolean> {
  return (await db.table(OBJECTS.staffLink).where({ STAFFNO: staffno, SOURCE: 'manual' }).del()) > 0;
}

/** An operator's override: this staff member is this Numerik user, whatever the emails say. */
export async function setManualStaffLink(db: Db, staffno: number, userId: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.staffLink}`);
    await t().where({ STAFFNO: staffno }).orWhere({ USER_ID: userId }).del();
    await t().insert({ STAFFNO: staffno, USER_ID: userId, EMAIL: null, SOURCE: 'manual', UPDATED_AT: new Date() });
  });
}
