import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { TASKS, TASKS_KEY } from './tasks.js';

/** These belong to Exo (Outlook sync, recurrences): the sync never writes them. */
const EXO_OWNED = ['OUTLOOKENTRYID', 'PARENTSEQNO', 'RECURRENCEINDEX', 'RECURRENCEINFO', 'SOURCEID', TASKS_KEY];

function owned(columns: Record<string, unknown>): Record<string, unknown> {
  const bad = Object.keys(columns).filter((c) => EXO_OWNED.includes(c));
  if (bad.length) throw new Error(`refusing to write Exo-owned column(s) ${bad.join(', ')}`);
  return columns;
}

/** Inserts an activity inside `trx` and reads its SEQNO back (safe with the trigger on TASKS). */
export function insertActivity(db: Db, trx: Knex.Transaction, columns: Record<string, unknown>): Promise<number> {
  return db.dialect.insertReturningKey(trx, TASKS, owned(columns), TASKS_KEY);
}

export async function updateActivity(db: Db, trx: Knex.Transaction, seqno: number, columns: Record<string, unknown>): Promise<void> {
  if (!Object.keys(columns).length) return;
  await trx(`${db.target.schema}.${TASKS}`).where(TASKS_KEY, seqno).update(owned(columns));
}

/**
 * Runs `work` in a transaction marked as the sync's own writing: the capture trigger skips what it
 * writes to TASKS, so nothing echoes back to Numerik.
 */
export function asSyncWriter<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.knex.transaction(async (trx) => {
    await db.dialect.markEcho(trx);
    const result = await work(trx);
    // The mark ends with the transaction anyway; clearing it keeps a pooled session tidy.
    await db.dialect.clearEcho(trx);
    return result;
  });
}

/** The hyperlink to the activity's attachment folder, in its extra field (written as the sync). */
export async function setFolderLink(db: Db, seqno: number, column: string, link: string): Promise<boolean> {
  if (!/^X_[A-Z0-9_]{1,60}$/.test(column)) throw new Error(`the folder link field must be an Exo extra field (X_…), not ${column}`);
  return asSyncWriter(db, async (trx) => {
    const changed = await trx(`${db.target.schema}.${TASKS}`)
      .where(TASKS_KEY, seqno)
      .andWhere((q) => q.whereNull(column).orWhereNot(column, link))
      .update({ [column]: link });
    return changed > 0;
  });
}
