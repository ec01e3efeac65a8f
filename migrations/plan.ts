import { createHash } from 'node:crypto';
import type { Dialect, Statement } from '../db/dialect/dialect.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { guardContext, guardStatements, type Effect } from './guard/index.js';
import type { Migration, MigrationOptions } from './migration.js';

export type Direction = 'up' | 'down';

export interface PlannedMigration {
  name: string;
  summary: string;
  direction: Direction;
  statements: Statement[];
  /** What each statement does, as the guard proved it. */
  effects: Effect[];
  /** Of the `up` statements, so an applied migration whose statements changed later shows as drift. */
  checksum: string;
  /** Down only: what `migrate down` does before the statements (Migration.beforeDown). */
  before?: string;
}

export function checksum(statements: readonly Statement[]): string {
  const text = statements.map((s) => (s.when ? `${s.sql}\n-- when ${s.when.tableExists}` : s.sql)).join('\n;\n');
  return createHash('sha256').update(text).digest('hex');
}

/** The statements of `migrations` in `direction`, each proven safe by the guard before anything runs. */
export function plan(
  dialect: Dialect,
  options: MigrationOptions,
  migrations: readonly Migration[],
  direction: Direction,
): PlannedMigration[] {
  const ordered = direction === 'up' ? migrations : [...migrations].reverse();
  return ordered.map((m) => {
    const statements = m[direction](dialect, options);
    return {
      name: m.name,
      summary: m.summary,
      direction,
      statements,
      effects: guardStatements(statements, guardContext(dialect)),
      checksum: checksum(m.up(dialect, options)),
      ...(direction === 'down' && m.beforeDown ? { before: m.beforeDown.says } : {}),
    };
  });
}

/** The statement that records (up) or forgets (down) a migration in X_NUMERIK_MIGRATIONS. */
export function historyStatement(dialect: Dialect, m: PlannedMigration): Statement {
  const table = dialect.qualified(OBJECTS.migrations);
  if (m.direction === 'up') {
    return {
      sql:
        `INSERT INTO ${table} (${dialect.quote('NAME')}, ${dialect.quote('CHECKSUM')}, ${dialect.quote('APPLIED_AT')}) ` +
        `VALUES (${dialect.literal(m.name)}, ${dialect.literal(m.checksum)}, ${dialect.now()})`,
    };
  }
  return { sql: `DELETE FROM ${table} WHERE ${dialect.quote('NAME')} = ${dialect.literal(m.name)}` };
}

const ENGINE = { mssql: 'SQL Server', postgres: 'PostgreSQL' } as const;

/** The plan as a DBA reads it: every statement, in order, terminated, with where each migration starts. */
export function renderPlan(dialect: Dialect, planned: readonly PlannedMigration[]): string {
  const lines = [
    `-- exo-numerik: migrate ${planned[0]?.direction ?? 'up'} on ${ENGINE[dialect.name]}, schema ${dialect.schema}`,
    '-- Every statement, as the runner sends it; each passed the migration guard. Each migration runs',
    `-- in one transaction, together with its row in ${OBJECTS.migrations}.`,
  ];
  if (!planned.length) lines.push('-- nothing to do');
  const session = dialect.ddlSession();
  for (const m of planned) {
    lines.push('', `-- ===== ${m.name} (${m.direction}): ${m.summary}`);
    if (m.before) lines.push(`-- before these statements, \`exo-numerik migrate down\` ${m.before}`);
    // As the runner sends them: the session's lock timeout around the migration's own statements.
    for (const s of [...session.begin, ...m.statements, ...session.end]) {
      if (s.when) lines.push(`-- only where ${dialect.qualified(s.when.tableExists)} exists:`);
      lines.push(`${s.sql};`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * A .sql file a DBA can review and run by hand (sqlcmd -b, or SSMS). Batches are separated by GO;
 * each migration is one transaction; after every batch a check stops the script if the transaction
 * is gone (XACT_ABORT rolled it back) or the batch failed to compile, so nothing runs half-applied.
 */
export function renderMssqlScript(dialect: Dialect, planned: readonly PlannedMigration[]): string {
  const direction = planned[0]?.direction ?? 'up';
  const out = [
    `-- exo-numerik migration script: migrate ${direction}, SQL Server 2016 or later, schema ${dialect.schema}`,
    `-- Migrations: ${planned.map((m) => m.name).join(', ') || 'none'}`,
    '-- Run with: sqlcmd -S <server> -d <Exo database> -E -b -i <this file>   (or open in SSMS and press F5)',
    '-- Each migration is one transaction. If any statement fails, that transaction is rolled back,',
    '-- an error is raised, and nothing after it runs (SET NOEXEC ON).',
    '-- Every statement passed the exo-numerik migration guard.',
    'SET XACT_ABORT ON;',
    'SET NOCOUNT ON;',
    '-- Do not queue behind a long Exo query holding TASKS: give up after 5 s and run again later.',
    'SET LOCK_TIMEOUT 5000;',
    'GO',
  ];
  for (const m of planned) {
    const history = historyStatement(dialect, m);
    const statements = direction === 'up' ? [...m.statements, history] : [history, ...m.statements];
    const check = [
      'IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;',
      `IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: ${m.name} failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END`,
      'GO',
    ];
    out.push('', `-- ===== ${m.name} (${direction}): ${m.summary}`);
    if (m.before) out.push(`-- \`exo-numerik migrate down\` ${m.before}; this script cannot, so run that first`);
    out.push('BEGIN TRANSACTION;', 'GO');
    for (const s of statements) out.push(s.sql + ';', 'GO', ...check);
    out.push('COMMIT TRANSACTION;', 'GO');
  }
  out.push('', 'SET NOEXEC OFF;', 'GO');
  return out.join('\n') + '\n';
}
