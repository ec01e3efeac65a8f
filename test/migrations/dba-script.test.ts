import sql from 'mssql';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { mssqlDialect } from '../../db/dialect/mssql/index.js';
import { exoSeed, taskRow } from '../../db/exo/fixture/seed.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { setKeys } from '../../db/plugin/queue/fan-out.js';
import type { MssqlTarget } from '../../db/target.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../../migrations/migration.js';
import { plan, renderMssqlScript, type Direction } from '../../migrations/plan.js';
import { MIGRATIONS } from '../../migrations/steps/index.js';
import { exoDb, ourObjects, snapshot } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';
import { exoInsertsBeforeIdentityHolds, isBabelfish, runBatchKeepingTriggers } from '../support/tsql-engine.js';

/**
 * The DBA's path: `migrate script --dialect mssql` (renderMssqlScript, as cli/migrate-actions.ts
 * writes it) split at GO and run batch by batch on one TDS session, as `sqlcmd -b` does: every
 * batch sent as it stands, and the first batch that raises an error (severity > 10) ends the run.
 * SET NOEXEC ON is not relied on (the engine ignores it, E5): `-b` stops at the error anyway.
 */

/** The script the CLI writes for this schema. */
const script = (db: Db, direction: Direction, migrations = MIGRATIONS) => {
  const dialect = mssqlDialect(db.target.schema);
  return renderMssqlScript(dialect, plan(dialect, DEFAULT_MIGRATION_OPTIONS, migrations, direction));
};

/** Batches as sqlcmd splits them: at lines that are GO alone. */
const batches = (text: string) =>
  text
    .split(/^[ \t]*GO[ \t]*$/im)
    .map((b) => b.trim())
    .filter((b) => b.replace(/^--.*$/gm, '').trim() !== '');

/** One TDS session (a pool of one connection), as sqlcmd or SSMS holds. */
async function session(db: Db): Promise<sql.ConnectionPool> {
  const t = db.target as MssqlTarget;
  const pool = new sql.ConnectionPool({
    server: t.server,
    port: t.port,
    database: t.database,
    user: t.user,
    password: t.password,
    requestTimeout: 120_000,
    options: { encrypt: t.encrypt, trustServerCertificate: t.trustServerCertificate, useUTC: true },
    pool: { min: 1, max: 1 },
  });
  return pool.connect();
}

/** `sqlcmd -b -i script`: how many batches ran, and the error that stopped it, if one did. */
async function sqlcmd(db: Db, text: string): Promise<{ ran: number; of: number; error?: string }> {
  const all = batches(text);
  const onEngine = await isBabelfish(db.knex);
  const pool = await session(db);
  let ran = 0;
  try {
    for (const batch of all) {
      try {
        // On the engine only, a batch dropping a column keeps the table's triggers as SQL Server does (E3).
        await runBatchKeepingTriggers(async (b) => (await pool.request().batch<Record<string, unknown>>(b)).recordset ?? [], batch, onEngine);
      } catch (e) {
        return { ran, of: all.length, error: (e as Error).message };
      }
      ran++;
    }
    return { ran, of: all.length };
  } finally {
    await pool.close();
  }
}

const count = async (db: Db, table: string) => Number(((await db.table(table).count({ n: '*' }))[0] as { n: number | string }).n);
const sets = async (db: Db) => (await db.table(OBJECTS.queueSets).select('OPERATION', 'KEYS').orderBy('ID')) as { OPERATION: string; KEYS: string }[];
const sorted = (keys: number[]) => [...keys].sort((a, b) => a - b);
const seqnos = async (db: Db) => ((await db.table('TASKS').select('SEQNO').orderBy('SEQNO')) as { SEQNO: number }[]).map((r) => Number(r.SEQNO));
const triggers = async (db: Db) => (await ourObjects(db)).filter((o) => o.startsWith('trigger '));

