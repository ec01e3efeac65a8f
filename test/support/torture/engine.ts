import { randomBytes } from 'node:crypto';
import { connect, dbOver, type Db } from '../../../db/connect.js';
import { dropSchema, TARGETS, type TestEngine, type TestTarget } from '../targets.js';

/**
 * An engine for the torture command outside vitest, as forEachTarget makes one inside it: one
 * connection to the target, a fresh schema per history, each dropped when the history is done.
 */
export async function openEngine(name: TestTarget['name']): Promise<{ engine: TestEngine; target: TestTarget; dropAll(): Promise<void>; close(): Promise<void> }> {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no engine "${name}" (${TARGETS.map((t) => t.name).join(', ')})`);
  if (target.skip) throw new Error(target.skip);
  const base = await connect(target.target(name === 'mssql' ? 'dbo' : 'public'));
  const schemas: Db[] = [];
  return {
    target,
    engine: {
      async fresh() {
        const schema = `t_${randomBytes(5).toString('hex')}`;
        await base.knex.raw(`CREATE SCHEMA ${base.dialect.quote(schema)}`);
        const db = dbOver(base.knex, { ...base.target, schema }, async () => undefined);
        schemas.push(db);
        return db;
      },
    },
    async dropAll() {
      for (const db of schemas.splice(0)) await dropSchema(db);
    },
    close: () => base.close(),
  };
}
