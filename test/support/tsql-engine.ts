import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import type { CatalogObject, ColumnInfo } from '../../db/dialect/dialect.js';

/**
 * The T-SQL engine the SQL Server live suite may run on instead of a SQL Server: Babelfish for
 * PostgreSQL (CI starts it from ../shared/tsql; its README lists where it differs, E1…E14). It is not
 * SQL Server, and SQL Server's documented behaviour is what the tests assert. Where the engine
 * demonstrably deviates from it, and only there, this file — the one place in the test support
 * that knows the engine — makes it behave, or read, as SQL Server does. Each accommodation names
 * its deviation and the SQL Server behaviour it stands in for. On a real SQL Server none applies:
 * `accommodate` returns the Db as it was. The product never sees any of this.
 */

const engines = new WeakMap<Knex, Promise<boolean>>();

/** Whether this knex talks to Babelfish (`@@VERSION` says so; SQL Server's never does). */
export function isBabelfish(knex: Knex): Promise<boolean> {
  let known = engines.get(knex);
  if (!known) {
    known = knex.raw('SELECT @@VERSION AS version').then((rows: { version: string }[]) => /Babelfish/i.test(rows[0]?.version ?? ''));
    engines.set(knex, known);
  }
  return known;
}

/** A Db that reads the engine as SQL Server would be read; the knex is accommodated as well. */
export async function accommodate(db: Db): Promise<Db> {
  if (db.dialect.name !== 'mssql' || !(await isBabelfish(db.knex))) return db;
  keepTriggersOnDropColumn(db.knex);
  const dialect = db.dialect;
  return {
    ...db,
    dialect: {
      ...dialect,
      catalog: async (knex) => catalogAsCreated(knex, db.target.schema, await dialect.catalog(knex)),
      columns: async (knex, table) => columnNamesAsCreated(knex, db.target.schema, table, await dialect.columns(knex, table)),
    },
  };
}

