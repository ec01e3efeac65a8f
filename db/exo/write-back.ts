import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { TASKS, TASKS_KEY } from './tasks.js';
import { asSyncWriter } from './write-activity.js';

export interface FieldChange {
  from: string | null;
  to: string;
}

/**
 * Rewrites SUBJECT and/or DETAILS of one activity as the sync's own write, only if the fields still
 * hold what the sync read, so an Exo user's edit made meanwhile is never overwritten (it is queued
 * and synced instead). MODIFIEDDATE is bumped, as Exo's Outlook sync trusts it, and MODIFIEDBY set
 * to `by` when given (the sync's own staff member; else it stays the person's). With `echo: false`
 * the capture trigger skips the write; otherwise it is queued like any edit. `then` runs in the
 * same transaction, told whether the row was written; `first` runs before anything (the commit's
 * re-check). Returns whether the row was written.
 */
export async function writeBackText(
  db: Db,
  seqno: number,
  change: { subject?: FieldChange; details?: FieldChange },
  modifiedAt: Date,
  options: { echo: boolean; by?: number | null; first?: (trx: Knex.Transaction) => Promise<void> },
  then?: (trx: Knex.Transaction, written: boolean) => Promise<void>,
): Promise<boolean> {
  const set: Record<string, unknown> = { MODIFIEDDATE: modifiedAt };
  if (options.by != null) set.MODIFIEDBY = options.by;
  if (change.subject) set.SUBJECT = change.subject.to;
  if (change.details) set.DETAILS = change.details.to;
  const write = async (trx: Knex.Transaction) => {
    await options.first?.(trx);
    let written = false;
    if (change.subject || change.details) {
      let q = trx(`${db.target.schema}.${TASKS}`).where(TASKS_KEY, seqno);
      q = unchanged(q, 'SUBJECT', change.subject);
      q = unchanged(q, 'DETAILS', change.details);
      written = (await q.update(set)) > 0;
    }
    await then?.(trx, written);
    return written;
  };
  return options.echo ? db.knex.transaction(write) : asSyncWriter(db, write);
}

function unchanged(q: Knex.QueryBuilder, column: string, change: FieldChange | undefined): Knex.QueryBuilder {
  if (!change) return q;
  return change.from === null ? q.whereNull(column) : q.where(column, change.from);
}
