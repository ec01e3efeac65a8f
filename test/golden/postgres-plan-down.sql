-- exo-numerik: migrate down on PostgreSQL, schema public
-- Every statement, as the runner sends it; each passed the migration guard. Each migration runs
-- in one transaction, together with its row in X_NUMERIK_MIGRATIONS.

-- ===== 0009-post-link-ref (down): X_NUMERIK_POST_LINK.POST_REF: the post's external_ref as Numerik last gave it (nullable: not known yet)
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."X_NUMERIK_POST_LINK" DROP COLUMN "POST_REF";

-- ===== 0008-post-link-sending (down): X_NUMERIK_POST_LINK.SENDING: the agreement a send in flight would record (nullable)
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."X_NUMERIK_POST_LINK" DROP COLUMN "SENDING";

-- ===== 0007-create-intent-content (down): X_NUMERIK_CREATE_INTENT.CONTENT: the content each post is created with (nullable)
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."X_NUMERIK_CREATE_INTENT" DROP COLUMN "CONTENT";

-- ===== 0006-bulk-capture (down): X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row
-- before these statements, `exo-numerik migrate down` splits the sets still waiting in X_NUMERIK_QUEUE_SETS into queue rows
SET LOCAL lock_timeout = '5s';
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_INS" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"();
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_UPD" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"();
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_DEL" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"();
CREATE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "public"."X_NUMERIK_QUEUE" ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")
        SELECT i."SEQNO", 'I', 'ready', 0, now(), now()
        FROM "x_numerik_new" AS i
        WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on';
    RETURN NULL;
END
$$;
CREATE TRIGGER "X_NUMERIK_TASKS_CAPTURE_INS" AFTER INSERT ON "public"."TASKS" REFERENCING NEW TABLE AS "x_numerik_new" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"();
CREATE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "public"."X_NUMERIK_QUEUE" ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")
        SELECT COALESCE(i."SEQNO", d."SEQNO"), CASE WHEN d."SEQNO" IS NULL THEN 'I' WHEN i."SEQNO" IS NULL THEN 'D' ELSE 'U' END, 'ready', 0, now(), now()
        FROM "x_numerik_new" AS i FULL OUTER JOIN "x_numerik_old" AS d ON d."SEQNO" = i."SEQNO"
        WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on'
          AND (i."SEQNO" IS NULL OR d."SEQNO" IS NULL
            OR i."SUBJECT" IS DISTINCT FROM d."SUBJECT"
            OR i."DETAILS" IS DISTINCT FROM d."DETAILS"
            OR i."COMPANYID" IS DISTINCT FROM d."COMPANYID"
            OR i."ASSIGNED_TO" IS DISTINCT FROM d."ASSIGNED_TO"
            OR i."COMPLETED" IS DISTINCT FROM d."COMPLETED"
            OR i."COMPLETED_DATETIME" IS DISTINCT FROM d."COMPLETED_DATETIME"
            OR i."START_DATETIME" IS DISTINCT FROM d."START_DATETIME"
            OR i."END_DATETIME" IS DISTINCT FROM d."END_DATETIME"
            OR i."TYPE" IS DISTINCT FROM d."TYPE"
            OR i."STATUS" IS DISTINCT FROM d."STATUS"
            OR i."ACTIVITY_TYPE" IS DISTINCT FROM d."ACTIVITY_TYPE"
            OR i."DELETED_FLAG" IS DISTINCT FROM d."DELETED_FLAG"
            OR i."EVENTTYPE" IS DISTINCT FROM d."EVENTTYPE");
    RETURN NULL;
END
$$;
CREATE TRIGGER "X_NUMERIK_TASKS_CAPTURE_UPD" AFTER UPDATE ON "public"."TASKS" REFERENCING OLD TABLE AS "x_numerik_old" NEW TABLE AS "x_numerik_new" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"();
CREATE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "public"."X_NUMERIK_QUEUE" ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")
        SELECT d."SEQNO", 'D', 'ready', 0, now(), now()
        FROM "x_numerik_old" AS d
        WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on';
    RETURN NULL;
