import type { Command } from 'commander';
import { migrationOptions } from '../../config/schema.js';
import { addDemoActivities, createDemoExo } from '../../db/exo/fixture/demo.js';
import { describeTarget } from '../../db/target.js';
import { migrationStatus } from '../../migrations/drift.js';
import { Migrator } from '../../migrations/runner.js';
import type { CliContext } from '../context.js';
import { printStatus } from './migrate.js';

export function registerStart(program: Command, ctx: () => CliContext): void {
  program
    .command('start')
    .description('bring the configured database up to date (the embedded one gets a demo Exo company) and show its status')
    .action(async () => {
      const c = ctx();
      await c.withDb(async (db) => {
        const demo = db.target.client === 'pglite' && (await createDemoExo(db));
        if (demo) console.log(`created a demo Exo company in ${describeTarget(db.target)}`);
        const migrator = new Migrator(db, { options: migrationOptions(c.config) });
        const applied = await migrator.up();
        if (applied.length) console.log(`applied ${applied.join(', ')}`);
        if (demo) await addDemoActivities(db);
        printStatus(describeTarget(db.target), await migrationStatus(db, migrator));
      });
    });
}
