import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

const table = (db: Db, trx?: Knex.Transaction) => (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.createIntent}`);

/** A create's token and when it was recorded (a post older than that is not the create's). */
export interface CreateIntent {
  token: string;
  recordedAt: Date;
  /** What the post is created with, as JSON (absent for a token recorded before it was kept). */
  content?: string;
}

/**
 * The token of the post the sync creates (or is creating) for an activity, recorded before the
 * create: every retry, by any worker, carries the same token.
 */
export async function createIntent(db: Db, seqno: number, content?: string): Promise<string> {
  return (await openCreateIntent(db, seqno, content)).token;
}

/**
 * As createIntent, and whether the token was there already (`earlier`): an earlier create for the
 * activity may have reached Numerik with its answer lost, so this one must look before it posts,
 * whatever its queue row's attempt count says (a parked or requeued activity starts again at 1).
 * `content` is kept only with a new token: every create carrying the token has the same idempotency
 * key, so the post Numerik holds for it is the first create's.
 */
export async function openCreateIntent(db: Db, seqno: number, content?: string): Promise<CreateIntent & { earlier: boolean }> {
  const existing = await readCreateIntentRecord(db, seqno);
  if (existing) return { ...existing, earlier: true };
  const intent = { token: randomBytes(18).toString('base64url'), recordedAt: new Date(), content };
  try {
    await table(db).insert({ ACTIVITY_SEQNO: seqno, TOKEN: intent.token, CREATED_AT: intent.recordedAt, CONTENT: content ?? null });
    return { ...intent, earlier: false };
  } catch (error) {
    // Another worker recorded it first: its token is the one.
    if (!db.dialect.isUniqueViolation(error)) throw error;
  }
  return { ...(await readCreateIntentRecord(db, seqno))!, earlier: true };
}

export async function readCreateIntent(db: Db, seqno: number, trx?: Knex.Transaction): Promise<string | undefined> {
  return (await readCreateIntentRecord(db, seqno, trx))?.token;
}

export async function readCreateIntentRecord(db: Db, seqno: number, trx?: Knex.Transaction): Promise<CreateIntent | undefined> {
  const row = (await table(db, trx).where({ ACTIVITY_SEQNO: seqno }).first('TOKEN', 'CREATED_AT', 'CONTENT')) as
    | { TOKEN: string; CREATED_AT: Date | string; CONTENT: string | null }
    | undefined;
  return row && { token: row.TOKEN, recordedAt: new Date(row.CREATED_AT), ...(row.CONTENT ? { content: row.CONTENT } : {}) };
}

/** Once the activity is linked its token has done its job: a copy of it proves nothing. */
export async function dropCreateIntent(db: Db, seqno: number, trx?: Knex.Transaction): Promise<void> {
  await table(db, trx).where({ ACTIVITY_SEQNO: seqno }).delete();
}
