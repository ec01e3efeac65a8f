import type { DialectNames, RuntimePart } from '../parts.js';

/** The SESSION_CONTEXT key our inbound writer sets; its value is the writing transaction's id. */
export const ECHO_KEY = 'exo_numerik.echo';

/** Runtime statements of this dialect, exported so the golden T-SQL file pins them. */
export const MSSQL_RUNTIME = {
  markEcho: `DECLARE @tx bigint = CURRENT_TRANSACTION_ID(); EXEC sp_set_session_context @key = N'${ECHO_KEY}', @value = @tx;`,
  clearEcho: `EXEC sp_set_session_context @key = N'${ECHO_KEY}', @value = NULL; SET LOCK_TIMEOUT -1;`,
  /**
   * One record's commit: lock waits bounded (the session's setting, reset by clearEcho), then the
   * record's application lock, owned by the transaction; @r < 0 is a wait in vain.
   */
  lockRecord: (ms: number) =>
    `SET LOCK_TIMEOUT ${Math.trunc(ms)}; DECLARE @r int; EXEC @r = sp_getapplock @Resource = ?, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = ${Math.trunc(ms)}; SELECT @r AS [granted];`,
  /** A row read to be written in the same transaction: no other writer changes it meanwhile. */
  lockedRows: (table: string) => `${table} WITH (UPDLOCK, ROWLOCK)`,
  /** Appended to an INSERT: SCOPE_IDENTITY() in the same request (a later request is another scope). */
  identityReadBack: (key: string) => `; SELECT CAST(SCOPE_IDENTITY() AS int) AS [${key}]`,
};

export function mssqlRuntime({ schema }: DialectNames): RuntimePart {
  return {
    async markEcho(trx) {
      await trx.raw(MSSQL_RUNTIME.markEcho);
    },

    async insertReturningKey(db, table, row, key) {
      const insert = db(`${schema}.${table}`).insert(row).toSQL();
      const rows = (await db.raw(insert.sql + MSSQL_RUNTIME.identityReadBack(key), insert.bindings)) as Record<string, number>[];
      const id = rows[rows.length - 1]?.[key];
      if (id == null) throw new Error(`INSERT INTO ${table} returned no ${key}`);
      return id;
    },

    async clearEcho(trx) {
      await trx.raw(MSSQL_RUNTIME.clearEcho);
    },

    rows<T>(result: unknown) {
      return result as T[];
    },
  };
}
