import type { DialectNames, RuntimePart } from '../parts.js';
import { rowsOf } from './rows.js';

/** The transaction-local setting our inbound writer sets; `set_config(…, true)` ends with the transaction. */
export const ECHO_SETTING = 'exo_numerik.echo';

export function postgresRuntime({ schema }: DialectNames): RuntimePart {
  return {
    async markEcho(trx) {
      await trx.raw(`SELECT set_config('${ECHO_SETTING}', 'on', true)`);
    },

    async insertReturningKey(db, table, row, key) {
      const [inserted] = (await db(`${schema}.${table}`).insert(row).returning(key)) as Record<string, number>[];
      if (inserted?.[key] == null) throw new Error(`INSERT INTO ${table} returned no ${key}`);
      return inserted[key];
    },

    async clearEcho() {
      // The mark is transaction-local (set_config(…, true)): it ends with the transaction, so
      // clearing it would only cost every sync write one more round trip.
    },

    rows: rowsOf,
  };
}
