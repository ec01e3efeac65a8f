import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connect.js';
import { databaseCause } from '../../db/dialect/error-cause.js';
import { causeOf } from '../../sync/error-cause.js';
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

  it("a refused row or key: the cause names the constraint, never the row's values", async () => {
    const table = db.dialect.qualified('REFUSALS');
    await db.query(`CREATE TABLE ${table} (NAME varchar(40) NOT NULL PRIMARY KEY, N int NOT NULL)`);
    await db.query(`INSERT INTO ${table} (NAME, N) VALUES (?, ?)`, ['Private one', 1]);
    const duplicate = await refused(() => db.query(`INSERT INTO ${table} (NAME, N) VALUES (?, ?)`, ['Private one', 2]));
    const missing = await refused(() => db.query(`INSERT INTO ${table} (NAME, N) VALUES (?, ?)`, ['Private two', null]));
    expect(duplicate).toMatch(/^database error (23505|2627|2601): /);
    expect(missing).toMatch(/^database error (23502|515): /);
    for (const cause of [duplicate, missing]) expect(cause).not.toContain('Private');
    const conversion = await failure(() => db.query(`SELECT N FROM ${table} WHERE N = ?`, ['Private three']));
    expect(conversion).not.toContain('Private');
  });
  const refused = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      expect((error as Error).message).not.toContain('Private');
      return causeOf(error);
    }
    throw new Error('the statement should have been refused');
  };
});

describe('the data a driver quotes in its message is cut from the cause', () => {
  it.each([
    [{ number: 2628, message: "String or binary data would be truncated in table 'EXO.dbo.TASKS', column 'SUBJECT'. Truncated value: 'Private salary'." }, "database error 2628: String or binary data would be truncated in table 'EXO.dbo.TASKS', column 'SUBJECT'."],
    [{ number: 2627, message: "Violation of PRIMARY KEY constraint 'PK_X'. Cannot insert duplicate key in object 'dbo.X'. The duplicate key value is (Private (1))." }, "database error 2627: Violation of PRIMARY KEY constraint 'PK_X'. Cannot insert duplicate key in object 'dbo.X'."],
    [{ number: 245, message: "Conversion failed when converting the nvarchar value 'Private' to data type int." }, 'database error 245: Conversion failed when converting the nvarchar value to data type int.'],
    [{ code: '22P02', message: 'invalid input syntax for type integer: "Private"' }, 'database error 22P02: invalid input syntax for type integer'],
    [{ code: '23502', message: 'null value in column "N" of relation "X" violates not-null constraint', detail: 'Failing row contains (Private, null).' }, 'database error 23502: null value in column "N" of relation "X" violates not-null constraint'],
    [{ code: '23503', message: 'insert on table "a" violates foreign key constraint "fk"', detail: 'Key (b_id)=(Private) x) is not present in table "b".' }, 'database error 23503: insert on table "a" violates foreign key constraint "fk" (Key (b_id) is not present in table "b".)'],
  ])('%o', (error, cause) => expect(databaseCause(error)).toBe(cause));
});
