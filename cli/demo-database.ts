import { migrationOptions } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { addDemoActivities, createDemoExo } from '../db/exo/fixture/demo.js';
import { describeTarget } from '../db/target.js';
import { Migrator } from '../migrations/runner.js';
import type { CliContext } from './context.js';

/**
 * The embedded database made ready: with `demo`, a demo Exo company when it has none; then every
 * migration (the embedded database has no DBA to ask); then the demo's activities, captured.
 */
export async function prepareEmbeddedDb(c: CliContext, db: Db, demo: boolean): Promise<Migrator> {
  const created = demo && (await createDemoExo(db));
  if (created) console.log(`created a demo Exo company in ${describeTarget(db.target)}`);
  const migrator = new Migrator(db, { options: migrationOptions(c.config) });
  const applied = await migrator.up();
  if (applied.length) console.log(`applied ${applied.join(', ')}`);
  if (created) await addDemoActivities(db);
  return migrator;
}
