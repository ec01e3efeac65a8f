import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import type { Activity } from './activities.js';
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

/**
 * Writes `columns` of an activity only while its SUBJECT and DETAILS still hold what the sync read
 * (`read`): false when an Exo user saved meanwhile. The commit re-reads the row under an update lock
 * first; this condition keeps the text safe where an engine ignores that lock hint.
 */
export async function updateActivity(db: Db, trx: Knex.Transaction, read: Pick<Activity, 'seqno' | 'subject' | 'details'>, columns: Record<string, unknown>): Promise<boolean> {
  if (!Object.keys(columns).length) return true;
  let q = trx(`${db.target.schema}.${TASKS}`).where(TASKS_KEY, read.seqno);
  q = read.subject === null ? q.whereNull('SUBJECT') : q.where('SUBJECT', read.subject);
  q = read.details === null ? q.whereNull('DETAILS') : q.where('DETAILS', read.details);
  return (await q.update(owned(columns))) > 0;
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
