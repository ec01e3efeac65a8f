import knexFactory, { type Knex } from 'knex';
import type {
  CatalogObject,
  ColumnInfo,
  Dialect,
  KeyedTable,
  TriggerInfo,
} from './dialect.js';
import { databaseCause } from './error-cause.js';
import { ALWAYS_THERE, lackedGrants, mssqlNeeds, plainOr, type LackedGrants, type Right, type Securable } from './login-rights.js';
import { literalText, sharedDdl } from './shared-ddl.js';

/** Lock request time out period exceeded (SET LOCK_TIMEOUT), and what a refused sp_getapplock is reported as. */
const LOCK_TIMEOUT = 1222;

const PERMANENT = new Set([8152, 2628, 245, 8114, 8115, 241, 515, 547, 220, 244, 248]);

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

/**
 * SQL Server 2016+ (SESSION_CONTEXT, CURRENT_TRANSACTION_ID). Statements are written for a DBA:
 * bracketed, schema-qualified, one object per statement, and readable in a .sql script.
 */
export function mssqlDialect(schema: string): Dialect {
  const builder = knexFactory({ client: 'mssql' });
  const quote = (id: string) => `[${id.replace(/]/g, ']]')}]`;
  const qualified = (name: string) => `${quote(schema)}.${quote(name)}`;
  const { toStatements, ...ddl } = sharedDdl(builder, schema, qualified, quote);

  return {
    name: 'mssql',
    parserMode: 'transactsql',
    schema,
    builder,
    qualified,
    quote,
    ...ddl,

    createKeyedTable(table: KeyedTable) {
      return [
        {
          sql:
            `CREATE SEQUENCE ${qualified(table.sequence)} AS bigint START WITH 1 INCREMENT BY 1 CACHE 100`,
        },
        ...toStatements(
          builder.schema.withSchema(schema).createTable(table.name, (t) => {
            t.bigInteger(table.key).notNullable();
            table.build(t);
            t.primary([table.key], { constraintName: `${table.name}_PK` });
          }),
        ),
        // A sequence, not IDENTITY: rows inserted by the TASKS trigger must leave @@IDENTITY alone.
        {
          sql:
            `ALTER TABLE ${qualified(table.name)} ADD CONSTRAINT ${quote(`${table.name}_${table.key}_DF`)} ` +
            `DEFAULT (NEXT VALUE FOR ${qualified(table.sequence)}) FOR ${quote(table.key)}`,
        },
      ];
    },

    tuneQueueTable(name) {
      // The trigger inserts into the queue inside Exo's own transactions: a table lock from lock
      // escalation during a purge would block every Exo save.
      return [{ sql: `ALTER TABLE ${qualified(name)} SET (LOCK_ESCALATION = DISABLE)` }];
    },

    refuseWhileRows(table, message) {
      return [{ sql: `IF EXISTS (SELECT 1 FROM ${qualified(table)}) THROW 50000, N'${literalText(message)}', 1` }];
    },

    storeUncompressed() {
      // nvarchar(max) is stored as it is unless a DBA turns compression on.
      return [];
    },

    captureTriggerUp(spec) {
      const col = (alias: string, c: string) => `${alias}.${quote(c)}`;
      const key = quote(spec.key);
      const changed = spec.watched.map(({ name, text }) => {
        // Text is compared as bytes: the column collation would call 'abc' = 'ABC' and 'a' = 'a '.
        const side = (alias: string) =>
          text ? `CAST(${col(alias, name)} AS varbinary(${text.length}))` : col(alias, name);
        return (
          `(${side('i')} <> ${side('d')}` +
          ` OR (${col('i', name)} IS NULL AND ${col('d', name)} IS NOT NULL)` +
          ` OR (${col('i', name)} IS NOT NULL AND ${col('d', name)} IS NULL))`
        );
      });
      const changedRows = [`i.${key} IS NULL OR d.${key} IS NULL`, ...changed];
      const anyChanged = (indent: string) => [changedRows[0]!, ...changedRows.slice(1).map((c) => `${indent}OR ${c}`)];
      const pairs = [`    FROM inserted AS i`, `    FULL OUTER JOIN deleted AS d ON d.${key} = i.${key}`];
      const queueRows = [
        `INSERT INTO ${qualified(spec.queue)} ([ACTIVITY_SEQNO], [OPERATION], [STATE], [ATTEMPTS], [QUEUED_AT], [NEXT_ATTEMPT_AT])`,
        `    SELECT COALESCE(i.${key}, d.${key}),`,
        `        CASE WHEN d.${key} IS NULL THEN 'I' WHEN i.${key} IS NULL THEN 'D' ELSE 'U' END,`,
        `        'ready', 0, SYSUTCDATETIME(), SYSUTCDATETIME()`,
        ...pairs,
      ];
      const echo = [
        `DECLARE @echo sql_variant = SESSION_CONTEXT(N'${ECHO_KEY}');`,
        // Our inbound writer stores its transaction id under the key: a mark left on a pooled
        // session by a failed write can never match a later transaction.
        'IF @echo = CURRENT_TRANSACTION_ID() RETURN;',
      ];
      const [first, ...rest] = anyChanged('        ');
      const body = spec.sets
        ? [
            // Read before anything else: every statement, SET included, resets @@ROWCOUNT_BIG.
            'DECLARE @rows bigint = @@ROWCOUNT_BIG;',
            'IF @rows = 0 RETURN;',
            'SET NOCOUNT ON;',
            ...echo,
            // One row (an Exo user saving an activity): its queue row, as ever.
            'IF @rows = 1',
            ...[...queueRows, `    WHERE ${first}`, ...rest.slice(0, -1), `${rest.at(-1) ?? ''};`].map((l) => `    ${l}`),
            // More (an import, a bulk reassign): one row holding the changed keys as JSON (FOR JSON
            // works at every compatibility level), split into queue rows by the worker.
            'ELSE',
            ...[
              `INSERT INTO ${qualified(spec.sets)} ([OPERATION], [KEYS], [FANNED_OUT], [QUEUED_AT])`,
              `    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM deleted) THEN 'I' WHEN NOT EXISTS (SELECT 1 FROM inserted) THEN 'D' ELSE 'U' END,`,
              `        s.[KEYS], 0, SYSUTCDATETIME()`,
              `    FROM (SELECT (SELECT COALESCE(i.${key}, d.${key}) AS [k]`,
              ...pairs.map((l) => `    ${l}`),
              ...anyChanged('            ').map((l, n) => (n ? l : `        WHERE ${l}`)),
              `        FOR JSON PATH) AS [KEYS]) AS s`,
              `    WHERE s.[KEYS] IS NOT NULL`,
            ].map((l) => `    ${l}`),
          ]
        : [
            // Any SET resets @@ROWCOUNT, so the empty-statement check comes first.
            'IF @@ROWCOUNT_BIG = 0 RETURN;',
            'SET NOCOUNT ON;',
            ...echo,
            ...queueRows,
            `    WHERE ${first}`,
            ...rest,
          ];
      return [
        {
          sql:
            `CREATE TRIGGER ${qualified(spec.triggerName)} ON ${qualified(spec.table)} AFTER INSERT, UPDATE, DELETE AS\n` +
            `BEGIN\n${body.map((l) => '    ' + l).join('\n')};\nEND`,
        },
      ];
    },

    captureTriggerDown(spec) {
      return [{ sql: `DROP TRIGGER ${qualified(spec.triggerName)}` }];
    },

    captureTriggerNames(spec) {
      return [spec.triggerName];
    },

    addColumn(table, column, type) {
      return { sql: `ALTER TABLE ${qualified(table)} ADD ${quote(column)} ${type} NULL` };
    },

    exoType(tsqlType, options) {
      return options?.identity ? `${tsqlType} IDENTITY(1,1)` : tsqlType;
    },

    ifTableExists(table, sql) {
      return { sql: `IF OBJECT_ID(N'${schema}.${table}', N'U') IS NOT NULL ${sql}` };
    },

    literal(value) {
      if (value === null) return 'NULL';
      if (typeof value === 'number') return String(value);
      return `N'${value.replace(/'/g, "''")}'`;
    },

    now() {
      return 'SYSUTCDATETIME()';
    },

    secondsSince(expression) {
      return `DATEDIFF_BIG(millisecond, ${expression}, SYSUTCDATETIME()) / 1000.0`;
    },

    ddlSession() {
      return { begin: [{ sql: 'SET LOCK_TIMEOUT 5000' }], end: [{ sql: 'SET LOCK_TIMEOUT -1' }] };
    },

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

    async lockRecord(trx, resource, timeoutMs) {
      const rows = (await trx.raw(MSSQL_RUNTIME.lockRecord(timeoutMs), [resource])) as { granted: number }[];
      if ((rows[rows.length - 1]?.granted ?? -1) < 0) throw Object.assign(new Error(`${resource} stayed locked for ${timeoutMs} ms`), { number: LOCK_TIMEOUT });
    },

    lockedRows(trx, table) {
      return trx.from(trx.raw(MSSQL_RUNTIME.lockedRows(qualified(table))));
    },

    isLockTimeout(error) {
      const numbers = [error, ...((error as { errors?: unknown[] })?.errors ?? [])].map((e) => (e as { number?: number })?.number);
      return numbers.includes(LOCK_TIMEOUT);
    },

    async claim(db, table, { worker, limit, leaseMs, lane }) {
      const t = qualified(table);
      const ready = `[STATE] IN ('ready', 'claimed') AND [NEXT_ATTEMPT_AT] <= SYSUTCDATETIME()`;
      const inLane = lane ? ` AND ${quote(lane.column)} ${lane.not ? '<>' : '='} ?` : '';
      // OUTPUT without INTO is fine here: work tables have no triggers (keep it so). The table is
      // updated by its own name, not through an alias in a FROM clause: the same statement to SQL
      // Server, while the T-SQL engine CI uses took over a second for the alias form on a queue of
      // 2,000 rows (milliseconds for this one), longer than a short lease.
      return (await db.raw(
        `UPDATE ${t} SET [STATE] = 'claimed', [CLAIMED_BY] = ?, [ATTEMPTS] = [ATTEMPTS] + 1,
                [LEASE_UNTIL] = DATEADD(millisecond, ?, SYSUTCDATETIME()), [NEXT_ATTEMPT_AT] = DATEADD(millisecond, ?, SYSUTCDATETIME())
           OUTPUT inserted.*
          WHERE [ID] IN (SELECT TOP (?) [ID] FROM ${t} WITH (UPDLOCK, READPAST, ROWLOCK, READCOMMITTEDLOCK) WHERE ${ready}${inLane} ORDER BY [ID])
            AND ${ready}`,
        [worker, leaseMs, leaseMs, limit, ...(lane ? [lane.value] : [])],
      )) as Record<string, unknown>[];
    },

    nowPlusMs() {
      return 'DATEADD(millisecond, ?, SYSUTCDATETIME())';
    },

    async codePage(db) {
      const rows = (await db.raw(
        `SELECT CAST(COLLATIONPROPERTY(c.collation_name, 'CodePage') AS int) AS cp FROM sys.columns c WHERE c.object_id = OBJECT_ID(?) AND c.name = 'DETAILS'`,
        [`${schema}.TASKS`],
      )) as { cp: number | null }[];
      const cp = rows[0]?.cp ?? 1252;
      // 0: a Unicode-only collation; 65001: a UTF-8 collation (SQL Server 2019+).
      return cp === 0 || cp === 65001 ? 'utf-8' : `cp${cp}`;
    },

    permanentError(error) {
      const numbers = [error, ...((error as { errors?: unknown[] })?.errors ?? [])].map((e) => (e as { number?: number })?.number);
      // 8152/2628 would be truncated, 245/8114/8115/241 conversion or overflow, 515 NULL, 547 a
      // constraint, 220/244/248 arithmetic overflow of an integer.
      return numbers.some((n) => n !== undefined && PERMANENT.has(n)) ? databaseCause(error) : undefined;
    },

    isUniqueViolation(error) {
      const numbers = [error, ...((error as { errors?: unknown[] })?.errors ?? [])].map((e) => (e as { number?: number })?.number);
      return numbers.includes(2627) || numbers.includes(2601);
    },

    rows<T>(result: unknown) {
      return result as T[];
    },

    async tableExists(db, table) {
      const rows = (await db.raw('SELECT OBJECT_ID(?, ?) AS id', [`${schema}.${table}`, 'U'])) as { id: number | null }[];
      return rows[0]?.id != null;
    },

    async columns(db, table) {
      const rows = (await db.raw(
        `SELECT c.name AS name, t.name AS type, c.max_length AS max_length, c.is_nullable AS nullable
           FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
          WHERE c.object_id = OBJECT_ID(?) ORDER BY c.column_id`,
        [`${schema}.${table}`],
      )) as { name: string; type: string; max_length: number; nullable: boolean }[];
      return rows.map((r): ColumnInfo => ({ name: r.name, type: mssqlType(r.type, r.max_length), nullable: !!r.nullable }));
    },

    async triggers(db, table) {
      const rows = (await db.raw(
        `SELECT tr.name AS name, tr.is_disabled AS disabled FROM sys.triggers tr WHERE tr.parent_id = OBJECT_ID(?)`,
        [`${schema}.${table}`],
      )) as { name: string; disabled: boolean }[];
      return rows.map((r): TriggerInfo => ({ name: r.name, table, enabled: !r.disabled }));
    },

    async serverTime(db) {
      const [r] = (await db.raw('SELECT SYSUTCDATETIME() AS now')) as { now: Date }[];
      return new Date(r!.now);
    },

    async loginRights(db) {
      const tasks = `${quote(schema)}.[TASKS]`;
      const [r] = (await db.raw(
        `SELECT SUSER_SNAME() AS login, USER_NAME() AS db_user, IS_SRVROLEMEMBER('sysadmin') AS sysadmin, IS_ROLEMEMBER('db_owner') AS dbo,
                IS_ROLEMEMBER('db_ddladmin') AS ddladmin, HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'CREATE TABLE') AS create_table,
                HAS_PERMS_BY_NAME(?, 'OBJECT', 'DELETE') AS delete_tasks`,
        [tasks],
      )) as { login: string; db_user: string; sysadmin: number | null; dbo: number | null; ddladmin: number | null; create_table: number | null; delete_tasks: number | null }[];
      const wider = [
        r!.sysadmin === 1 && 'is a sysadmin',
        r!.dbo === 1 && 'is in db_owner',
        r!.ddladmin === 1 && 'is in db_ddladmin',
        r!.create_table === 1 && 'may create tables',
        r!.delete_tasks === 1 && 'may delete activities (DELETE on TASKS)',
      ].filter((w): w is string => Boolean(w));
      // A sysadmin or the database's owner passes every permission check.
      if (r!.sysadmin === 1 || r!.dbo === 1) return { login: r!.login, wider, lacks: { sync: [], migration: [] } };
      return { login: r!.login, wider, lacks: await mssqlLacks(db, schema, r!.db_user) };
    },

    async catalog(db) {
      const objects: CatalogObject[] = [];
      const cols = (await db.raw(
        `SELECT o.name AS tbl, c.name AS col, t.name AS type, c.max_length AS max_length, c.is_nullable AS nullable,
                c.is_identity AS ident, d.definition AS dflt
           FROM sys.tables o JOIN sys.columns c ON c.object_id = o.object_id
           JOIN sys.types t ON t.user_type_id = c.user_type_id
           LEFT JOIN sys.default_constraints d ON d.object_id = c.default_object_id
          WHERE o.schema_id = SCHEMA_ID(?)`,
        [schema],
      )) as { tbl: string; col: string; type: string; max_length: number; nullable: boolean; ident: boolean; dflt: string | null }[];
      for (const r of cols) {
        objects.push({
          kind: 'column',
          table: r.tbl,
          name: r.col,
          detail: `${mssqlType(r.type, r.max_length)}${r.nullable ? '' : ' not null'}${r.ident ? ' identity' : ''}${r.dflt ? ' default ' + r.dflt : ''}`,
        });
      }
      for (const tbl of new Set(cols.map((c) => c.tbl))) objects.push({ kind: 'table', name: tbl, detail: '' });
      const idx = (await db.raw(
        `SELECT o.name AS tbl, i.name AS idx, i.is_unique AS uniq, i.filter_definition AS filt, c.name AS col, ic.key_ordinal AS ord
           FROM sys.indexes i JOIN sys.tables o ON o.object_id = i.object_id
           JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
           JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
          WHERE o.schema_id = SCHEMA_ID(?) AND i.name IS NOT NULL`,
        [schema],
      )) as { tbl: string; idx: string; uniq: boolean; filt: string | null; col: string; ord: number }[];
      const byIndex = new Map<string, typeof idx>();
      for (const r of idx) byIndex.set(`${r.tbl}.${r.idx}`, [...(byIndex.get(`${r.tbl}.${r.idx}`) ?? []), r]);
      for (const rows of byIndex.values()) {
        const first = rows[0]!;
        const colsList = rows.sort((a, b) => a.ord - b.ord).map((r) => r.col).join(',');
        objects.push({ kind: 'index', table: first.tbl, name: first.idx, detail: `${first.uniq ? 'unique ' : ''}(${colsList})${first.filt ? ' where ' + first.filt : ''}` });
      }
      const seqs = (await db.raw(`SELECT name FROM sys.sequences WHERE schema_id = SCHEMA_ID(?)`, [schema])) as { name: string }[];
      for (const s of seqs) objects.push({ kind: 'sequence', name: s.name, detail: '' });
      const trgs = (await db.raw(
        `SELECT tr.name AS name, o.name AS tbl, tr.is_disabled AS disabled, OBJECT_DEFINITION(tr.object_id) AS def
           FROM sys.triggers tr JOIN sys.tables o ON o.object_id = tr.parent_id WHERE o.schema_id = SCHEMA_ID(?)`,
        [schema],
      )) as { name: string; tbl: string; disabled: boolean; def: string | null }[];
      for (const t of trgs) objects.push({ kind: 'trigger', table: t.tbl, name: t.name, detail: `${t.disabled ? 'disabled' : 'enabled'} ${t.def ?? ''}` });
      return objects;
    },

    explainConnectionError(error) {
      const e = error as { code?: string; message?: string; number?: number };
      const message = e?.message ?? '';
      if (e?.code === 'ELOGIN') {
        if (/Cannot open database/i.test(message)) return `SQL Server refused the database: ${message}`;
        return `SQL Server refused the login (check user and password): ${message}`;
      }
      if (e?.code === 'ESOCKET' || e?.code === 'ETIMEOUT' || e?.code === 'EINSTLOOKUP') {
        return `SQL Server is not reachable: ${message}`;
      }
      return undefined;
    },
  };
}

