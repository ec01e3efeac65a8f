import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { exoDb } from '../support/exo.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget("a database error's message is the database's: never the statement, never its values", (engine) => {
  let db: Db;
  beforeAll(async () => {
    db = await exoDb(engine);
  });
  const failure = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the statement should have failed');
  };
  const STATEMENT = /\b(select|insert|update|from|into|values)\b/i;

  it('a query on its own', async () => {
    const message = await failure(() => db.query(`SELECT * FROM ${db.dialect.qualified('NO_SUCH_TABLE')} WHERE NAME = ?`, ['Private salary']));
    expect(message).toMatch(/NO_SUCH_TABLE|Invalid object name|does not exist/i);
    expect(message).not.toMatch(STATEMENT);
    expect(message).not.toContain('Private');
  });

  it('a query in a transaction, through the query builder', async () => {
    const message = await failure(() =>
      db.knex.transaction((trx) => trx(`${db.target.schema}.TASKS`).insert({ SUBJECT: `Private ${'x'.repeat(80)}`, ACTIVITY_TYPE: 1, COMPLETED: 'N', COMPLETED_PERCENT: 0, DELETED_FLAG: 'N' })),
    );
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toMatch(STATEMENT);
    expect(message).not.toContain('Private');
  });
});
