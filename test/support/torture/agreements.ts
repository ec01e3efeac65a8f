import type { Db } from '../../../db/connect.js';
import { OBJECTS } from '../../../db/plugin/objects.js';
import type { Agreement } from './history.js';

const TABLE = 'torture_agreements';

/**
 * Every agreement the sync records, as it records it: a row trigger on the link table (the run is
 * on PostgreSQL or PGlite, and this is the harness's instrument, never a migration's) notes each
 * insert, and each update that changes what a side was last agreed to hold, with the time of its
 * statement. A converge that agrees on both sides changed alike writes no log line, but it writes
 * this: the checker can tell "the sync never saw that value" only from here.
 */
export async function recordAgreements(db: Db): Promise<void> {
  const schema = db.target.schema;
  await db.knex.raw(`CREATE TABLE ??.?? ("ID" serial PRIMARY KEY, "AT" timestamptz NOT NULL, "SEQNO" integer NOT NULL, "POST_ID" text NOT NULL, "EXO" text, "NUMERIK" text)`, [schema, TABLE]);
  await db.knex.raw(
    `CREATE FUNCTION ??.torture_agreed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW."EXO_CONTENT" IS DISTINCT FROM OLD."EXO_CONTENT" OR NEW."NUMERIK_CONTENT" IS DISTINCT FROM OLD."NUMERIK_CONTENT" THEN
        INSERT INTO "${schema}"."${TABLE}" ("AT", "SEQNO", "POST_ID", "EXO", "NUMERIK") VALUES (clock_timestamp(), NEW."ACTIVITY_SEQNO", NEW."POST_ID", NEW."EXO_CONTENT", NEW."NUMERIK_CONTENT");
    END IF;
    RETURN NULL;
END
$$`,
    [schema],
  );
  await db.knex.raw(`CREATE TRIGGER torture_agreed AFTER INSERT OR UPDATE ON ??.?? FOR EACH ROW EXECUTE FUNCTION ??.torture_agreed()`, [schema, OBJECTS.postLink, schema]);
}

export async function readAgreements(db: Db): Promise<Agreement[]> {
  const rows = (await db.knex(`${db.target.schema}.${TABLE}`).select().orderBy('ID')) as { AT: Date | string; SEQNO: number; POST_ID: string; EXO: string | null; NUMERIK: string | null }[];
  const parse = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);
  return rows.map((r) => ({ at: new Date(r.AT).getTime(), seqno: r.SEQNO, postId: r.POST_ID, exo: parse(r.EXO), numerik: parse(r.NUMERIK) }));
}
