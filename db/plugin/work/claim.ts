import type { Db } from '../../connect.js';
import type { ClaimOptions } from '../../dialect/dialect.js';

/** The lease columns every work table (X_NUMERIK_QUEUE, X_NUMERIK_INBOX) has. */
export interface WorkRow {
  id: number;
  attempts: number;
  /** The row as stored, for the table's own columns. */
  row: Record<string, unknown>;
}

/** Claims up to `limit` ready (or lease-expired) rows for `worker` (of one lane, if given), oldest first. */
export async function claimWork(db: Db, table: string, options: ClaimOptions): Promise<WorkRow[]> {
  const rows = await db.dialect.claim(db.knex, table, options);
  return rows
    .map((row) => ({ id: Number(row.ID), attempts: Number(row.ATTEMPTS), row }))
    .sort((a, b) => a.id - b.id);
}
