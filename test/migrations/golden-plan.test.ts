import { describe, expect, it } from 'vitest';
import { mssqlDialect } from '../../db/dialect/mssql/index.js';
import { MSSQL_RUNTIME } from '../../db/dialect/mssql/runtime.js';
import { postgresDialect } from '../../db/dialect/postgres/index.js';
import { taskRow } from '../../db/exo/fixture/seed.js';
import { recordFieldsUpdate } from '../../db/exo/record-fields.js';
import nodeSqlParser from 'node-sql-parser';
import { guardContext, guardStatements } from '../../migrations/guard/index.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../../migrations/migration.js';
import { historyStatement, plan, renderMssqlScript, renderPlan } from '../../migrations/plan.js';
import { MIGRATIONS } from '../../migrations/steps/index.js';
import { expectGolden } from '../support/golden.js';

const mssql = mssqlDialect('dbo');
const postgres = postgresDialect('public');

describe('the migration plan, pinned (every DBA-visible change is a diff of test/golden)', () => {
  it('T-SQL plan, up and down', () => {
    expectGolden('mssql-plan-up.sql', renderPlan(mssql, plan(mssql, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'up')));
    expectGolden('mssql-plan-down.sql', renderPlan(mssql, plan(mssql, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'down')));
  });

  it('T-SQL script for a DBA, up and down', () => {
    expectGolden('mssql-script-up.sql', renderMssqlScript(mssql, plan(mssql, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'up')));
    expectGolden('mssql-script-down.sql', renderMssqlScript(mssql, plan(mssql, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'down')));
  });

  it('PostgreSQL plan, up and down', () => {
    expectGolden('postgres-plan-up.sql', renderPlan(postgres, plan(postgres, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'up')));
    expectGolden('postgres-plan-down.sql', renderPlan(postgres, plan(postgres, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'down')));
  });

  it('T-SQL the sync runs (echo mark, identity read-back, the record fields), each statement read by node-sql-parser', () => {
    const insertQuery = mssql.builder(`dbo.TASKS`).insert(taskRow({ subject: 'x' })).toSQL();
    const fieldsQuery = recordFieldsUpdate(mssql.builder, 'dbo', [{ seqno: 7, state: 'Waiting: customer not linked' }, { seqno: 8, post: 'https://n.example/p/1', state: 'In Numerik' }]).toSQL();
    const lockedQuery = mssql.builder.from(mssql.builder.raw(MSSQL_RUNTIME.lockedRows('[dbo].[TASKS]'))).select('SEQNO', 'DETAILS').where('SEQNO', 7).toSQL();
    const [insert, fields, lockedRead] = [insertQuery.sql, fieldsQuery.sql, lockedQuery.sql];
    // As SQL Server receives them (@p0…): T-SQL that node-sql-parser reads.
    const parser = new nodeSqlParser.Parser();
    // node-sql-parser reads no table hint (WITH (UPDLOCK, ROWLOCK)) and no EXEC (shared/reference/sql-parser-notes.md):
    // the locked read is checked without its hint, the lock statement is pinned here alone.
    const unhinted = { toNative: () => ({ sql: lockedQuery.toNative().sql.replace(' WITH (UPDLOCK, ROWLOCK)', '') }), sql: lockedQuery.sql };
    for (const q of [insertQuery, fieldsQuery, unhinted]) expect(() => parser.astify(q.toNative().sql, { database: 'transactsql' }), q.sql).not.toThrow();
    expect(fields).not.toMatch(/MODIFIED/);
    expectGolden(
      'mssql-runtime.sql',
      [
        '-- mark a transaction as the inbound writer (the capture trigger skips its writes)',
        MSSQL_RUNTIME.markEcho,
        MSSQL_RUNTIME.clearEcho,
        "-- one record's commit: lock waits bounded, the record's application lock, the row re-read under an update lock",
        MSSQL_RUNTIME.lockRecord(5000),
        lockedRead,
        '-- insert an activity and read its SEQNO back, with a trigger on TASKS',
        insert + MSSQL_RUNTIME.identityReadBack('SEQNO'),
        "-- an activity's post link and sync state, for a batch at once (nothing else of the row)",
        fields,
        '',
      ].join('\n'),
    );
  });

  it('every statement in the T-SQL script passes the guard, history rows included', () => {
    for (const direction of ['up', 'down'] as const) {
      const planned = plan(mssql, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, direction);
      const effects = guardStatements([...planned.flatMap((m) => m.statements), ...planned.map((m) => historyStatement(mssql, m))], guardContext(mssql));
      expect(effects.length).toBe(planned.flatMap((m) => m.statements).length + planned.length);
    }
  });

  it('a different EXTRA_FIELDS configuration changes only the registration row', () => {
    const options = { ...DEFAULT_MIGRATION_OPTIONS, extraField: { ...DEFAULT_MIGRATION_OPTIONS.extraField, displayName: 'Dateien', controlType: 7 } };
    const a = renderPlan(mssql, plan(mssql, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'up')).split('\n');
    const b = renderPlan(mssql, plan(mssql, options, MIGRATIONS, 'up')).split('\n');
    const changed = b.filter((line, i) => line !== a[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^IF OBJECT_ID\(N'dbo.EXTRA_FIELDS'.*N'Dateien', NULL, NULL, 7,/);
  });
});
