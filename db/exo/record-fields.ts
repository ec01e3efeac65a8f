import type { Db } from '../connect.js';
import { POST_COLUMN, STATE_COLUMN, STATE_LENGTH, TASKS, TASKS_KEY } from './tasks.js';
import { asSyncWriter } from './write-activity.js';

export const LIMITS_OF_RECORD_FIELDS = { post: 255, state: STATE_LENGTH } as const;

/** What an Exo user sees of the sync on an activity: the post's address and the state in words. */
export interface RecordFields {
  post: string | null;
  state: string | null;
}

/** The current record fields of these activities (absent: no such activity). */
export async function readRecordFields(db: Db, seqnos: readonly number[]): Promise<Map<number, RecordFields>> {
  const result = new Map<number, RecordFields>();
  for (let i = 0; i < seqnos.length; i += 1000) {
    const rows: { SEQNO: number; [POST_COLUMN]: string | null; [STATE_COLUMN]: string | null }[] = await db
      .table(TASKS)
      .select(TASKS_KEY, POST_COLUMN, STATE_COLUMN)
      .whereIn(TASKS_KEY, seqnos.slice(i, i + 1000));
    for (const r of rows) result.set(r.SEQNO, { post: r[POST_COLUMN], state: r[STATE_COLUMN] });
  }
  return result;
}

/**
 * Writes the record fields that changed, as the sync (the capture trigger skips them anyway: they
 * are not watched). Nothing else of the row is touched: not MODIFIEDDATE, not MODIFIEDBY.
 */
export async function writeRecordFields(db: Db, changes: readonly ({ seqno: number } & Partial<RecordFields>)[]): Promise<void> {
  if (!changes.length) return;
  await asSyncWriter(db, async (trx) => {
    for (const c of changes) {
      const set: Record<string, string | null> = {};
      if (c.post !== undefined) set[POST_COLUMN] = c.post;
      if (c.state !== undefined) set[STATE_COLUMN] = c.state;
      if (Object.keys(set).length) await trx(`${db.target.schema}.${TASKS}`).where(TASKS_KEY, c.seqno).update(set);
    }
  });
}
