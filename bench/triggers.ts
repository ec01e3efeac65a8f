import type { Db } from '../db/connect.js';
import { createExoFixture } from '../db/exo/fixture/create.js';
import { exoSeed, taskRow } from '../db/exo/fixture/seed.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { Migrator } from '../migrations/runner.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../migrations/migration.js';
import { changeCapture } from '../migrations/steps/0002-change-capture.js';
import { benchTargets, median, openEngine, percentile, timed } from './engines.js';

const ROWS = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/**
 * What the capture trigger costs Exo: one INSERT … SELECT of 10,000 activities, one UPDATE and one
 * DELETE of all of them, on a TASKS without and with the trigger, in alternating rounds on the same
 * engine. A third TASKS carries 0002's trigger (a queue row per changed activity, the design before
 * 0006-bulk-capture), so the two designs are compared in the same run.
 */
export async function benchTriggers(): Promise<void> {
  console.log(`capture trigger overhead: ${ROWS.toLocaleString('en')} rows per statement, ${ROUNDS} alternating rounds, median ms`);
  for (const { name, target } of benchTargets()) {
    const engine = await openEngine(target).catch((e: Error) => {
      console.log(`  ${name}: skipped (${e.message})`);
      return undefined;
    });
    if (!engine) continue;
    try {
      const source = await engine.schema();
      await createExoFixture(source);
      await exoSeed(source).tasks(ROWS, (i) => ({ subject: `Activity ${i}`, details: `Details of activity ${i}`, companyId: `D${i % 50}`, assignedTo: i % 7 }));
      const plain = await engine.schema();
      await createExoFixture(plain);
      const captured = await engine.schema();
      await createExoFixture(captured);
      await new Migrator(captured).up();
      const perRow = await engine.schema();
      await createExoFixture(perRow);
      for (const { sql } of changeCapture.up(perRow.dialect, DEFAULT_MIGRATION_OPTIONS)) await perRow.knex.raw(sql);
      const empty = await engine.schema();
      await createExoFixture(empty);
      for (const sql of emptyTriggers(empty)) await empty.knex.raw(sql);

      const columns = Object.keys(taskRow()).map((c) => source.dialect.quote(c)).join(', ');
      const insert = (db: Db) => db.knex.raw(`INSERT INTO ${db.dialect.qualified('TASKS')} (${columns}) SELECT ${columns} FROM ${source.dialect.qualified('TASKS')}`);
      const update = (db: Db, round: number) => db.table('TASKS').update({ DETAILS: `Edited in round ${round}`, COMPLETED: round % 2 ? 'Y' : 'N' });
      const remove = (db: Db) => db.table('TASKS').del();
      // TRUNCATE fires no trigger and leaves no dead rows behind, so every round starts alike.
      const reset = async (db: Db) => {
        await db.table('TASKS').truncate();
        if (db === captured || db === perRow) await db.table(OBJECTS.queue).truncate();
        if (db === captured) await db.table(OBJECTS.queueSets).truncate();
      };

      const variants = [
        ['plain', plain],
        ['captured', captured],
        ['perRow', perRow],
        ['empty', empty],
      ] as const;
      const ops = ['insert', 'update', 'delete'] as const;
      const times = Object.fromEntries(variants.map(([label]) => [label, Object.fromEntries(ops.map((op) => [op, [] as number[]]))]));
      for (let round = 0; round < ROUNDS; round++) {
        // Rotating the order keeps drift on a shared machine from favouring one variant.
        for (let k = 0; k < variants.length; k++) {
          const [label, db] = variants[(round + k) % variants.length]!;
          times[label]!.insert!.push(await timed(() => insert(db)));
          times[label]!.update!.push(await timed(() => update(db, round)));
          times[label]!.delete!.push(await timed(() => remove(db)));
          await reset(db);
        }
      }
      for (const op of ops) {
        const p = median(times.plain![op]!);
        const c = median(times.captured![op]!);
        const r = median(times.perRow![op]!);
        const e = median(times.empty![op]!);
        const best = Math.min(...times.captured![op]!) / Math.min(...times.plain![op]!);
        console.log(
          `  ${name.padEnd(8)} bulk ${op.padEnd(6)}  without ${p.toFixed(1).padStart(7)} ms   with ${c.toFixed(1).padStart(7)} ms   ` +
            `ratio ${(c / p).toFixed(2)}× (best of each: ${best.toFixed(2)}×)   a queue row each (0002): ${(r / p).toFixed(2)}×   ` +
            `a trigger that does nothing: ${(e / p).toFixed(2)}×`,
        );
      }
      await singleRows(name, plain, captured);
    } finally {
      await engine.close();
    }
  }
}