END
$$;
CREATE TRIGGER "X_NUMERIK_TASKS_CAPTURE_DEL" AFTER DELETE ON "public"."TASKS" REFERENCING OLD TABLE AS "x_numerik_old" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"();
DO $$ BEGIN IF EXISTS (SELECT 1 FROM "public"."X_NUMERIK_QUEUE_SETS") THEN RAISE EXCEPTION USING MESSAGE = 'X_NUMERIK_QUEUE_SETS still holds changes of bulk Exo statements not yet split into X_NUMERIK_QUEUE: reverting 0006-bulk-capture now would lose them. Let the worker run (`exo-numerik sync`) or revert with `exo-numerik migrate down`, which splits them first, then revert again.'; END IF; END $$;
DROP TABLE "public"."X_NUMERIK_QUEUE_SETS";
DROP SEQUENCE "public"."X_NUMERIK_QUEUE_SETS_SEQ";

-- ===== 0005-record-fields (down): TASKS.X_NUMERIK_POST and TASKS.X_NUMERIK_STATE (nullable, metadata-only) with their EXTRA_FIELDS rows; columns for post URLs, manual customer links, resolutions; log indexes by activity and post
SET LOCAL lock_timeout = '5s';
drop index "public"."X_NUMERIK_LOG_POST";
drop index "public"."X_NUMERIK_LOG_ACTIVITY";
ALTER TABLE "public"."X_NUMERIK_LOG" DROP COLUMN "RESOLUTION";
ALTER TABLE "public"."X_NUMERIK_LOG" DROP COLUMN "RESOLVED_BY";
ALTER TABLE "public"."X_NUMERIK_CUSTOMER_LINK" DROP COLUMN "SOURCE";
ALTER TABLE "public"."X_NUMERIK_POST_LINK" DROP COLUMN "POST_URL";
-- only where "public"."EXTRA_FIELDS" exists:
DELETE FROM "public"."EXTRA_FIELDS" WHERE "TABLE_NAME" = 'TASKS' AND "FIELD_NAME" = 'X_NUMERIK_STATE';
ALTER TABLE "public"."TASKS" DROP COLUMN "X_NUMERIK_STATE";
-- only where "public"."EXTRA_FIELDS" exists:
DELETE FROM "public"."EXTRA_FIELDS" WHERE "TABLE_NAME" = 'TASKS' AND "FIELD_NAME" = 'X_NUMERIK_POST';
ALTER TABLE "public"."TASKS" DROP COLUMN "X_NUMERIK_POST";

-- ===== 0004-create-intents (down): X_NUMERIK_CREATE_INTENT: the token each post the sync creates carries, recorded before the create
SET LOCAL lock_timeout = '5s';
DROP TABLE "public"."X_NUMERIK_CREATE_INTENT";

-- ===== 0003-folder-field (down): TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row
SET LOCAL lock_timeout = '5s';
-- only where "public"."EXTRA_FIELDS" exists:
DELETE FROM "public"."EXTRA_FIELDS" WHERE "TABLE_NAME" = 'TASKS' AND "FIELD_NAME" = 'X_NUMERIK_FOLDER';
ALTER TABLE "public"."TASKS" DROP COLUMN "X_NUMERIK_FOLDER";

-- ===== 0002-change-capture (down): X_NUMERIK_QUEUE (keyed by a SEQUENCE) and the change-capture trigger(s) on TASKS
SET LOCAL lock_timeout = '5s';
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_INS" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"();
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_UPD" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"();
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_DEL" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"();
DROP TABLE "public"."X_NUMERIK_QUEUE";
DROP SEQUENCE "public"."X_NUMERIK_QUEUE_SEQ";

-- ===== 0001-plugin-tables (down): X_NUMERIK_* tables: migrations, settings, log, post/customer/staff/type links, inbox
SET LOCAL lock_timeout = '5s';
DROP TABLE "public"."X_NUMERIK_INBOX";
DROP SEQUENCE "public"."X_NUMERIK_INBOX_SEQ";
DROP TABLE "public"."X_NUMERIK_TYPE_TAG";
DROP TABLE "public"."X_NUMERIK_STAFF_LINK";
DROP TABLE "public"."X_NUMERIK_CUSTOMER_LINK";
DROP TABLE "public"."X_NUMERIK_POST_LINK";
DROP TABLE "public"."X_NUMERIK_LOG";
DROP SEQUENCE "public"."X_NUMERIK_LOG_SEQ";
DROP TABLE "public"."X_NUMERIK_SETTINGS";
DROP TABLE "public"."X_NUMERIK_MIGRATIONS";
