import knexFactory, { type Knex } from 'knex';
import type {
  CaptureSpec,
  CatalogObject,
  ColumnInfo,
  Dialect,
  KeyedTable,
  TriggerInfo,
} from './dialect.js';
import { databaseCause } from './error-cause.js';
import { lackedGrants, plainOr, postgresNeeds, type LackedGrants } from './login-rights.js';
import { literalText, sharedDdl } from './shared-ddl.js';

/** The transaction-local setting our inbound writer sets; `set_config(…, true)` ends with the transaction. */
export const ECHO_SETTING = 'exo_numerik.echo';

const EVENTS = [
  { op: 'INSERT', suffix: 'INS', referencing: 'REFERENCING NEW TABLE AS "x_numerik_new"' },
  { op: 'UPDATE', suffix: 'UPD', referencing: 'REFERENCING OLD TABLE AS "x_numerik_old" NEW TABLE AS "x_numerik_new"' },
  { op: 'DELETE', suffix: 'DEL', referencing: 'REFERENCING OLD TABLE AS "x_numerik_old"' },
] as const;

/**
 * PostgreSQL 15+ and PGlite: the stand-in for SQL Server on machines without one. Statement-level
 * triggers with transition tables give the same set-based capture as SQL Server's inserted/deleted.
 */
