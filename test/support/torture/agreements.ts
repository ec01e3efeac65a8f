import type { Db } from '../../../db/connect.js';
import { OBJECTS } from '../../../db/plugin/objects.js';
import type { Agreement } from './history.js';

const TABLE = 'torture_agreements';

/**
 * Every agreement the sync records, as it records it: a row trigger on the link table (the run is
 * on PostgreSQL or PGlite, and this is the harness's instrument, never a migration's) notes each
 * insert, each update of what a side was agreed to hold or of the post's version, and each change
 * of the send recorded ahead of a PATCH (whose landing a later converge may take as its base
 * without another), with the time of its statement. A converge that agrees on both sides changed
 * alike writes no log line, but it writes this: the checker can tell "the sync never saw that
 * value" only from here.
 */
export async function recordAgreements(db: Db): Promise<void> {
  if (db.target.client === 'mssql') throw new Error('the torture run records the sync\'s agreements with a PostgreSQL trigger: run it on pglite or postgres (SQL Server is proven by test/sync/concurrency.test.ts)');
  const schema = db.target.schema;
  const table = `"${schema}"."${TABLE}"`;
  await db.knex.raw(
    `CREATE TABLE ${table} ("ID" serial PRIMARY KEY, "AT" timestamptz NOT NULL, "SEQNO" integer NOT NULL, "POST_ID" text NOT NULL, ` +
      `"VERSION" integer, "EXO" text, "NUMERIK" text, "SENDING" text, "WAS_SENDING" text, "AGREED" boolean NOT NULL)`,
  );
  await db.knex.raw(`CREATE FUNCTION "${schema}".torture_agreed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    agreed boolean := TG_OP = 'INSERT' OR NEW."EXO_CONTENT" IS DISTINCT FROM OLD."EXO_CONTENT" OR NEW."NUMERIK_CONTENT" IS DISTINCT FROM OLD."NUMERIK_CONTENT" OR NEW."NUMERIK_VERSION" IS DISTINCT FROM OLD."NUMERIK_VERSION";
    was text := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD."SENDING" END;
BEGIN
    IF agreed OR NEW."SENDING" IS DISTINCT FROM was THEN
        INSERT INTO ${table} ("AT", "SEQNO", "POST_ID", "VERSION", "EXO", "NUMERIK", "SENDING", "WAS_SENDING", "AGREED")
            VALUES (clock_timestamp(), NEW."ACTIVITY_SEQNO", NEW."POST_ID", NEW."NUMERIK_VERSION", NEW."EXO_CONTENT", NEW."NUMERIK_CONTENT", NEW."SENDING", was, agreed);
    END IF;
    RETURN NULL;
END
$$`);
  await db.knex.raw(`CREATE TRIGGER torture_agreed AFTER INSERT OR UPDATE ON "${schema}"."${OBJECTS.postLink}" FOR EACH ROW EXECUTE FUNCTION "${schema}".torture_agreed()`);
}

interface Row {
  AT: Date | string;
  SEQNO: number;
  POST_ID: string;
  VERSION: number | null;
  EXO: string | null;
  NUMERIK: string | null;
  SENDING: string | null;
  WAS_SENDING: string | null;
  AGREED: boolean;
}

/**
 * The agreements in the order written. A send recorded ahead is one at the version its PATCH makes
 * (If-Match the send's: landed, it made the next), unless it was put back as never made: a later
 * statement that changed only the send, back from it to what it replaced.
 */
export async function readAgreements(db: Db): Promise<Agreement[]> {
  const rows = (await db.knex(`${db.target.schema}.${TABLE}`).select().orderBy('ID')) as Row[];
  const parse = (json: string | null | undefined) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);
  const putBack = (r: Row, n: number) => rows.slice(n + 1).some((later) => later.SEQNO === r.SEQNO && !later.AGREED && later.WAS_SENDING === r.SENDING && later.SENDING === r.WAS_SENDING);
  return rows.flatMap((r, n) => {
    const base = { at: new Date(r.AT).getTime(), seqno: r.SEQNO, postId: r.POST_ID };
    const agreed = r.AGREED ? [{ ...base, version: r.VERSION, exo: parse(r.EXO), numerik: parse(r.NUMERIK) }] : [];
    if (!r.SENDING || r.SENDING === r.WAS_SENDING || putBack(r, n)) return agreed;
    const send = JSON.parse(r.SENDING) as { version: number; agreed: { exoContent?: string; numerikContent?: string } };
    return [...agreed, { ...base, version: send.version + 1, exo: parse(send.agreed.exoContent), numerik: parse(send.agreed.numerikContent) }];
  });
}
