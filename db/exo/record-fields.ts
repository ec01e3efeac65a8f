import type { Knex } from 'knex';
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

type FieldsChange = { seqno: number } & Partial<RecordFields>;

/** One UPDATE of up to 300 activities' record fields: each column a CASE on the key, else kept. */
export function recordFieldsUpdate(k: Knex | Knex.Transaction, schema: string, chunk: readonly FieldsChange[]): Knex.Raw {
  const sets: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  for (const [column, pick] of [
    [POST_COLUMN, (c: FieldsChange) => c.post],
    [STATE_COLUMN, (c: FieldsChange) => c.state],
  ] as const) {
    const rows = chunk.filter((c) => pick(c) !== undefined);
    if (!rows.length) continue;
    sets.push(`?? = CASE ?? ${rows.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ?? END`);
    bindings.push(column, TASKS_KEY, ...rows.flatMap((c) => [c.seqno, pick(c) ?? null]), column);
  }
  return k.raw(`UPDATE ?? SET ${sets.join(', ')} WHERE ?? IN (${chunk.map(() => '?').join(', ')})`, [`${schema}.${TASKS}`, ...bindings, TASKS_KEY, ...chunk.map((c) => c.seqno)]);
}

/**
 * Writes the record fields that changed, as the sync (the capture trigger skips them anyway: they
 * are not watched). Nothing else of the row is touched: not MODIFIEDDATE, not MODIFIEDBY. One
 * statement per 300 activities: a batch's fields cost one round trip, not one per activity.
 */
export async function writeRecordFields(db: Db, changes: readonly FieldsChange[]): Promise<void> {
  const real = changes.filter((c) => c.post !== undefined || c.state !== undefined);
  if (!real.length) return;
  await asSyncWriter(db, async (trx) => {
    for (let i = 0; i < real.length; i += 300) await recordFieldsUpdate(trx, db.target.schema, real.slice(i, i + 300));
  });
}
