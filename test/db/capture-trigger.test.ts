import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { exoSeed, taskRow, type ExoSeed } from '../../db/exo/fixture/seed.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { fanOutSets, setKeys } from '../../db/plugin/queue/fan-out.js';
import { Migrator } from '../../migrations/runner.js';
import { exoDb } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';

interface QueueRow {
  ACTIVITY_SEQNO: number;
  OPERATION: string;
  STATE: string;
  ATTEMPTS: number;
}

forEachTarget('capture trigger on TASKS', (engine, target) => {
  let db: Db;
  let seed: ExoSeed;
  const tasks = () => db.table('TASKS');
  /** The queue as the worker claims it: a bulk statement's set split into its rows first. */
  const queued = async (): Promise<QueueRow[]> => {
    await fanOutSets(db);
    return db.table(OBJECTS.queue).select('ACTIVITY_SEQNO', 'OPERATION', 'STATE', 'ATTEMPTS').orderBy('ID');
  };
  const sets = async () => ((await db.table(OBJECTS.queueSets).select('OPERATION', 'KEYS').orderBy('ID')) as { OPERATION: string; KEYS: string }[]).map((s) => ({ operation: s.OPERATION, keys: setKeys(s.KEYS).sort((a, b) => a - b) }));
  const clear = async () => {
    await db.table(OBJECTS.queue).del();
    await db.table(OBJECTS.queueSets).del();
  };
  /** Writes that must not be captured: our own inbound writer's. */
  const asInboundWriter = (write: (trx: Db['knex']) => Promise<unknown>) =>
    db.knex.transaction(async (trx) => {
      await db.dialect.markEcho(trx);
      try {
        await write(trx);
      } finally {
        await db.dialect.clearEcho(trx);
      }
    });
  const copyColumns = Object.keys(taskRow());

  beforeAll(async () => {
    db = await exoDb(engine);
    seed = exoSeed(db);
    await new Migrator(db).up();
  });

  beforeEach(clear);

  it('queues one row for an inserted activity', async () => {
    const id = await seed.task({ subject: 'New', details: 'Body' });
    expect(await queued()).toEqual([{ ACTIVITY_SEQNO: id, OPERATION: 'I', STATE: 'ready', ATTEMPTS: 0 }]);
  });

  it('queues an update of a synced column, and a delete', async () => {
    const id = await seed.task({ subject: 'Old' });
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'changed' });
    await tasks().where({ SEQNO: id }).del();
    expect((await queued()).map((r) => [r.ACTIVITY_SEQNO, r.OPERATION])).toEqual([
      [id, 'I'],
      [id, 'U'],
      [id, 'D'],
    ]);
  });

  it('queues nothing for an update that changes nothing we sync', async () => {
    const id = await seed.task({ subject: 'Same', details: 'Same', assignedTo: 3 });
    await clear();
    await tasks().where({ SEQNO: id }).update({ SUBJECT: 'Same', DETAILS: 'Same', ASSIGNED_TO: 3 });
    await tasks().where({ SEQNO: id }).update({
      MODIFIEDDATE: new Date('2026-12-01T10:00:00Z'),
      MODIFIEDBY: 2,
      OUTLOOKENTRYID: 'AAMkAD…',
      REMINDERDATE: new Date('2026-12-01T09:00:00Z'),
      LABELCOLOR: 4,
      PRIORITY: 'High',
      X_NUMERIK_FOLDER: '\\\\server\\share\\Numerik\\1',
    });
    await tasks().where({ SEQNO: -1 }).update({ SUBJECT: 'no such row' });
    expect(await queued()).toEqual([]);
  });

  it.each([
    ['a change of case', { SUBJECT: 'call jo' }],
    ['a trailing space', { SUBJECT: 'Call Jo ' }],
    ['a value becoming NULL', { DETAILS: null }],
    ['NULL becoming a value', { ASSIGNED_TO: 5 }],
    ['completion', { COMPLETED: 'Y' }],
    ['a due date', { END_DATETIME: new Date('2026-12-24T17:00:00Z') }],
    ['soft delete', { DELETED_FLAG: 'Y' }],
  ])('treats %s as a change', async (_, change) => {
    const id = await seed.task({ subject: 'Call Jo', details: 'Quote' });
    await clear();
    await tasks().where({ SEQNO: id }).update(change);
    expect(await queued()).toEqual([{ ACTIVITY_SEQNO: id, OPERATION: 'U', STATE: 'ready', ATTEMPTS: 0 }]);
  });

  it('a statement of one row writes its queue row inside the statement; one of two rows, one set of both keys', async () => {
    const [a, b] = [await seed.task({ subject: 'A' }), await seed.task({ subject: 'B' })];
    expect(await sets()).toEqual([]);
    expect((await db.table(OBJECTS.queue).select('ACTIVITY_SEQNO').orderBy('ID')).map((r: { ACTIVITY_SEQNO: number }) => r.ACTIVITY_SEQNO)).toEqual([a, b]);
    await clear();
    await tasks().whereIn('SEQNO', [a, b]).update({ DETAILS: 'both' });
    expect(await db.table(OBJECTS.queue).select('ID')).toEqual([]);
    expect(await sets()).toEqual([{ operation: 'U', keys: [a, b] }]);
    expect((await queued()).map((r) => [r.ACTIVITY_SEQNO, r.OPERATION]).sort()).toEqual([[a, 'U'], [b, 'U']].sort());
    expect(await sets()).toEqual([]);
  });

  it('a bulk statement under the echo mark writes no set, and one that changes nothing we sync writes none', async () => {
    const [a, b] = [await seed.task({ subject: 'A' }), await seed.task({ subject: 'B' })];
    await clear();
    await asInboundWriter((trx) => trx(`${db.target.schema}.TASKS`).whereIn('SEQNO', [a, b]).update({ DETAILS: 'from Numerik' }));
    await tasks().whereIn('SEQNO', [a, b]).update({ MODIFIEDBY: 7, LABELCOLOR: 2 });
    expect(await sets()).toEqual([]);
    expect(await queued()).toEqual([]);
  });

  describe('statements of 1,000 rows', () => {
    let ids: number[];
    beforeAll(async () => {
      await seed.tasks(1000, (i) => ({ subject: `Bulk ${i}`, completed: i % 2 === 0 }));
      ids = (await tasks().select('SEQNO').where('SUBJECT', 'like', 'Bulk %').orderBy('SEQNO')).map((r: { SEQNO: number }) => r.SEQNO);
      expect(ids).toHaveLength(1000);
    });

    it('an INSERT … SELECT of 1,000 rows writes one set inside the statement, split into 1,000 queue rows, one per new activity', async () => {
      const lo = ids[0]!;
      const hi = ids[999]!;
      const cols = copyColumns.map((c) => db.dialect.quote(c)).join(', ');
      await db.knex.raw(
        `INSERT INTO ${db.dialect.qualified('TASKS')} (${cols}) SELECT ${cols} FROM ${db.dialect.qualified('TASKS')} WHERE ${db.dialect.quote('SEQNO')} BETWEEN ? AND ?`,
        [lo, hi],
      );
      const [set, ...more] = await sets();
      expect(more).toEqual([]);
      expect(set!.operation).toBe('I');
      expect(set!.keys).toHaveLength(1000);
      const rows = await queued();
      expect(rows).toHaveLength(1000);
      expect(new Set(rows.map((r) => r.ACTIVITY_SEQNO)).size).toBe(1000);
      expect(rows.every((r) => r.OPERATION === 'I' && !ids.includes(r.ACTIVITY_SEQNO))).toBe(true);
    });

    it('one UPDATE of 1,000 rows queues exactly the rows whose synced values changed', async () => {
      await tasks().whereIn('SEQNO', ids).update({ COMPLETED: 'Y' });
      const rows = await queued();
      expect(rows).toHaveLength(500);
      expect(rows.every((r) => r.OPERATION === 'U')).toBe(true);
      await clear();
      await tasks().whereIn('SEQNO', ids).update({ DETAILS: db.knex.raw(`${db.dialect.quote('SUBJECT')}`) });
      expect(await queued()).toHaveLength(1000);
    });

    it('one DELETE of 1,000 rows queues 1,000 deletes', async () => {
      await tasks().whereIn('SEQNO', ids).del();
      const rows = await queued();
      expect(rows.map((r) => r.ACTIVITY_SEQNO).sort((a, b) => a - b)).toEqual(ids);
      expect(rows.every((r) => r.OPERATION === 'D')).toBe(true);
    });
  });

  it('skips writes made under the echo mark, and the mark does not outlive its transaction', async () => {
    const id = await seed.task({ subject: 'Ours' });
    await db.table(OBJECTS.queue).del();
    await asInboundWriter(async (trx) => {
      await trx(`${db.target.schema}.TASKS`).where({ SEQNO: id }).update({ DETAILS: 'written by the inbound worker' });
      await db.dialect.insertReturningKey(trx, 'TASKS', taskRow({ subject: 'from Numerik' }), 'SEQNO');
    });
    expect(await queued()).toEqual([]);
    // Nor does a committed mark outlive its transaction on a pooled session.
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'an Exo user edits after the sync' });
    expect(await queued()).toEqual([{ ACTIVITY_SEQNO: id, OPERATION: 'U', STATE: 'ready', ATTEMPTS: 0 }]);
    await db.table(OBJECTS.queue).del();

    await db.knex
      .transaction(async (trx) => {
        await db.dialect.markEcho(trx);
        await trx(`${db.target.schema}.TASKS`).where({ SEQNO: id }).update({ DETAILS: 'rolled back' });
        throw new Error('abort');
      })
      .catch(() => undefined);
    // A pooled session that carried a mark from a failed write must not hide an Exo user's change.
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'an Exo user edits' });
    expect(await queued()).toEqual([{ ACTIVITY_SEQNO: id, OPERATION: 'U', STATE: 'ready', ATTEMPTS: 0 }]);
  });

  it('never fails an ordinary Exo write: NULLs everywhere, and the longest details', async () => {
    const bare = { ...taskRow(), SUBJECT: null, DETAILS: null, COMPANYID: null, TYPE: null, STATUS: null, EVENTTYPE: null };
    const id = await db.dialect.insertReturningKey(db.knex, 'TASKS', bare, 'SEQNO');
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'x'.repeat(5500), SUBJECT: 's'.repeat(60) });
    await tasks().where({ SEQNO: id }).update({ DETAILS: null, SUBJECT: null });
    expect((await queued()).map((r) => r.OPERATION)).toEqual(['I', 'U', 'U']);
  });

  it.runIf(target.name === 'mssql')('leaves @@IDENTITY to Exo: it is still the new TASKS key after our trigger ran', async () => {
    const insert = db.table('TASKS').insert(taskRow({ subject: 'identity' })).toSQL();
    const rows = await db.query<{ any_scope: number; this_scope: number }>(
      `${insert.sql}; SELECT CAST(@@IDENTITY AS int) AS any_scope, CAST(SCOPE_IDENTITY() AS int) AS this_scope`,
      insert.bindings,
    );
    expect(rows.at(-1)!.any_scope).toBe(rows.at(-1)!.this_scope);
    expect((await queued()).at(-1)!.ACTIVITY_SEQNO).toBe(rows.at(-1)!.this_scope);
  });
});