/**
 * The engine's own floor: triggers on the same events that do nothing. On PostgreSQL they keep the
 * transition tables a set-based trigger reads, which is most of what any such trigger costs; on SQL
 * Server inserted/deleted exist for every AFTER trigger anyway. (Bench-only SQL, not a migration.)
 */
function emptyTriggers(db: Db): string[] {
  const tasks = db.dialect.qualified('TASKS');
  if (db.dialect.name === 'mssql') return [`CREATE TRIGGER ${db.dialect.qualified('BENCH_EMPTY')} ON ${tasks} AFTER INSERT, UPDATE, DELETE AS BEGIN SET NOCOUNT ON; END`];
  const fn = db.dialect.qualified('BENCH_EMPTY');
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
    `CREATE TRIGGER "BENCH_EMPTY_INS" AFTER INSERT ON ${tasks} REFERENCING NEW TABLE AS "n" FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER "BENCH_EMPTY_UPD" AFTER UPDATE ON ${tasks} REFERENCING OLD TABLE AS "o" NEW TABLE AS "n" FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER "BENCH_EMPTY_DEL" AFTER DELETE ON ${tasks} REFERENCING OLD TABLE AS "o" FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

const SINGLE = Number(process.env.BENCH_SINGLE ?? 1_000);

/**
 * What an Exo user at the keyboard feels: one activity saved at a time (an INSERT, then an UPDATE
 * of it, then its DELETE), SINGLE statements each, alternating between a TASKS without and with the
 * trigger.
 */
async function singleRows(name: string, plain: Db, captured: Db): Promise<void> {
  const row = taskRow({ subject: 'One activity', details: 'Saved by an Exo user', companyId: 'D1', assignedTo: 1 });
  const ops = () => ({ insert: [] as number[], update: [] as number[], delete: [] as number[] });
  const times = { plain: ops(), captured: ops() };
  for (let i = 0; i < SINGLE; i++) {
    for (const [label, db] of (i % 2 ? [['captured', captured], ['plain', plain]] : [['plain', plain], ['captured', captured]]) as [keyof typeof times, Db][]) {
      let seqno = 0;
      times[label].insert.push(await timed(async () => (seqno = await db.dialect.insertReturningKey(db.knex, 'TASKS', row, 'SEQNO'))));
      times[label].update.push(await timed(() => db.table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: `Edited ${i}` })));
      times[label].delete.push(await timed(() => db.table('TASKS').where({ SEQNO: seqno }).del()));
    }
  }
  for (const op of ['insert', 'update', 'delete'] as const) {
    const [p50, c50] = [median(times.plain[op]), median(times.captured[op])];
    const [p99, c99] = [percentile(times.plain[op], 99), percentile(times.captured[op], 99)];
    console.log(
      `  ${name.padEnd(8)} one-row ${op.padEnd(6)} × ${SINGLE}: p50 ${p50.toFixed(2)} → ${c50.toFixed(2)} ms (${(c50 / p50).toFixed(2)}×), ` +
        `p99 ${p99.toFixed(2)} → ${c99.toFixed(2)} ms (${(c99 / p99).toFixed(2)}×)`,
    );
  }
}
