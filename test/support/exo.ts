import type { Db } from '../../db/connect.js';
import { createExoFixture, fixtureTables, type FixtureOptions } from '../../db/exo/fixture/create.js';
import { exoSeed } from '../../db/exo/fixture/seed.js';
import type { TestEngine } from './targets.js';

/** A fresh schema holding Exo's tables (no plugin objects yet). */
export async function exoDb(engine: TestEngine, options: FixtureOptions = {}): Promise<Db> {
  const db = await engine.fresh();
  await createExoFixture(db, options);
  return db;
}

/** A little of everything Exo holds, so "nothing changed" is tested on real rows. */
export async function seedSome(db: Db): Promise<void> {
  const seed = exoSeed(db);
  const ann = await seed.staff({ name: 'Ann Smith', email: 'ann@example.com' });
  const call = await seed.taskType('Phone call');
  await seed.taskStatus('Not started');
  const acme = await seed.debtor({ accno: 101, name: 'Acme Ltd' });
  await seed.creditor({ accno: 7, name: 'Paper Co' });
  await seed.task({ subject: 'Call Jo', details: 'Wants a quote', companyId: acme, assignedTo: ann, type: call });
  await seed.task({ subject: 'Done', completed: true, companyId: acme });
  if (await db.dialect.tableExists(db.knex, 'EXTRA_FIELDS')) {
    await db.table('EXTRA_FIELDS').insert({ SEQNO: 41, TABLE_NAME: 'DR_ACCS', FIELD_NAME: 'X_REGION', DISPLAY_NAME: 'Region', EDITABLE: 'Y' });
  }
}

/** The schema's catalog and every Exo row, as text that compares exactly. */
export async function snapshot(db: Db): Promise<{ catalog: string[]; rows: Record<string, unknown[]> }> {
  const catalog = (await db.dialect.catalog(db.knex))
    .map((o) => `${o.kind} ${o.table ?? ''}.${o.name} ${o.detail.replace(/\s+/g, ' ')}`)
    .sort();
  const rows: Record<string, unknown[]> = {};
  for (const table of fixtureTables()) {
    if (!(await db.dialect.tableExists(db.knex, table.name))) continue;
    rows[table.name] = JSON.parse(JSON.stringify(await db.table(table.name).select().orderBy(table.key)));
  }
  return { catalog, rows };
}

export async function ourObjects(db: Db): Promise<string[]> {
  return (await db.dialect.catalog(db.knex))
    .filter((o) => /X_NUMERIK/i.test(o.name) || /X_NUMERIK/i.test(o.table ?? ''))
    .map((o) => `${o.kind} ${o.table ?? ''}.${o.name}`)
    .sort();
}
