import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

const table = (db: Db, trx?: Knex.Transaction) => (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.createIntent}`);

/**
 * The token of the post the sync creates (or is creating) for an activity, recorded before the
 * create: every retry, by any worker, carries the same token.
 */
export async function createIntent(db: Db, seqno: number): Promise<string> {
  const existing = await readCreateIntent(db, seqno);
  if (existing) return existing;
  const token = randomBytes(18).toString('base64url');
  try {
    await table(db).insert({ ACTIVITY_SEQNO: seqno, TOKEN: token, CREATED_AT: new Date() });
    return token;
  } catch (error) {
    // Another worker recorded it first: its token is the one.
    if (!db.dialect.isUniqueViolation(error)) throw error;
  }
  return (await readCreateIntent(db, seqno))!;
}

export async function readCreateIntent(db: Db, seqno: number, trx?: Knex.Transaction): Promise<string | undefined> {
  const row = (await table(db, trx).where({ ACTIVITY_SEQNO: seqno }).first('TOKEN')) as { TOKEN: string } | undefined;
  return row?.TOKEN;
}

/** Once the activity is linked its token has done its job: a copy of it proves nothing. */
export async function dropCreateIntent(db: Db, seqno: number, trx?: Knex.Transaction): Promise<void> {
  await table(db, trx).where({ ACTIVITY_SEQNO: seqno }).delete();
}
