import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { exoSeed, taskRow } from '../../db/exo/fixture/seed.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { FAN_OUT_SLICE, fanOutSets, setKeys } from '../../db/plugin/queue/fan-out.js';
import { Migrator } from '../../migrations/runner.js';
import { exoDb } from '../support/exo.js';
import { waitFor, workerEnv } from '../support/processes.js';
import { syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';
import { trackedProcesses } from '../support/tracked-processes.js';

const ROWS = 100_000;

const count = async (db: Db, table: string) => Number(((await db.table(table).count({ n: '*' }))[0] as { n: number | string }).n);

/** Each activity key in the queue, with how many rows it has there. */
async function queuedKeys(db: Db): Promise<Map<number, number>> {
  const rows = (await db.table(OBJECTS.queue).select('ACTIVITY_SEQNO', db.knex.raw('COUNT(*) AS ??', ['n'])).groupBy('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number; n: number | string }[];
  return new Map(rows.map((r) => [Number(r.ACTIVITY_SEQNO), Number(r.n)]));
}

const clear = async (db: Db) => {
  await db.table(OBJECTS.queue).del();
  await db.table(OBJECTS.queueSets).del();
};

forEachTarget('bulk statements: one set in the statement, split by the worker', (engine) => {
  let db: Db;
  let keys: number[];
  const tasks = () => db.table('TASKS');

  beforeAll(async () => {
    db = await exoDb(engine);
    await new Migrator(db).up();
    // 1,000 rows doubled seven times, each doubling one INSERT … SELECT.
    await exoSeed(db).tasks(1000, (i) => ({ subject: `Bulk ${i}`, details: `details ${i}`, completed: i % 2 === 0 }));
    const cols = Object.keys(taskRow()).map((c) => db.dialect.quote(c)).join(', ');
    while ((await count(db, 'TASKS')) < ROWS) await db.knex.raw(`INSERT INTO ${db.dialect.qualified('TASKS')} (${cols}) SELECT ${cols} FROM ${db.dialect.qualified('TASKS')}`);
    keys = ((await tasks().select('SEQNO').orderBy('SEQNO').limit(ROWS)) as { SEQNO: number }[]).map((r) => r.SEQNO);
    await clear(db);
  }, 300_000);

  it(`an UPDATE of ${ROWS.toLocaleString('en')} rows: one set holding exactly the changed keys, split into one queue row each`, async () => {
    const last = keys.at(-1)!;
    // The seed made every other activity complete already: for those the UPDATE changes nothing we sync.
    const changing = ((await tasks().select('SEQNO').where('SEQNO', '<=', last).whereNot({ COMPLETED: 'Y' }).orderBy('SEQNO')) as { SEQNO: number }[]).map((r) => r.SEQNO);
    expect(changing.length).toBeGreaterThan(ROWS / 3);
    expect(changing.length).toBeLessThan(ROWS);
    await tasks().where('SEQNO', '<=', last).update({ COMPLETED: 'Y' });
    const sets = (await db.table(OBJECTS.queueSets).select('OPERATION', 'KEYS', 'FANNED_OUT')) as { OPERATION: string; KEYS: string; FANNED_OUT: number }[];
    expect(sets.map((s) => [s.OPERATION, Number(s.FANNED_OUT)])).toEqual([['U', 0]]);
    expect(await count(db, OBJECTS.queue)).toBe(0);
    const inSet = setKeys(sets[0]!.KEYS);
    expect([...inSet].sort((a, b) => a - b)).toEqual(changing);

    const { queued, unreadable } = await fanOutSets(db);
    expect(unreadable).toEqual([]);
    expect(queued).toBe(inSet.length);
    const byKey = await queuedKeys(db);
    expect([...byKey.keys()].sort((a, b) => a - b)).toEqual(changing);
    expect([...byKey.values()].every((n) => n === 1)).toBe(true);
    expect(await count(db, OBJECTS.queueSets)).toBe(0);
  }, 300_000);

  it(`a DELETE of ${ROWS.toLocaleString('en')} rows: every deleted key queued once, as a delete`, async () => {
    await clear(db);
    await tasks().where('SEQNO', '<=', keys.at(-1)!).del();
    await fanOutSets(db);
    const byKey = await queuedKeys(db);
    expect(byKey.size).toBe(ROWS);
    expect(keys.every((k) => byKey.get(k) === 1)).toBe(true);
    expect(await db.table(OBJECTS.queue).whereNot({ OPERATION: 'D' }).select('ID')).toEqual([]);
  }, 300_000);

  describe('two splitters at once', () => {
    it('each key is queued exactly once when two workers split the same sets together', async () => {
      await clear(db);
      await tasks().update({ DETAILS: 'both splitters' });
      const [set] = (await db.table(OBJECTS.queueSets).select('KEYS')) as { KEYS: string }[];
      const expected = setKeys(set!.KEYS);
      expect(expected.length).toBeGreaterThan(FAN_OUT_SLICE * 2);
      const results = await Promise.all([fanOutSets(db), fanOutSets(db)]);
      expect(results[0]!.queued + results[1]!.queued).toBe(expected.length);
      const byKey = await queuedKeys(db);
      expect(byKey.size).toBe(expected.length);
      expect([...byKey.values()].every((n) => n === 1)).toBe(true);
    }, 300_000);
  });

  it('a set that cannot be read is left in place, said, and does not hold up the sets after it', async () => {
    await clear(db);
    const now = new Date();
    await db.table(OBJECTS.queueSets).insert({ OPERATION: 'U', KEYS: '[{"k":"DROP TABLE"}]', FANNED_OUT: 0, QUEUED_AT: now });
    await db.table(OBJECTS.queueSets).insert({ OPERATION: 'U', KEYS: JSON.stringify([keys.at(-1)! + 1, keys.at(-1)! + 2]), FANNED_OUT: 0, QUEUED_AT: now });
    const { queued, unreadable } = await fanOutSets(db);
    expect(queued).toBe(2);
    expect(unreadable).toEqual([expect.stringMatching(/^captured set \d+ in X_NUMERIK_QUEUE_SETS cannot be read \(\{"k":"DROP TABLE"\} is not an activity key\); it is left there$/)]);
    expect(await count(db, OBJECTS.queueSets)).toBe(1);
  });
});

forEachTarget(
  'bulk statements: a worker killed while it splits a set',
  (engine, target) => {
    let f: SyncFixture | undefined;
    const processes = trackedProcesses();
    afterEach(async () => {
      await f?.close();
    });

    it('kill -9 mid-split: the next worker queues the rest, every changed activity exactly once', async () => {
      f = await syncFixture(engine);
      await f.seed.tasks(1000, (i) => ({ subject: `Split ${i}`, companyId: 'D101' }));
      const cols = Object.keys(taskRow()).map((c) => f!.db.dialect.quote(c)).join(', ');
      while ((await count(f.db, 'TASKS')) < 64_000) await f.db.knex.raw(`INSERT INTO ${f.db.dialect.qualified('TASKS')} (${cols}) SELECT ${cols} FROM ${f.db.dialect.qualified('TASKS')}`);
      await clear(f.db);
      await f.db.table('TASKS').update({ DETAILS: 'changed in bulk' });
      const total = await count(f.db, 'TASKS');

      // Numerik refuses every call, so what is queued stays queued and can be counted.
      f.sandbox.faults.set({ serverErrorsForMs: 600_000 });
      const victim = processes.spawn(['worker', '--direction', 'outbound'], workerEnv(f, target));
      await waitFor(async () => Number(((await f!.db.table(OBJECTS.queueSets).first('FANNED_OUT')) as { FANNED_OUT?: number } | undefined)?.FANNED_OUT ?? 0) > 0, 60_000, 'the worker to split a first slice');
      victim.child.kill('SIGKILL');
      await victim.exited;
      const left = (await f.db.table(OBJECTS.queueSets).first('FANNED_OUT')) as { FANNED_OUT: number } | undefined;
      expect(left, 'killed before the split finished').toBeDefined();
      expect(await count(f.db, OBJECTS.queue)).toBe(Number(left!.FANNED_OUT));

      const survivor = processes.spawn(['worker', '--direction', 'outbound'], workerEnv(f, target));
      await waitFor(async () => (await count(f!.db, OBJECTS.queueSets)) === 0 && (await count(f!.db, OBJECTS.queue)) >= total, 120_000, 'the rest of the set to be split');
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
      const byKey = await queuedKeys(f.db);
      const all = ((await f.db.table('TASKS').select('SEQNO')) as { SEQNO: number }[]).map((r) => r.SEQNO);
      expect({ keys: byKey.size, duplicated: [...byKey.values()].filter((n) => n > 1).length, missing: all.filter((k) => !byKey.has(k)).length }).toEqual({ keys: total, duplicated: 0, missing: 0 });
    }, 300_000);
  },
  { processes: true },
);