forEachTarget("the DBA's script and Exo's own writes", (engine, target) => {
  describe.skipIf(target.name !== 'mssql')('on SQL Server only: the script is T-SQL run by sqlcmd on one TDS session, and @@IDENTITY is SQL Server\'s', () => {
    it('up batch by batch, then down: every migration applied, then Exo\'s tables exactly as they were', async () => {
      const db = await exoDb(engine);
      await exoSeed(db).tasks(20, (i) => ({ subject: `Activity ${i}`, details: `details ${i}` }));
      const before = await snapshot(db);

      const up = await sqlcmd(db, script(db, 'up'));
      expect(up.error).toBeUndefined();
      expect(up.ran).toBe(up.of);
      const applied = ((await db.table(OBJECTS.migrations).select('NAME').orderBy('NAME')) as { NAME: string }[]).map((r) => r.NAME);
      expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
      expect(await triggers(db)).not.toEqual([]);

      const down = await sqlcmd(db, script(db, 'down'));
      expect(down.error).toBeUndefined();
      expect(down.ran).toBe(down.of);
      expect(await ourObjects(db)).toEqual([]);
      expect(await snapshot(db)).toEqual(before);
    }, 300_000);

    it('down while a bulk set waits: stops at the refusal, the set and the trigger still there, no key lost', async () => {
      const db = await exoDb(engine);
      await exoSeed(db).tasks(10, (i) => ({ subject: `Activity ${i}` }));
      expect((await sqlcmd(db, script(db, 'up'))).error).toBeUndefined();
      // The script reverts what came after 0006 (those batches commit, as sqlcmd runs them) and
      // stops at 0006's refusal: what is left is the database as it was with 0006 the newest.
      const later = MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name === '0006-bulk-capture') + 1);
      if (later.length) expect((await sqlcmd(db, script(db, 'down', later))).error).toBeUndefined();
      const objects = await ourObjects(db);
      const migrations = await db.table(OBJECTS.migrations).select('NAME').orderBy('NAME');
      if (later.length) expect((await sqlcmd(db, script(db, 'up', later))).error).toBeUndefined();
      await db.table('TASKS').update({ SUBJECT: 'Reassigned in bulk' });
      const waiting = await sets(db);
      expect(waiting).toHaveLength(1);

      const down = await sqlcmd(db, script(db, 'down'));
      expect(down.error).toMatch(/X_NUMERIK_QUEUE_SETS still holds changes of bulk Exo statements/);
      expect(down.ran).toBeLessThan(down.of);
      expect(await sets(db)).toEqual(waiting);
      expect(sorted(setKeys(waiting[0]!.KEYS))).toEqual(await seqnos(db));
      expect(await ourObjects(db)).toEqual(objects);
      expect(await db.table(OBJECTS.migrations).select('NAME').orderBy('NAME')).toEqual(migrations);
      // The trigger still captures: one more bulk statement makes one more set.
      await db.table('TASKS').update({ SUBJECT: 'Again' });
      expect(await sets(db)).toHaveLength(2);
    }, 300_000);

    describe("Exo's own writes after up", () => {
      it('an Exo-style INSERT into TASKS leaves @@IDENTITY and SCOPE_IDENTITY() equal to the new SEQNO', async () => {
        const db = await exoDb(engine);
        // Activities already there, so a new SEQNO can never coincide with the queue's first IDs.
        await exoSeed(db).tasks(50, (i) => ({ subject: `Activity ${i}` }));
        expect((await sqlcmd(db, script(db, 'up'))).error).toBeUndefined();
        const insert = db.table('TASKS').insert(taskRow({ subject: 'Call Jo', details: 'Wants a quote' })).toQuery();
        const exo = await session(db);
        try {
          const once = async () => {
            const r = await exo.request().batch<{ identity: number; scope: number }>(`${insert}; SELECT @@IDENTITY AS [identity], SCOPE_IDENTITY() AS [scope]`);
            const row = r.recordsets.at(-1)![0]!;
            const seqno = Math.max(...(await seqnos(db)));
            return { identity: Number(row.identity), scope: Number(row.scope), seqno };
          };
          // 0 on SQL Server: the first INSERT after up is asserted. On the engine see E6 in tsql-engine.ts.
          for (let i = await exoInsertsBeforeIdentityHolds(db.knex); i > 0; i--) await once();
          for (let i = 0; i < 2; i++) {
            const { identity, scope, seqno } = await once();
            expect({ identity, scope }).toEqual({ identity: seqno, scope: seqno });
          }
          // The trigger queued each single-row INSERT as its own queue row, not as a set.
          expect(await count(db, OBJECTS.queueSets)).toBe(0);
          expect(await count(db, OBJECTS.queue)).toBe((await count(db, 'TASKS')) - 50);
        } finally {
          await exo.close();
        }
      }, 300_000);

      it('an UPDATE of 1,000 rows, an INSERT of 500 and a DELETE of 200 each make one set of exactly the changed keys; a statement changing nothing queues nothing', async () => {
        const db = await exoDb(engine);
        await exoSeed(db).tasks(1000, (i) => ({ subject: `Activity ${i}`, details: `details ${i}` }));
        expect((await sqlcmd(db, script(db, 'up'))).error).toBeUndefined();
        const clear = async () => {
          await db.table(OBJECTS.queue).del();
          await db.table(OBJECTS.queueSets).del();
        };
        const oneSet = async (operation: string, keys: number[]) => {
          const s = await sets(db);
          expect(s.map((x) => x.OPERATION)).toEqual([operation]);
          expect(sorted(setKeys(s[0]!.KEYS))).toEqual(sorted(keys));
          expect(await count(db, OBJECTS.queue)).toBe(0);
          await clear();
        };
        const T = db.dialect.qualified('TASKS');
        const q = (c: string) => db.dialect.quote(c);

        const all = await seqnos(db);
        expect(all).toHaveLength(1000);
        await db.knex.raw(`UPDATE ${T} SET ${q('SUBJECT')} = ${q('SUBJECT')} + N' (reassigned)'`);
        await oneSet('U', all);

        const cols = Object.keys(taskRow()).map(q).join(', ');
        await db.knex.raw(`INSERT INTO ${T} (${cols}) SELECT TOP (500) ${cols} FROM ${T} ORDER BY ${q('SEQNO')}`);
        const inserted = (await seqnos(db)).filter((k) => k > all.at(-1)!);
        expect(inserted).toHaveLength(500);
        await oneSet('I', inserted);

        const deleted = all.slice(0, 200);
        await db.knex.raw(`DELETE FROM ${T} WHERE ${q('SEQNO')} <= ?`, [deleted.at(-1)!]);
        expect(await count(db, 'TASKS')).toBe(1300);
        await oneSet('D', deleted);

        // Statements that change nothing: none matching, and every row set to what it holds.
        await db.knex.raw(`UPDATE ${T} SET ${q('SUBJECT')} = N'x' WHERE 1 = 0`);
        await db.knex.raw(`DELETE FROM ${T} WHERE 1 = 0`);
        await db.knex.raw(`INSERT INTO ${T} (${cols}) SELECT ${cols} FROM ${T} WHERE 1 = 0`);
        await db.knex.raw(`UPDATE ${T} SET ${q('SUBJECT')} = ${q('SUBJECT')}, ${q('DETAILS')} = ${q('DETAILS')}`);
        expect(await count(db, OBJECTS.queueSets)).toBe(0);
        expect(await count(db, OBJECTS.queue)).toBe(0);
      }, 300_000);
    });
  });
});