export function postgresDialect(schema: string): Dialect {
  const builder = knexFactory({ client: 'pg' });
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const qualified = (name: string) => `${quote(schema)}.${quote(name)}`;
  const { toStatements, ...ddl } = sharedDdl(builder, schema, qualified, quote);

  const captureFunction = (spec: CaptureSpec, event: (typeof EVENTS)[number]) => {
    const key = quote(spec.key);
    const col = (alias: string, c: string) => `${alias}.${quote(c)}`;
    const source =
      event.op === 'INSERT'
        ? { from: `"x_numerik_new" AS i`, id: `i.${key}`, op: `'I'`, changed: [] as string[] }
        : event.op === 'DELETE'
          ? { from: `"x_numerik_old" AS d`, id: `d.${key}`, op: `'D'`, changed: [] as string[] }
          : {
              from: `"x_numerik_new" AS i FULL OUTER JOIN "x_numerik_old" AS d ON d.${key} = i.${key}`,
              id: `COALESCE(i.${key}, d.${key})`,
              op: `CASE WHEN d.${key} IS NULL THEN 'I' WHEN i.${key} IS NULL THEN 'D' ELSE 'U' END`,
              changed: [
                `i.${key} IS NULL OR d.${key} IS NULL`,
                ...spec.watched.map(({ name }) => `${col('i', name)} IS DISTINCT FROM ${col('d', name)}`),
              ],
            };
    const where = [`COALESCE(current_setting('${ECHO_SETTING}', true), '') <> 'on'`];
    if (source.changed.length) where.push(`(${source.changed.join('\n            OR ')})`);
    const queueRows =
      `    INSERT INTO ${qualified(spec.queue)} ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")\n` +
      `        SELECT ${source.id}, ${source.op}, 'ready', 0, now(), now()\n` +
      `        FROM ${source.from}\n`;
    // As on SQL Server: a statement of one row gets its queue row; a bigger one, one row of its
    // changed keys as a JSON array of numbers (json_build_object per key, to match FOR JSON PATH's
    // objects, costs a tenth more of the statement), split into queue rows by the worker.
    const touched = `(SELECT count(*) FROM "${event.op === 'DELETE' ? 'x_numerik_old' : 'x_numerik_new'}")`;
    const indent = (text: string) => text.replace(/^(?=.)/gm, '    ');
    const body = spec.sets
      ? `    IF ${touched} = 1 THEN\n` +
        indent(queueRows + `        WHERE ${where.join('\n          AND ')};\n`) +
        `    ELSE\n` +
        indent(
          `    INSERT INTO ${qualified(spec.sets)} ("OPERATION", "KEYS", "FANNED_OUT", "QUEUED_AT")\n` +
            `        SELECT '${event.op[0]}', CAST(json_agg(${source.id}) AS text), 0, now()\n` +
            `        FROM ${source.from}\n` +
            `        WHERE ${where.join('\n          AND ')}\n` +
            `        HAVING count(*) > 0;\n`,
        ) +
        `    END IF;\n`
      : queueRows + `        WHERE ${where.join('\n          AND ')};\n`;
    return (
      `CREATE FUNCTION ${qualified(`${spec.triggerName}_${event.suffix}`)}() RETURNS trigger LANGUAGE plpgsql AS $$\n` +
      `BEGIN\n` +
      body +
      `    RETURN NULL;\n` +
      `END\n$$`
    );
  };

  return {
    name: 'postgres',
    parserMode: 'postgresql',
    schema,
    builder,
    qualified,
    quote,
    ...ddl,

    createKeyedTable(table: KeyedTable) {
      return [
        { sql: `CREATE SEQUENCE ${qualified(table.sequence)} AS bigint CACHE 100` },
        ...toStatements(
          builder.schema.withSchema(schema).createTable(table.name, (t) => {
            t.bigInteger(table.key).notNullable().defaultTo(builder.raw(`nextval('${qualified(table.sequence)}')`));
            table.build(t);
            t.primary([table.key], { constraintName: `${table.name}_PK` });
          }),
        ),
      ];
    },

    tuneQueueTable() {
      return [];
    },

    refuseWhileRows(table, message) {
      // RAISE reads % as a placeholder, so the message is passed as USING MESSAGE, taken as it is.
      return [{ sql: `DO $$ BEGIN IF EXISTS (SELECT 1 FROM ${qualified(table)}) THEN RAISE EXCEPTION USING MESSAGE = '${literalText(message)}'; END IF; END $$` }];
    },

    storeUncompressed(table, column) {
      return [{ sql: `ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column)} SET STORAGE EXTERNAL` }];
    },

    captureTriggerUp(spec) {
      return EVENTS.flatMap((event) => [
        { sql: captureFunction(spec, event) },
        {
          sql:
            `CREATE TRIGGER ${quote(`${spec.triggerName}_${event.suffix}`)} AFTER ${event.op} ON ${qualified(spec.table)} ` +
            `${event.referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(`${spec.triggerName}_${event.suffix}`)}()`,
        },
      ]);
    },

    captureTriggerDown(spec) {
      return EVENTS.flatMap((event) => [
        { sql: `DROP TRIGGER ${quote(`${spec.triggerName}_${event.suffix}`)} ON ${qualified(spec.table)}` },
        { sql: `DROP FUNCTION ${qualified(`${spec.triggerName}_${event.suffix}`)}()` },
      ]);
    },

    captureTriggerNames(spec) {
      return EVENTS.map((event) => `${spec.triggerName}_${event.suffix}`);
    },

    addColumn(table, column, type) {
      return { sql: `ALTER TABLE ${qualified(table)} ADD COLUMN ${quote(column)} ${type} NULL` };
    },

    exoType(tsqlType, options) {
      const type = tsqlType
        .replace(/^INT$/i, 'integer')
        .replace(/^DATETIME$/i, 'timestamp(3)')
        .replace(/^IMAGE$/i, 'bytea')
        .replace(/^NVARCHAR\((\d+)\)$/i, 'varchar($1)')
        .replace(/^FLOAT\(53\)$/i, 'double precision')
        .toLowerCase();
      return options?.identity ? `${type} GENERATED BY DEFAULT AS IDENTITY` : type;
    },

    ifTableExists(table, sql) {
      return { sql, when: { tableExists: table } };
    },

    literal(value) {
      if (value === null) return 'NULL';
      if (typeof value === 'number') return String(value);
      return `'${value.replace(/'/g, "''")}'`;
    },

    now() {
      return 'now()';
    },

    secondsSince(expression) {
      // The work tables' times are now() cast to timestamp: LOCALTIMESTAMP is the same clock.
      return `EXTRACT(EPOCH FROM (LOCALTIMESTAMP - ${expression}))`;
    },

    ddlSession() {
      return { begin: [{ sql: "SET LOCAL lock_timeout = '5s'" }], end: [] };
    },

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

    async lockRecord(trx, resource, timeoutMs) {
      // One statement: set_config(…, true) lasts to the transaction's end and bounds the lock's own wait.
      await trx.raw(`SELECT set_config('lock_timeout', ?, true), pg_advisory_xact_lock(hashtextextended(?, 0))`, [`${timeoutMs}ms`, resource]);
    },

    lockedRows(trx, table) {
      return trx(`${schema}.${table}`).forUpdate();
    },

    isLockTimeout(error) {
      return (error as { code?: string })?.code === '55P03';
    },

    async claim(db, table, { worker, limit, leaseMs, lane }) {
      const t = qualified(table);
      const ready = `"STATE" IN ('ready', 'claimed') AND "NEXT_ATTEMPT_AT" <= now()`;
      const inLane = lane ? ` AND ${quote(lane.column)} ${lane.not ? '<>' : '='} ?` : '';
      // The pick is a CTE, evaluated once: as an IN (subquery), the planner may run it again for each
      // row it updates, each run skipping the rows this statement already changed and locking the
      // next ones, until every ready row was claimed whatever the limit.
      const result = await db.raw(
        `WITH picked AS MATERIALIZED (SELECT "ID" FROM ${t} WHERE ${ready}${inLane} ORDER BY "ID" LIMIT ? FOR UPDATE SKIP LOCKED)
         UPDATE ${t} AS q SET "STATE" = 'claimed', "CLAIMED_BY" = ?, "ATTEMPTS" = q."ATTEMPTS" + 1,
                "LEASE_UNTIL" = now() + (? * interval '1 millisecond'), "NEXT_ATTEMPT_AT" = now() + (? * interval '1 millisecond')
           FROM picked
          WHERE q."ID" = picked."ID"
            AND q.${ready.replace(' AND "', ' AND q."')}
          RETURNING q.*`,
        [...(lane ? [lane.value] : []), limit, worker, leaseMs, leaseMs],
      );
      return rowsOf<Record<string, unknown>>(result);
    },

    nowPlusMs() {
      return `now() + (? * interval '1 millisecond')`;
    },

    async codePage() {
      return 'cp1252';
    },

    isUniqueViolation(error) {
      return (error as { code?: string })?.code === '23505';
    },

    permanentError(error) {
      const code = (error as { code?: unknown })?.code;
      // Class 22: data exceptions (too long, out of range, invalid text); 23: integrity (a unique
      // key that another writer took first is a race, not a refusal).
      if (typeof code !== 'string' || !/^2[23]/.test(code) || code === '23505') return undefined;
      return databaseCause(error);
    },

    rows: rowsOf,

    async tableExists(db, table) {
      const result = await db.raw('SELECT to_regclass(?) AS id', [qualified(table)]);
      return rowsOf<{ id: string | null }>(result)[0]?.id != null;
    },

    async columns(db, table) {
      const result = await db.raw(
        `SELECT column_name AS name, data_type AS type, character_maximum_length AS len, is_nullable AS nullable
           FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`,
        [schema, table],
      );
      return rowsOf<{ name: string; type: string; len: number | null; nullable: string }>(result).map(
        (r): ColumnInfo => ({ name: r.name, type: r.len ? `${r.type}(${r.len})` : r.type, nullable: r.nullable === 'YES' }),
      );
    },

    async triggers(db, table) {
      const result = await db.raw(
        `SELECT t.tgname AS name, t.tgenabled AS enabled
           FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE NOT t.tgisinternal AND n.nspname = ? AND c.relname = ?`,
        [schema, table],
      );
      return rowsOf<{ name: string; enabled: string }>(result).map(
        (r): TriggerInfo => ({ name: r.name, table, enabled: r.enabled !== 'D' }),
      );
    },

    async serverTime(db) {
      const [r] = rowsOf<{ now: Date }>(await db.raw('SELECT now() AS now'));
      return new Date(r!.now);
    },

    async loginRights(db) {
      const [r] = rowsOf<{ login: string; super: boolean; createrole: boolean; createdb: boolean; create_in_schema: boolean; delete_tasks: boolean | null }>(
        await db.raw(
          `SELECT current_user AS login, r.rolsuper AS super, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
                  has_schema_privilege(?, 'CREATE') AS create_in_schema,
                  CASE WHEN NOT has_schema_privilege(?, 'USAGE') THEN NULL WHEN to_regclass(?) IS NULL THEN NULL
                       ELSE has_table_privilege(?, 'DELETE') END AS delete_tasks
             FROM pg_roles r WHERE r.rolname = current_user`,
          [schema, schema, `${quote(schema)}."TASKS"`, `${quote(schema)}."TASKS"`],
        ),
      );
      const wider = [
        r!.super && 'is a superuser',
        r!.createrole && 'may create roles',
        r!.createdb && 'may create databases',
        r!.create_in_schema && `may create objects in schema ${schema}`,
        r!.delete_tasks && 'may delete activities (DELETE on TASKS)',
      ].filter((w): w is string => Boolean(w));
      return { login: r!.login, wider, lacks: await postgresLacks(db, schema, r!.login) };
    },

    async catalog(db) {
      const objects: CatalogObject[] = [];
      const cols = rowsOf<{ tbl: string; col: string; type: string; len: number | null; nullable: string; dflt: string | null; ident: string }>(
        await db.raw(
          `SELECT c.table_name AS tbl, c.column_name AS col, c.data_type AS type, c.character_maximum_length AS len,
                  c.is_nullable AS nullable, c.column_default AS dflt, c.is_identity AS ident
             FROM information_schema.columns c JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = ?`,
          [schema],
        ),
      );
      for (const r of cols) {
        objects.push({
          kind: 'column',
          table: r.tbl,
          name: r.col,
          detail: `${r.len ? `${r.type}(${r.len})` : r.type}${r.nullable === 'YES' ? '' : ' not null'}${r.ident === 'YES' ? ' identity' : ''}${r.dflt ? ' default ' + r.dflt : ''}`,
        });
      }
      for (const tbl of new Set(cols.map((c) => c.tbl))) objects.push({ kind: 'table', name: tbl, detail: '' });
      const idx = rowsOf<{ tbl: string; idx: string; def: string }>(
        await db.raw(`SELECT tablename AS tbl, indexname AS idx, indexdef AS def FROM pg_indexes WHERE schemaname = ?`, [schema]),
      );
      for (const r of idx) objects.push({ kind: 'index', table: r.tbl, name: r.idx, detail: r.def });
      const seqs = rowsOf<{ name: string }>(
        await db.raw(`SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = ?`, [schema]),
      );
      for (const s of seqs) objects.push({ kind: 'sequence', name: s.name, detail: '' });
      const trgs = rowsOf<{ name: string; tbl: string; enabled: string; def: string }>(
        await db.raw(
          `SELECT t.tgname AS name, c.relname AS tbl, t.tgenabled AS enabled, pg_get_triggerdef(t.oid) AS def
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname = ?`,
          [schema],
        ),
      );
      for (const t of trgs) objects.push({ kind: 'trigger', table: t.tbl, name: t.name, detail: `${t.enabled === 'D' ? 'disabled' : 'enabled'} ${t.def}` });
      const fns = rowsOf<{ name: string; src: string }>(
        await db.raw(
          `SELECT p.proname AS name, p.prosrc AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?`,
          [schema],
        ),
      );
      for (const f of fns) objects.push({ kind: 'function', name: f.name, detail: f.src });
      return objects;
    },

    explainConnectionError(error) {
      const e = error as { code?: string; message?: string };
      const message = e?.message ?? String(error);
      if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'ETIMEDOUT' || e?.code === 'EHOSTUNREACH') {
        return `PostgreSQL is not reachable: ${message}`;
      }
      if (e?.code === '28P01' || e?.code === '28000') return `PostgreSQL refused the login (check user and password): ${message}`;
      if (e?.code === '3D000') return `PostgreSQL has no such database: ${message}`;
      return undefined;
    },
  };
}

