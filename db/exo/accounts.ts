import type { Db } from '../connect.js';
import type { AccountRef } from './company.js';

const TABLE = { D: 'DR_ACCS', C: 'CR_ACCS', P: 'PROSPECTS' } as const;

/** The account's name, or undefined when Exo has no such account. */
export async function accountName(db: Db, ref: AccountRef): Promise<string | undefined> {
  const row = (await db.table(TABLE[ref.type]).where({ ACCNO: ref.accno }).first('NAME')) as { NAME: string | null } | undefined;
  return row ? (row.NAME?.trim() ?? '') : undefined;
}
