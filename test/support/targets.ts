import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { connect, dbOver, type Db } from '../../db/connect.js';
import { resolveTarget, type DbTarget } from '../../db/target.js';
import { accommodate } from './tsql-engine.js';

/**
 * The engines every database test runs on: embedded PGlite always; a PostgreSQL server when
 * EXO_TEST_PG_URL is set (CI sets it); SQL Server when EXO_TEST_MSSQL_URL is set, shown as
 * skipped otherwise so nobody mistakes a green run for a tested SQL Server.
 */
export interface TestTarget {
  name: 'pglite' | 'postgres' | 'mssql';
  skip?: string;
  target(schema: string): DbTarget;
  /** How a child process reaches this database (PGlite: it cannot, it belongs to one process). */
  env?(schema: string): Record<string, string>;
}

export const TARGETS: TestTarget[] = [
  { name: 'pglite', target: (schema) => ({ client: 'pglite', schema }) },
  {
    name: 'postgres',
    skip: process.env.EXO_TEST_PG_URL ? undefined : 'set EXO_TEST_PG_URL to run on a PostgreSQL server',
    target: (schema) => ({ client: 'postgres', url: process.env.EXO_TEST_PG_URL ?? '', schema }),
    env: (schema) => ({ EXO_DB_URL: process.env.EXO_TEST_PG_URL ?? '', EXO_DB_SCHEMA: schema }),
  },
  {
    name: 'mssql',
    skip: process.env.EXO_TEST_MSSQL_URL ? undefined : 'SQL Server live suite skipped: set EXO_TEST_MSSQL_URL to run it',
    target: (schema) => resolveTarget({ client: 'mssql', url: process.env.EXO_TEST_MSSQL_URL ?? '', schema }),
    env: (schema) => ({ EXO_DB_CLIENT: 'mssql', EXO_DB_URL: process.env.EXO_TEST_MSSQL_URL ?? '', EXO_DB_SCHEMA: schema }),
  },
];

/** One engine per test file, and a fresh, empty schema for each `fresh()` call (graphile-worker style). */
export interface TestEngine {
  fresh(): Promise<Db>;
}

/**
 * Declares `suite` once per target, inside a describe named after the target. The engine opens
 * before the suite and every schema it handed out is dropped after it.
 */
export function forEachTarget(
  title: string,
  suite: (engine: TestEngine, target: TestTarget) => void,
  options: { processes?: boolean } = {},
): void {
  for (const t of TARGETS) {
    const skip = t.skip ?? (options.processes && !t.env ? 'PGlite belongs to one process: this runs on a database server' : undefined);
    describe.skipIf(!!skip)(`${title} [${t.name}]${skip ? ` (${skip})` : ''}`, () => {
      let base: Db | undefined;
      const schemas: Db[] = [];
      const engine: TestEngine = {
        async fresh() {
          if (!base) throw new Error('engine not open');
          const schema = `t_${randomBytes(5).toString('hex')}`;
          await base.knex.raw(`CREATE SCHEMA ${base.dialect.quote(schema)}`);
          const db = await accommodate(dbOver(base.knex, { ...base.target, schema }, async () => undefined));
          schemas.push(db);
          return db;
        },
      };
      beforeAll(async () => {
        base = await accommodate(await connect(t.target(t.name === 'mssql' ? 'dbo' : 'public')));
      });
      afterAll(async () => {
        if (!base) return;
        for (const db of schemas) await dropSchema(db);
        await base.close();
      });
      suite(engine, t);
    });
  }
}

/** Drops a test schema and everything in it (SQL Server has no DROP SCHEMA … CASCADE). */
export async function dropSchema(db: Db): Promise<void> {
  const schema = db.target.schema;
  if (db.dialect.name === 'postgres') {
    await db.knex.raw(`DROP SCHEMA ${db.dialect.quote(schema)} CASCADE`);
    return;
  }
  // Sequences from sys.sequences, SQL Server's catalog of them (the same on any T-SQL engine; a
  // sequence an IDENTITY column owns is not one, and goes with its table).
  const objects = await db.query<{ name: string; type: string }>(
    `SELECT x.name AS name, x.type AS type FROM (
       SELECT o.name, CAST(o.type AS varchar(2)) AS type FROM sys.objects o WHERE o.schema_id = SCHEMA_ID(?) AND o.type IN ('U', 'TR')
       UNION ALL
       SELECT s.name, CAST('SO' AS varchar(2)) FROM sys.sequences s WHERE s.schema_id = SCHEMA_ID(?)
     ) x
     ORDER BY CASE x.type WHEN 'TR' THEN 0 WHEN 'U' THEN 1 ELSE 2 END`,
    [schema, schema],
  );
  const kind = { TR: 'TRIGGER', U: 'TABLE', SO: 'SEQUENCE' } as Record<string, string>;
  for (const o of objects) await db.knex.raw(`DROP ${kind[o.type.trim()]} ${db.dialect.qualified(o.name)}`);
  await db.knex.raw(`DROP SCHEMA ${db.dialect.quote(schema)}`);
}