/** knex's pg and PGlite clients return `{ rows }` from raw queries. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * The GRANTs the current role lacks for each role (superusers pass every check). Tables are found in
 * the catalog, which every role may read; one that does not exist yet needs nothing. Changing TASKS
 * takes membership in its owning role.
 */
async function postgresLacks(db: Knex, schema: string, login: string): Promise<LackedGrants> {
  const pgQuote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const name = plainOr(pgQuote, /^[a-z_][a-z0-9_]*$/);
  const needs = postgresNeeds();
  const relation = `(SELECT c.oid FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = ? AND c.relname = v.obj)`;
  const rows = rowsOf<{ n: number; granted: boolean | null }>(
    await db.raw(
      `SELECT v.n AS n, CASE v.kind
                WHEN 'schema' THEN has_schema_privilege(?, v.perm)
                WHEN 'table' THEN has_table_privilege(${relation}, v.perm)
                ELSE has_sequence_privilege(${relation}, v.perm) END AS granted
         FROM json_to_recordset(?::json) AS v(n int, kind text, obj text, perm text)`,
      [schema, schema, schema, JSON.stringify(needs.map((need, n) => ({ n, kind: need.on.kind, obj: 'name' in need.on ? need.on.name : null, perm: need.permission })))],
    ),
  );
  const missing = rows
    .filter((row) => row.granted === false)
    .sort((a, b) => a.n - b.n)
    .map((row) => needs[row.n]!);
  const to = ` TO ${name(login)}`;
  const lacks = lackedGrants(missing, (on, permissions) => {
    const what = permissions.join(', ');
    if (on.kind === 'schema' || on.kind === 'database') return `GRANT ${what} ON SCHEMA ${name(schema)}${to}`;
    return `GRANT ${what} ON ${on.kind === 'sequence' ? 'SEQUENCE ' : ''}${name(schema)}.${name(on.name)}${to}`;
  });
  const [owner] = rowsOf<{ owner: string; owns: boolean }>(
    await db.raw(
      `SELECT pg_get_userbyid(c.relowner) AS owner, pg_has_role(c.relowner, 'USAGE') AS owns
         FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = ? AND c.relname = 'TASKS'`,
      [schema],
    ),
  );
  if (owner && !owner.owns) lacks.migration.push(`GRANT ${name(owner.owner)}${to}`);
  return lacks;
}
