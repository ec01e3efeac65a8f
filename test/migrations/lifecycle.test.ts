import { expect, it } from 'vitest';
import type { Knex } from 'knex';
import { ExoSchemaError } from '../../db/exo/check.js';
import { exoSeed } from '../../db/exo/fixture/seed.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { migrationStatus } from '../../migrations/drift.js';
import type { Migration } from '../../migrations/migration.js';
import { MigrationFailedError, Migrator } from '../../migrations/runner.js';
import { pluginTables } from '../../migrations/steps/0001-plugin-tables.js';
import { changeCapture, captureSpec } from '../../migrations/steps/0002-change-capture.js';
import { MIGRATIONS } from '../../migrations/steps/index.js';
import { exoDb, ourObjects, seedSome, snapshot } from '../support/exo.js';
import { disableTrigger, dropTrigger } from '../support/sabotage.js';

/** The migrations after `name`, newest first: what a down to `name` reverts before it. */
const appliedAfter = (name: string) =>
  MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name === name) + 1)
    .map((m) => m.name)
    .reverse();
import { forEachTarget } from '../support/targets.js';

const ALL = MIGRATIONS.map((m) => m.name);

forEachTarget('migrations', (engine) => {
  it('up then down leaves the Exo schema and data exactly as they were', async () => {
    const db = await exoDb(engine);
    await seedSome(db);
    const before = await snapshot(db);
    const migrator = new Migrator(db);

    expect(await migrator.up()).toEqual(ALL);
    const status = await migrationStatus(db, migrator);
    expect(status.applied.map((a) => a.name)).toEqual(ALL);
    expect(status.pending).toEqual([]);
    expect(status.drift).toEqual([]);
    expect(await ourObjects(db)).toContain(`table .${OBJECTS.queue}`);
    expect((await snapshot(db)).catalog).not.toEqual(before.catalog);

    expect(await migrator.down({ all: true })).toEqual([...ALL].reverse());
    expect(await ourObjects(db)).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('up → down → up works, and a second up does nothing', async () => {
    const db = await exoDb(engine);
    const migrator = new Migrator(db);
    await migrator.up();
    await migrator.down({ all: true });
    expect(await migrator.up()).toEqual(ALL);
    const once = await snapshot(db);
    expect(await migrator.up()).toEqual([]);
    expect(await snapshot(db)).toEqual(once);
  });

  it('down reverts the last migration, or down to and including --to', async () => {
    const db = await exoDb(engine);
    const migrator = new Migrator(db);
    await migrator.up();
    expect(await migrator.down({ to: '0006-bulk-capture' })).toEqual([...appliedAfter('0006-bulk-capture'), '0006-bulk-capture']);
    // 0002's trigger is back: a statement of two rows queues a row for each, and there is no set table.
    const seed = exoSeed(db);
    const keys = [await seed.task({ subject: 'a' }), await seed.task({ subject: 'b' })];
    await db.table('TASKS').whereIn('SEQNO', keys).update({ DETAILS: 'both' });
    expect((await db.table(OBJECTS.queue).where({ OPERATION: 'U' }).select('ACTIVITY_SEQNO')).map((r: { ACTIVITY_SEQNO: number }) => r.ACTIVITY_SEQNO).sort()).toEqual(keys.sort());
    expect(await db.dialect.tableExists(db.knex, OBJECTS.queueSets)).toBe(false);
    expect(await migrator.down()).toEqual(['0005-record-fields']);
    expect(await migrator.down({ to: '0001-plugin-tables' })).toEqual(['0004-create-intents', '0003-folder-field', '0002-change-capture', '0001-plugin-tables']);
    expect(await ourObjects(db)).toEqual([]);
    await expect(migrator.down({ to: '0002-change-capture' })).rejects.toThrow(/is not applied/);
  });

  it('reverting 0006 while a bulk set waits: migrate down splits it into the queue first; its statements alone refuse and keep it', async () => {
    const db = await exoDb(engine);
    await new Migrator(db).up();
    const later = appliedAfter('0006-bulk-capture');
    if (later.length) await new Migrator(db).down({ to: later.at(-1)! });
    const seed = exoSeed(db);
    const keys = [await seed.task({ subject: 'a' }), await seed.task({ subject: 'b' }), await seed.task({ subject: 'c' })];
    await db.table(OBJECTS.queue).del();
    await db.table('TASKS').whereIn('SEQNO', keys).update({ DETAILS: 'all three' });
    expect(await db.table(OBJECTS.queueSets).select('OPERATION')).toEqual([{ OPERATION: 'U' }]);

    // As a hand-run script: the statements without the runner's split.
    const byHand = new Migrator(db, { migrations: MIGRATIONS.map((m) => ({ ...m, beforeDown: undefined })) });
    const refused = await byHand.down().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MigrationFailedError);
    expect((refused as Error).message).toMatch(/^0006-bulk-capture failed and was rolled back \(nothing of it is applied\): X_NUMERIK_QUEUE_SETS still holds changes of bulk Exo statements/);
    expect(await db.table(OBJECTS.queueSets).select('OPERATION')).toEqual([{ OPERATION: 'U' }]);
    expect((await migrationStatus(db, byHand)).drift).toEqual([]);

    expect(await new Migrator(db).down()).toEqual(['0006-bulk-capture']);
    expect(await db.dialect.tableExists(db.knex, OBJECTS.queueSets)).toBe(false);
    const queued = (await db.table(OBJECTS.queue).select('ACTIVITY_SEQNO', 'OPERATION')) as { ACTIVITY_SEQNO: number; OPERATION: string }[];
    expect(queued.map((r) => [r.ACTIVITY_SEQNO, r.OPERATION]).sort()).toEqual(keys.map((k) => [k, 'U']).sort());
  });

  it('a failing statement inside a migration leaves nothing of it applied', async () => {
    const db = await exoDb(engine);
    const broken: Migration = {
      name: '0002-broken',
      summary: 'creates a table, then fails',
      up: (d) => [
        ...d.createTable('X_NUMERIK_PROBE', (t: Knex.CreateTableBuilder) => t.integer('A')),
        ...d.createTable('X_NUMERIK_PROBE', (t: Knex.CreateTableBuilder) => t.integer('A')),
      ],
      down: (d) => [d.dropTable('X_NUMERIK_PROBE')],
    };
    const migrator = new Migrator(db, { migrations: [pluginTables, broken] });
    const failure = await migrator.up().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as Error).message).toMatch(/^0002-broken failed and was rolled back/);
    expect(await db.dialect.tableExists(db.knex, 'X_NUMERIK_PROBE')).toBe(false);
    expect((await migrator.applied()).map((a) => a.name)).toEqual(['0001-plugin-tables']);
  });

  it('a migration that fails on the live database (column already there) is rolled back whole', async () => {
    const db = await exoDb(engine);
    await seedSome(db);
    await db.knex.raw(db.dialect.addColumn('TASKS', 'X_NUMERIK_FOLDER', db.dialect.exoType('VARCHAR(255)')).sql);
    const before = await snapshot(db);
    const migrator = new Migrator(db);
    await expect(migrator.up()).rejects.toThrow(/^0003-folder-field failed and was rolled back/);
    expect((await migrator.applied()).map((a) => a.name)).toEqual(['0001-plugin-tables', '0002-change-capture']);
    await migrator.down({ all: true });
    expect(await snapshot(db)).toEqual(before);
  });

  it('registers our fields in EXTRA_FIELDS with the next SEQNOs, and removes only those rows', async () => {
    const db = await exoDb(engine);
    await seedSome(db);
    const migrator = new Migrator(db);
    await migrator.up();
    const rows = await db.table('EXTRA_FIELDS').select('SEQNO', 'TABLE_NAME', 'FIELD_NAME', 'DISPLAY_NAME').orderBy('SEQNO');
    expect(rows).toEqual([
      { SEQNO: 41, TABLE_NAME: 'DR_ACCS', FIELD_NAME: 'X_REGION', DISPLAY_NAME: 'Region' },
      { SEQNO: 42, TABLE_NAME: 'TASKS', FIELD_NAME: 'X_NUMERIK_FOLDER', DISPLAY_NAME: 'Numerik attachments' },
      { SEQNO: 43, TABLE_NAME: 'TASKS', FIELD_NAME: 'X_NUMERIK_POST', DISPLAY_NAME: 'Numerik post' },
      { SEQNO: 44, TABLE_NAME: 'TASKS', FIELD_NAME: 'X_NUMERIK_STATE', DISPLAY_NAME: 'Numerik sync' },
    ]);
    await migrator.down({ to: '0005-record-fields' });
    expect((await db.table('EXTRA_FIELDS').select('FIELD_NAME').orderBy('SEQNO')).map((r: { FIELD_NAME: string }) => r.FIELD_NAME)).toEqual(['X_REGION', 'X_NUMERIK_FOLDER']);
    await migrator.down({ all: true });
    expect(await db.table('EXTRA_FIELDS').select('FIELD_NAME')).toEqual([{ FIELD_NAME: 'X_REGION' }]);
  });

  it('works on an Exo without EXTRA_FIELDS (the registration is skipped)', async () => {
    const db = await exoDb(engine, { withoutTables: ['EXTRA_FIELDS'] });
    const before = await snapshot(db);
    const migrator = new Migrator(db);
    expect(await migrator.up()).toEqual(ALL);
    expect((await db.dialect.columns(db.knex, 'TASKS')).map((c) => c.name)).toEqual(expect.arrayContaining(['X_NUMERIK_FOLDER', 'X_NUMERIK_POST', 'X_NUMERIK_STATE']));
    await migrator.down({ all: true });
    expect(await snapshot(db)).toEqual(before);
  });

  it('status shows a disabled or missing trigger, and a migration changed after it was applied', async () => {
    const db = await exoDb(engine);
    const migrator = new Migrator(db);
    await migrator.up();
    const [first, ...others] = db.dialect.captureTriggerNames(captureSpec);
    await disableTrigger(db, first!);
    if (others[0]) await dropTrigger(db, others[0]);
    const changed: Migration = { ...changeCapture, up: (d, o) => [...changeCapture.up(d, o), ...d.createTable('X_NUMERIK_NEW', (t: Knex.CreateTableBuilder) => t.integer('A'))] };
    const status = await migrationStatus(db, new Migrator(db, { migrations: [pluginTables, changed, ...MIGRATIONS.slice(2)] }));
    expect(status.drift).toContainEqual({ object: `trigger ${first} on TASKS`, problem: 'disabled' });
    if (others[0]) expect(status.drift).toContainEqual({ object: `trigger ${others[0]} on TASKS`, problem: 'missing' });
    expect(status.drift).toContainEqual({ object: 'migration 0002-change-capture', problem: 'its statements changed after it was applied' });
    expect(status.drift).toContainEqual({ object: 'table X_NUMERIK_NEW', problem: 'missing' });
  });

  it('refuses an Exo database without TASKS, or whose TASKS lacks a column we rely on, changing nothing', async () => {
    const noTasks = await exoDb(engine, { withoutTables: ['TASKS'] });
    await expect(new Migrator(noTasks).up()).rejects.toThrow(ExoSchemaError);
    await expect(new Migrator(noTasks).up()).rejects.toThrow(/^TASKS is missing in schema t_\w+: this does not look like an Exo Business database$/);
    expect(await ourObjects(noTasks)).toEqual([]);

    const oldExo = await exoDb(engine, { withoutColumns: { TASKS: ['DETAILS', 'SYNC_ACTIVITY'] } });
    await expect(new Migrator(oldExo).up()).rejects.toThrow(
      'TASKS lacks column(s) DETAILS, SYNC_ACTIVITY that exo-numerik relies on: unsupported Exo version?',
    );
    expect(await ourObjects(oldExo)).toEqual([]);
  });
});
