import type { Command } from 'commander';
import type { LoadContext } from '../context.js';

/** Exit code of `migrate status` when the database has drifted from what the migrations made. */
export const DRIFT_EXIT_CODE = 3;
const actions = () => import('../migrate-actions.js');

export function registerMigrate(program: Command, ctx: LoadContext): void {
  const migrate = program.command('migrate').description('review and apply the database changes exo-numerik needs');

  migrate
    .command('plan')
    .description('print every statement, in order, without connecting to a database')
    .option('--dialect <dialect>', 'mssql or postgres (default: the configured database)')
    .option('--schema <schema>', 'schema of the Exo tables (default: dbo / public)')
    .option('--down', 'print the statements that remove everything again')
    .action(async (opts: { dialect?: string; schema?: string; down?: boolean }) => (await actions()).printPlan(await ctx(), opts));

  migrate
    .command('script')
    .description('write a .sql file a DBA can review and run by hand (sqlcmd, SSMS)')
    .option('--dialect <dialect>', 'only mssql has scripts', 'mssql')
    .option('--schema <schema>', 'schema of the Exo tables', 'dbo')
    .option('--down', 'a script that removes everything again')
    .option('--pending', 'only what the configured database has not applied yet (connects to it)')
    .option('--out <file>', 'where to write it (default: exo-numerik-migrate-<up|down>.sql)')
    .action(async (opts: { dialect: string; schema: string; down?: boolean; pending?: boolean; out?: string }) => {
      if (opts.dialect !== 'mssql') throw new Error('scripts are written for SQL Server; for PostgreSQL read `migrate plan --dialect postgres`');
      await (await actions()).writeScript(await ctx(), opts);
    });

  migrate
    .command('up')
    .description('apply pending migrations (each in one transaction)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: { yes?: boolean }) => (await actions()).migrateUp(await ctx(), opts));

  migrate
    .command('down')
    .description('revert migrations: the last one, down to --to NAME, or --all (removes the queue and links)')
    .option('--to <name>', 'revert down to and including this migration')
    .option('--all', 'revert every migration: remove exo-numerik from the database')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: { to?: string; all?: boolean; yes?: boolean }) => (await actions()).migrateDown(await ctx(), opts));

  migrate
    .command('status')
    .description(`applied and pending migrations, and drift (exit code ${DRIFT_EXIT_CODE} when there is drift)`)
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => (await actions()).showMigrationStatus(await ctx(), opts));
}