function mssqlType(type: string, maxLength: number): string {
  if (['varchar', 'char', 'varbinary', 'binary'].includes(type)) return `${type}(${maxLength === -1 ? 'max' : maxLength})`;
  if (['nvarchar', 'nchar'].includes(type)) return `${type}(${maxLength === -1 ? 'max' : maxLength / 2})`;
  return type;
}

/**
 * The GRANTs a login (its database user `grantee`) lacks for each role, read with HAS_PERMS_BY_NAME
 * (effective rights: roles and schema grants count). A login sees no metadata of a table it has no
 * right on (OBJECT_ID is NULL), so a table that may be missing (EXTRA_FIELDS on an older Exo,
 * X_NUMERIK_* before `migrate up`) and is not visible is looked for by reading it: error 208 (no
 * such object) means it needs nothing yet; 229 (permission denied) means it is there.
 */
async function mssqlLacks(db: Knex, schema: string, grantee: string): Promise<LackedGrants> {
  const needs = mssqlNeeds();
  const objectName = (name: string) => `${bracket(schema)}.${bracket(name)}`;
  const classOf = (on: Securable) => (on.kind === 'database' ? 'DATABASE' : on.kind === 'schema' ? 'SCHEMA' : 'OBJECT');
  const securable = (on: Securable) => (on.kind === 'table' || on.kind === 'sequence' ? objectName(on.name) : on.kind === 'schema' ? bracket(schema) : null);
  const rows = (await db.raw(
    `SELECT v.n AS n, HAS_PERMS_BY_NAME(COALESCE(v.securable, DB_NAME()), v.class, v.perm) AS granted,
            CASE WHEN v.class = 'OBJECT' AND OBJECT_ID(v.securable) IS NULL THEN 0 ELSE 1 END AS visible
       FROM (VALUES ${needs.map(() => '(?, ?, ?, ?)').join(', ')}) AS v(n, class, securable, perm)`,
    needs.flatMap((need, n) => [n, classOf(need.on), securable(need.on), need.permission]),
  )) as { n: number; granted: number | null; visible: number }[];
  const there = new Map<string, Promise<boolean>>();
  const exists = (name: string) => {
    if (!there.has(name)) {
      there.set(
        name,
        db.raw(`SELECT TOP 0 1 AS present FROM ${objectName(name)}`).then(
          () => true,
          (error: unknown) => (error as { number?: number }).number !== 208,
        ),
      );
    }
    return there.get(name)!;
  };
  const missing: Right[] = [];
  for (const row of rows.sort((a, b) => a.n - b.n)) {
    const need = needs[row.n]!;
    if (row.granted === 1) continue;
    if (need.on.kind === 'table' && !row.visible && !ALWAYS_THERE.has(need.on.name) && !(await exists(need.on.name))) continue;
    missing.push(need);
  }
  const name = plainOr(bracket, /^[A-Za-z_][A-Za-z0-9_]*$/);
  const to = ` TO ${name(grantee)}`;
  return lackedGrants(missing, (on, permissions) => {
    const what = permissions.join(', ');
    if (on.kind === 'database') return `GRANT ${what}${to}`;
    if (on.kind === 'schema') return `GRANT ${what} ON SCHEMA::${name(schema)}${to}`;
    return `GRANT ${what} ON ${name(schema)}.${name(on.name)}${to}`;
  });
}

const bracket = (id: string) => `[${id.replace(/]/g, ']]')}]`;
