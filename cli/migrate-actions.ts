import { writeFileSync } from 'node:fs';
import { migrationOptions } from '../config/schema.js';
import type { Dialect } from '../db/dialect/dialect.js';
import { mssqlDialect } from '../db/dialect/mssql/index.js';
import { postgresDialect } from '../db/dialect/postgres/index.js';
import { checkExoSchema } from '../db/exo/check.js';
import { describeTarget } from '../db/target.js';
import { migrationStatus } from '../migrations/drift.js';
import { MIGRATIONS } from '../migrations/steps/index.js';
import { plan, renderMssqlScript, renderPlan, type Direction } from '../migrations/plan.js';
import { Migrator } from '../migrations/runner.js';
import { DRIFT_EXIT_CODE } from './commands/migrate.js';
import { confirm } from './confirm.js';
import type { CliContext } from './context.js';


function offlineDialect(ctx: CliContext, name: string | undefined, schema: string | undefined): Dialect {
  if (name === 'mssql') return mssqlDialect(schema ?? 'dbo');
  if (name === 'postgres') return postgresDialect(schema ?? 'public');
  if (name) throw new Error(`--dialect must be mssql or postgres, not "${name}"`);
  const target = ctx.target();
  return target.client === 'mssql' ? mssqlDialect(schema ?? target.schema) : postgresDialect(schema ?? target.schema);
}

export function printPlan(c: CliContext, opts: { dialect?: string; schema?: string; down?: boolean }): void {
  const dialect = offlineDialect(c, opts.dialect, opts.schema);
  process.stdout.write(renderPlan(dialect, plan(dialect, migrationOptions(c.config), MIGRATIONS, opts.down ? 'down' : 'up')));
}

export async function writeScript(c: CliContext, opts: { schema: string; down?: boolean; pending?: boolean; out?: string }): Promise<void> {
  const direction: Direction = opts.down ? 'down' : 'up';
  let dialect = mssqlDialect(opts.schema);
  let planned = plan(dialect, migrationOptions(c.config), MIGRATIONS, direction);
  if (opts.pending) {
    planned = await c.withDb(async (db) => {
      dialect = mssqlDialect(db.target.schema);
      const migrator = new Migrator(db, { options: migrationOptions(c.config) });
      return direction === 'up' ? migrator.pending() : migrator.toRevert({ all: true });
    });
  }
  const file = opts.out ?? `exo-numerik-migrate-${direction}.sql`;
  writeFileSync(file, renderMssqlScript(dialect, planned));
  const count = planned.reduce((n, m) => n + m.statements.length, 0);
  console.log(`wrote ${file}: ${count} statements in ${planned.length} migration(s)${planned.length ? ` (${planned.map((m) => m.name).join(', ')})` : ''}`);
}

export async function migrateUp(c: CliContext, opts: { yes?: boolean }): Promise<void> {
  await c.withDb(async (db) => {
    const migrator = new Migrator(db, { options: migrationOptions(c.config), onMigration: (m) => console.log(`applying ${m.name}: ${m.summary}`) });
    await checkExoSchema(db);
    const pending = await migrator.pending();
    if (!pending.length) return console.log(`nothing to apply: ${describeTarget(db.target)} is up to date`);
    const count = pending.reduce((n, m) => n + m.statements.length, 0);
    if (db.target.client !== 'pglite') {
      await confirm(`Apply ${pending.length} migration(s), ${count} statements, to ${describeTarget(db.target)}? Review them first with \`migrate plan\`.`, opts.yes);
    }
    const applied = await migrator.up();
    console.log(`applied ${applied.length} migration(s): ${applied.join(', ')}`);
  }, () => c.openMigrationDb({ create: true }));
}

export async function migrateDown(c: CliContext, opts: { to?: string; all?: boolean; yes?: boolean }): Promise<void> {
  await c.withDb(async (db) => {
    const migrator = new Migrator(db, { options: migrationOptions(c.config), onMigration: (m) => console.log(`reverting ${m.name}`) });
    const reverting = await migrator.toRevert(opts);
    if (!reverting.length) return console.log('nothing to revert');
    await confirm(
      `Revert ${reverting.map((m) => m.name).join(', ')} on ${describeTarget(db.target)}? Queued changes, links and logs in the dropped tables are lost.`,
      opts.yes,
    );
    const reverted = await migrator.down(opts);
    console.log(`reverted ${reverted.length} migration(s): ${reverted.join(', ')}`);
  }, () => c.openMigrationDb());
}

export async function showMigrationStatus(c: CliContext, opts: { json?: boolean }): Promise<void> {
  await c.withDb(async (db) => {
    const status = await migrationStatus(db, new Migrator(db, { options: migrationOptions(c.config) }));
    if (opts.json) console.log(JSON.stringify(status, null, 2));
    else printStatus(describeTarget(db.target), status);
    if (status.drift.length) process.exitCode = DRIFT_EXIT_CODE;
  });
}

export function printStatus(where: string, status: Awaited<ReturnType<typeof migrationStatus>>): void {
  console.log(`database: ${where}`);
  for (const a of status.applied) console.log(`  applied  ${a.name}  ${a.appliedAt.toISOString()}`);
  for (const p of status.pending) console.log(`  pending  ${p}`);
  for (const u of status.unknown) console.log(`  unknown  ${u} (applied by a newer exo-numerik)`);
  if (!status.drift.length) console.log(status.pending.length ? 'run `exo-numerik migrate up` to apply what is pending' : 'no drift: every exo-numerik object is present and enabled');
  for (const d of status.drift) console.log(`  DRIFT    ${d.object}: ${d.problem}`);
  if (status.drift.length) console.log('drift: re-create the missing objects with `migrate down --to <migration>` then `migrate up`, or ask the DBA who changed them');
}