/**
 * E2: the engine's sys.indexes shows an index's name rewritten: lower-cased, followed by its
 * table's name and the md5 of the name given (`x_numerik_log_kindx_numerik_log7f36…`), and when that
 * is longer than 63 characters, its first 31 followed by the md5 of all of it. SQL Server's
 * sys.indexes shows the name given in CREATE INDEX. The name given is taken from the CREATE INDEX
 * statements this process ran (`createdIndexes`, in the case given), or else read back from the
 * rewritten one where it can be (the hash of what precedes the table's name is its own; lower-cased,
 * E4).
 */
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const unquoted = (name: string) => name.replace(/^\[|\]$/g, '').replace(/\]\]/g, ']');
const lastPart = (qualifiedName: string) => unquoted(/(\[[^\]]+\]|[^.[\]\s]+)\s*$/.exec(qualifiedName)?.[1] ?? qualifiedName);
function engineIndexName(index: string, table: string): string {
  const name = `${index.toLowerCase()}${table.toLowerCase()}${md5(index.toLowerCase())}`;
  return name.length > 63 ? `${name.slice(0, 31)}${md5(name)}` : name;
}
/** Engine's name of an index, on its table (lower-cased) → the name its CREATE INDEX gave. */
const createdIndexes = new Map<string, string>();
function noteCreatedIndexes(sql: string): void {
  for (const m of sql.matchAll(/\bCREATE\s+(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+)?INDEX\s+(\[[^\]]+\]|[\w$#]+)\s+ON\s+((?:\[[^\]]+\]|[\w$#]+)(?:\s*\.\s*(?:\[[^\]]+\]|[\w$#]+))*)/gi)) {
    const index = unquoted(m[1]!);
    const table = lastPart(m[2]!);
    createdIndexes.set(`${table.toLowerCase()}:${engineIndexName(index, table)}`, index);
  }
}
function indexNameAsCreated(o: CatalogObject): CatalogObject {
  if (o.kind !== 'index' || !o.table) return o;
  const table = o.table.toLowerCase();
  const noted = createdIndexes.get(`${table}:${o.name}`);
  if (noted) return { ...o, name: noted };
  const whole = o.name.length > 32 + table.length ? o.name.slice(0, -32 - table.length) : undefined;
  if (whole && o.name === engineIndexName(whole, table)) return { ...o, name: whole };
  return o;
}

/**
 * E4: the engine's catalog views (sys.tables, sys.columns, sys.triggers, sys.indexes) show names
 * lower-cased. SQL Server's show them as created (`X_NUMERIK_QUEUE`, `X_NUMERIK_FOLDER`). The
 * engine's INFORMATION_SCHEMA keeps tables' and columns' names as created, a trigger's definition
 * its name, and an index's CREATE INDEX its name (E2): the names are taken from there. Sequences and
 * constraints keep the engine's case (nothing of the engine remembers theirs); every name compares
 * without case, as under SQL Server's default collation.
 */
async function namesAsCreated(knex: Knex, schema: string) {
  const rows = (await knex.raw('SELECT TABLE_NAME AS tbl, COLUMN_NAME AS col FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ?', [schema])) as { tbl: string; col: string }[];
  const tables = new Map(rows.map((r) => [r.tbl.toLowerCase(), r.tbl]));
  const columns = new Map(rows.map((r) => [`${r.tbl.toLowerCase()}:${r.col.toLowerCase()}`, r.col]));
  return {
    table: (name: string) => tables.get(name.toLowerCase()) ?? name,
    column: (table: string, name: string) => columns.get(`${table.toLowerCase()}:${name.toLowerCase()}`) ?? name,
  };
}

async function catalogAsCreated(knex: Knex, schema: string, objects: CatalogObject[]): Promise<CatalogObject[]> {
  const names = await namesAsCreated(knex, schema);
  return objects.map((engine) => {
    const o = indexNameAsCreated(engine);
    const table = o.table === undefined ? undefined : names.table(o.table);
    switch (o.kind) {
      case 'table':
        return { ...o, name: names.table(o.name) };
      case 'column':
        return { ...o, table, name: names.column(o.table ?? '', o.name) };
      case 'trigger': {
        const created = /\bCREATE\s+TRIGGER\s+(?:(?:\[[^\]]+\]|[\w$#]+)\s*\.\s*)?(\[[^\]]+\]|[\w$#]+)/i.exec(o.detail)?.[1];
        return { ...o, table, name: created && unquoted(created).toLowerCase() === o.name.toLowerCase() ? unquoted(created) : o.name };
      }
      default:
        return { ...o, table };
    }
  });
}

async function columnNamesAsCreated(knex: Knex, schema: string, table: string, columns: ColumnInfo[]): Promise<ColumnInfo[]> {
  const names = await namesAsCreated(knex, schema);
  return columns.map((c) => ({ ...c, name: names.column(table, c.name) }));
}

/** What knex's mssql client hands its driver: the statement and its bindings; `response` the rows that came back. */
interface DriverQuery {
  sql: string;
  bindings?: unknown[];
  response?: { value: unknown }[][];
}
type DriverClient = { _query(connection: unknown, query: DriverQuery): Promise<DriverQuery> };

const accommodated = new WeakSet<object>();

/**
 * E3: on the engine `ALTER TABLE … DROP COLUMN` also drops the table's triggers. On SQL Server
 * triggers stay (a trigger naming the dropped column fails when it next fires, not when the column
 * goes). So around a statement that drops a column, the table's triggers are read first and any
 * that went with the column are created again from their own definition, disabled if they were:
 * on the same connection, inside the statement's transaction, so a rollback undoes both alike.
 *
 * knex runs a transaction's statements on a client made from its client's class, so the class of
 * this one knex's client is replaced by a subclass doing this (no other knex is touched).
 */
function keepTriggersOnDropColumn(knex: Knex): void {
  const client = knex.client as DriverClient & object;
  if (accommodated.has(client)) return;
  accommodated.add(client);
  const Base = client.constructor as new (...args: never[]) => DriverClient;
  class KeepsTriggers extends Base {
    override async _query(connection: unknown, query: DriverQuery): Promise<DriverQuery> {
      noteCreatedIndexes(query.sql);
      const table = /\bALTER\s+TABLE\s+((?:\[[^\]]+\]|[\w$#]+)(?:\s*\.\s*(?:\[[^\]]+\]|[\w$#]+))*)\s+DROP\s+COLUMN\b/i.exec(query.sql)?.[1];
      if (!table) return super._query(connection, query);
      const triggersOf = async () =>
        ((await super._query(connection, {
          sql: 'SELECT tr.name AS name, tr.is_disabled AS disabled, OBJECT_DEFINITION(tr.object_id) AS definition FROM sys.triggers tr WHERE tr.parent_id = OBJECT_ID(@p0)',
          bindings: [table],
        })).response ?? []).map(([name, disabled, definition]) => ({ name: String(name!.value), disabled: Boolean(disabled!.value), definition: definition!.value as string | null }));
      const before = await triggersOf();
      const done = await super._query(connection, query);
      const after = new Set((await triggersOf()).map((t) => t.name.toLowerCase()));
      const schema = /^(.*)\.[^.]+$/.exec(table)?.[1];
      for (const t of before) {
        if (after.has(t.name.toLowerCase()) || !t.definition) continue;
        await super._query(connection, { sql: t.definition, bindings: [] });
        if (t.disabled) await super._query(connection, { sql: `DISABLE TRIGGER ${schema ? `${schema}.` : ''}[${t.name}] ON ${table}`, bindings: [] });
      }
      return done;
    }
  }
  Object.setPrototypeOf(client, KeepsTriggers.prototype);
}

/**
 * E6: on the engine, a `NEXT VALUE FOR` that fetches a new cache block of its sequence overwrites
 * `@@IDENTITY` and `SCOPE_IDENTITY()` — and the capture trigger's queue row takes its ID from a
 * sequence (CACHE 100), so the first single-row INSERT into TASKS after up (a fresh sequence, no
 * block yet) reads back the queue's ID instead of the new SEQNO (seen: @@IDENTITY 1, the queue's first
 * ID, after an INSERT whose SEQNO was 51). On SQL Server neither function
 * changes: `SCOPE_IDENTITY()` is the last identity value inserted in the same scope and
 * `@@IDENTITY` the last identity value of the session, and a sequence is no identity (Microsoft
 * docs, SCOPE_IDENTITY and @@IDENTITY; CREATE SEQUENCE). So the Exo-style INSERTs a test makes
 * before asserting them: none on SQL Server (the first INSERT after up is asserted), one on the
 * engine (it fetches the block; the INSERTs after it, within the block's 100, are asserted).
 */
export async function exoInsertsBeforeIdentityHolds(knex: Knex): Promise<number> {
  return (await isBabelfish(knex)) ? 1 : 0;
}

/**
 * E3 again, for a script run batch by batch on one TDS session (the DBA's path, as sqlcmd runs it):
 * on the engine a batch that drops a column of a table also drops the table's triggers, and a later
 * batch of the script (`DROP TRIGGER`) then fails. On SQL Server triggers stay. So on the engine a
 * batch holding `ALTER TABLE … DROP COLUMN` is run between reading the table's triggers and
 * creating again, from their own definition (disabled if they were), any that went with the column:
 * on the same session, inside the script's open transaction. Elsewhere the batch is run as it is.
 */
export async function runBatchKeepingTriggers(
  run: (batch: string) => Promise<Record<string, unknown>[]>,
  batch: string,
  onEngine: boolean,
): Promise<void> {
  const table = onEngine ? /\bALTER\s+TABLE\s+((?:\[[^\]]+\]|[\w$#]+)(?:\s*\.\s*(?:\[[^\]]+\]|[\w$#]+))*)\s+DROP\s+COLUMN\b/i.exec(batch)?.[1] : undefined;
  if (!table) {
    await run(batch);
    return;
  }
  const triggersOf = async () =>
    (await run(
      `SELECT tr.name AS name, tr.is_disabled AS disabled, OBJECT_DEFINITION(tr.object_id) AS definition FROM sys.triggers tr WHERE tr.parent_id = OBJECT_ID(N'${table.replace(/'/g, "''")}')`,
    )).map((r) => ({ name: String(r.name), disabled: Boolean(r.disabled), definition: r.definition as string | null }));
  const before = await triggersOf();
  await run(batch);
  const after = new Set((await triggersOf()).map((t) => t.name.toLowerCase()));
  const schema = /^(.*)\.[^.]+$/.exec(table)?.[1];
  for (const t of before) {
    if (after.has(t.name.toLowerCase()) || !t.definition) continue;
    await run(t.definition);
    if (t.disabled) await run(`DISABLE TRIGGER ${schema ? `${schema}.` : ''}[${t.name}] ON ${table}`);
  }
}
