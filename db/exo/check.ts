import type { Db } from '../connect.js';
import { REQUIRED_TABLES, REQUIRED_TASKS_COLUMNS, TASKS } from './tasks.js';

/** The database is reachable but is not an Exo database we can work with. One line, names what is wrong. */
export class ExoSchemaError extends Error {
  override name = 'ExoSchemaError';
}

/**
 * Checks that the Exo tables and TASKS columns the plugin relies on are there, before anything is
 * changed. A 2018+ Exo may have extra TASKS columns: only missing ones matter.
 */
export async function checkExoSchema(db: Db): Promise<void> {
  const where = `schema ${db.target.schema}`;
  if (!(await db.dialect.tableExists(db.knex, TASKS))) {
    throw new ExoSchemaError(`${TASKS} is missing in ${where}: this does not look like an Exo Business database`);
  }
  const missingTables: string[] = [];
  for (const table of REQUIRED_TABLES) if (!(await db.dialect.tableExists(db.knex, table))) missingTables.push(table);
  if (missingTables.length) {
    throw new ExoSchemaError(`Exo table(s) ${missingTables.join(', ')} missing in ${where}: is this an Exo Business database?`);
  }
  const present = new Set((await db.dialect.columns(db.knex, TASKS)).map((c) => c.name.toUpperCase()));
  const missing = REQUIRED_TASKS_COLUMNS.filter((c) => !present.has(c));
  if (missing.length) {
    throw new ExoSchemaError(
      `${TASKS} lacks column(s) ${missing.join(', ')} that exo-numerik relies on: unsupported Exo version?`,
    );
  }
}
