import type { Db } from '../../../db/connect.js';
import { OBJECTS } from '../../../db/plugin/objects.js';
import type { Agreement } from './history.js';

const TABLE = 'torture_agreements';

/**
 * Every agreement the sync records, as it records it: a row trigger on the link table (the run is
 * on PostgreSQL or PGlite, and this is the harness's instrument, never a migration's) notes each
 * insert, each update of what a side was agreed to hold or of the post's version, and each send
 * recorded ahead of its PATCH (whose landing a later converge may take as its base without
 * another), with the time of its statement. A converge that agrees on both sides changed alike
 * writes no log line, but it writes this: the checker can tell "the sync never saw that value"
 * only from here.
 */
export async function recordAgreements(db: Db): Promise<void> {
  if (db.target.client === 'mssql') throw new Error('the torture run records the sync\'s agreements with a PostgreSQL trigger: run it on pglite or postgres (SQL Server is proven by test/sync/concurrency.test.ts)');
  const schema = db.target.schema;
  const table = `"${schema}"."${TABLE}"`;
  await db.knex.raw(`CREATE TABLE ${table} ("ID" serial PRIMARY KEY, "AT" timestamptz NOT NULL, "SEQNO" integer NOT NULL, "POST_ID" text NOT NULL, "VERSION" integer, "EXO" text, "NUMERIK" text)`);
  await db.knex.raw(`CREATE FUNCTION "${schema}".torture_agreed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW."EXO_CONTENT" IS DISTINCT FROM OLD."EXO_CONTENT" OR NEW."NUMERIK_CONTENT" IS DISTINCT FROM OLD."NUMERIK_CONTENT" OR NEW."NUMERIK_VERSION" IS DISTINCT FROM OLD."NUMERIK_VERSION" THEN
        INSERT INTO ${table} ("AT", "SEQNO", "POST_ID", "VERSION", "EXO", "NUMERIK")
            VALUES (clock_timestamp(), NEW."ACTIVITY_SEQNO", NEW."POST_ID", NEW."NUMERIK_VERSION", NEW."EXO_CONTENT", NEW."NUMERIK_CONTENT");
    END IF;
    -- A PATCH is made If-Match the send's version: landed, it made the next one.
    IF NEW."SENDING" IS NOT NULL AND (TG_OP = 'INSERT' OR NEW."SENDING" IS DISTINCT FROM OLD."SENDING") THEN
        INSERT INTO ${table} ("AT", "SEQNO", "POST_ID", "VERSION", "EXO", "NUMERIK")
            VALUES (clock_timestamp(), NEW."ACTIVITY_SEQNO", NEW."POST_ID", (NEW."SENDING"::json->>'version')::integer + 1,
                NEW."SENDING"::json->'agreed'->>'exoContent', NEW."SENDING"::json->'agreed'->>'numerikContent');
    END IF;
    RETURN NULL;
END
$$`);
  await db.knex.raw(`CREATE TRIGGER torture_agreed AFTER INSERT OR UPDATE ON "${schema}"."${OBJECTS.postLink}" FOR EACH ROW EXECUTE FUNCTION "${schema}".torture_agreed()`);
}

export async function readAgreements(db: Db): Promise<Agreement[]> {
  const rows = (await db.knex(`${db.target.schema}.${TABLE}`).select().orderBy('ID')) as { AT: Date | string; SEQNO: number; POST_ID: string; VERSION: number | null; EXO: string | null; NUMERIK: string | null }[];
  const parse = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);
  return rows.map((r) => ({ at: new Date(r.AT).getTime(), seqno: r.SEQNO, postId: r.POST_ID, version: r.VERSION, exo: parse(r.EXO), numerik: parse(r.NUMERIK) }));
}
