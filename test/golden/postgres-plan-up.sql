-- exo-numerik: migrate up on PostgreSQL, schema public
-- Every statement, as the runner sends it; each passed the migration guard. Each migration runs
-- in one transaction, together with its row in X_NUMERIK_MIGRATIONS.

-- ===== 0001-plugin-tables (up): X_NUMERIK_* tables: migrations, settings, log, post/customer/staff/type links, inbox
SET LOCAL lock_timeout = '5s';
create table "public"."X_NUMERIK_MIGRATIONS" ("NAME" varchar(200) not null, "CHECKSUM" varchar(64) not null, "APPLIED_AT" timestamptz not null, constraint "X_NUMERIK_MIGRATIONS_PK" primary key ("NAME"));
create table "public"."X_NUMERIK_SETTINGS" ("SETTING_KEY" varchar(100) not null, "SETTING_VALUE" text not null, "UPDATED_AT" timestamptz not null, "UPDATED_BY" varchar(100) null, constraint "X_NUMERIK_SETTINGS_PK" primary key ("SETTING_KEY"));
CREATE SEQUENCE "public"."X_NUMERIK_LOG_SEQ" AS bigint CACHE 100;
create table "public"."X_NUMERIK_LOG" ("ID" bigint not null default nextval('"public"."X_NUMERIK_LOG_SEQ"'), "LOGGED_AT" timestamptz not null, "DIRECTION" varchar(10) not null, "KIND" varchar(20) not null, "ACTIVITY_SEQNO" integer null, "POST_ID" varchar(64) null, "REASON" varchar(400) not null, "DETAIL" text null, "RESOLVED_AT" timestamptz null, constraint "X_NUMERIK_LOG_PK" primary key ("ID"));
create index "X_NUMERIK_LOG_KIND" on "public"."X_NUMERIK_LOG" ("KIND", "LOGGED_AT");
create table "public"."X_NUMERIK_POST_LINK" ("ACTIVITY_SEQNO" integer not null, "POST_ID" varchar(64) not null, "POST_TYPE" varchar(10) not null, "ORIGIN" varchar(10) not null, "STATE" varchar(20) not null, "EXO_HASH" varchar(64) null, "EXO_CONTENT" text null, "EXO_ASSIGNED_TO" integer null, "NUMERIK_VERSION" integer null, "NUMERIK_HASH" varchar(64) null, "NUMERIK_CONTENT" text null, "CREATED_AT" timestamptz not null, "SYNCED_AT" timestamptz not null, constraint "X_NUMERIK_POST_LINK_PK" primary key ("ACTIVITY_SEQNO"));
alter table "public"."X_NUMERIK_POST_LINK" add constraint "X_NUMERIK_POST_LINK_POST" unique ("POST_ID");
create table "public"."X_NUMERIK_CUSTOMER_LINK" ("ACCOUNT_TYPE" varchar(1) not null, "ACCNO" integer not null, "CUSTOMER_ID" varchar(64) not null, "CUSTOMER_NAME" varchar(200) null, "UPDATED_AT" timestamptz not null, constraint "X_NUMERIK_CUSTOMER_LINK_PK" primary key ("ACCOUNT_TYPE", "ACCNO"));
alter table "public"."X_NUMERIK_CUSTOMER_LINK" add constraint "X_NUMERIK_CUSTOMER_LINK_CUSTOMER" unique ("CUSTOMER_ID");
create table "public"."X_NUMERIK_STAFF_LINK" ("STAFFNO" integer not null, "USER_ID" varchar(64) not null, "EMAIL" varchar(200) null, "SOURCE" varchar(10) not null, "UPDATED_AT" timestamptz not null, constraint "X_NUMERIK_STAFF_LINK_PK" primary key ("STAFFNO"));
alter table "public"."X_NUMERIK_STAFF_LINK" add constraint "X_NUMERIK_STAFF_LINK_USER" unique ("USER_ID");
create table "public"."X_NUMERIK_TYPE_TAG" ("TYPE_SEQNO" integer not null, "TAG_NAME" varchar(100) not null, "TAG_ID" varchar(64) null, "SOURCE" varchar(10) not null, "UPDATED_AT" timestamptz not null, constraint "X_NUMERIK_TYPE_TAG_PK" primary key ("TYPE_SEQNO"));
create index "X_NUMERIK_TYPE_TAG_TAG" on "public"."X_NUMERIK_TYPE_TAG" ("TAG_NAME");
CREATE SEQUENCE "public"."X_NUMERIK_INBOX_SEQ" AS bigint CACHE 100;
create table "public"."X_NUMERIK_INBOX" ("ID" bigint not null default nextval('"public"."X_NUMERIK_INBOX_SEQ"'), "EVENT_ID" varchar(100) not null, "EVENT_TYPE" varchar(40) not null, "POST_ID" varchar(64) not null, "POST_VERSION" integer null, "SOURCE" varchar(10) not null, "RECEIVED_AT" timestamptz not null, "STATE" varchar(10) not null, "ATTEMPTS" integer not null, "NEXT_ATTEMPT_AT" timestamptz not null, "CLAIMED_BY" varchar(100) null, "LEASE_UNTIL" timestamptz null, "LAST_ERROR" varchar(2000) null, constraint "X_NUMERIK_INBOX_PK" primary key ("ID"));
alter table "public"."X_NUMERIK_INBOX" add constraint "X_NUMERIK_INBOX_EVENT" unique ("EVENT_ID");

-- ===== 0002-change-capture (up): X_NUMERIK_QUEUE (keyed by a SEQUENCE) and the change-capture trigger(s) on TASKS
SET LOCAL lock_timeout = '5s';
CREATE SEQUENCE "public"."X_NUMERIK_QUEUE_SEQ" AS bigint CACHE 100;
create table "public"."X_NUMERIK_QUEUE" ("ID" bigint not null default nextval('"public"."X_NUMERIK_QUEUE_SEQ"'), "ACTIVITY_SEQNO" integer not null, "OPERATION" varchar(1) not null, "STATE" varchar(10) not null, "ATTEMPTS" integer not null, "QUEUED_AT" timestamptz not null, "NEXT_ATTEMPT_AT" timestamptz not null, "CLAIMED_BY" varchar(100) null, "LEASE_UNTIL" timestamptz null, "LAST_ERROR" varchar(2000) null, constraint "X_NUMERIK_QUEUE_PK" primary key ("ID"));
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

-- ===== 0003-folder-field (up): TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."TASKS" ADD COLUMN "X_NUMERIK_FOLDER" varchar(255) NULL;
-- only where "public"."EXTRA_FIELDS" exists:
INSERT INTO "public"."EXTRA_FIELDS" ("SEQNO", "TABLE_NAME", "FIELD_NAME", "DISPLAY_NAME", "CONTROL_NO", "CONTROL_SIZE", "CONTROL_TYPE", "DATA_SIZE", "DATA_TYPE", "EDITABLE", "TOOLTIP") SELECT m.n, 'TASKS', 'X_NUMERIK_FOLDER', 'Numerik attachments', NULL, NULL, NULL, 255, NULL, 'N', 'Folder of the Numerik attachments of this activity (exo-numerik)' FROM (SELECT COALESCE(MAX("SEQNO"), 0) + 1 AS n FROM "public"."EXTRA_FIELDS") AS m WHERE NOT EXISTS (SELECT 1 FROM "public"."EXTRA_FIELDS" WHERE "TABLE_NAME" = 'TASKS' AND "FIELD_NAME" = 'X_NUMERIK_FOLDER');

-- ===== 0004-create-intents (up): X_NUMERIK_CREATE_INTENT: the token each post the sync creates carries, recorded before the create
SET LOCAL lock_timeout = '5s';
create table "public"."X_NUMERIK_CREATE_INTENT" ("ACTIVITY_SEQNO" integer not null, "TOKEN" varchar(64) not null, "CREATED_AT" timestamptz not null, constraint "X_NUMERIK_CREATE_INTENT_PK" primary key ("ACTIVITY_SEQNO"));

-- ===== 0005-record-fields (up): TASKS.X_NUMERIK_POST and TASKS.X_NUMERIK_STATE (nullable, metadata-only) with their EXTRA_FIELDS rows; columns for post URLs, manual customer links, resolutions; log indexes by activity and post
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."TASKS" ADD COLUMN "X_NUMERIK_POST" varchar(255) NULL;
-- only where "public"."EXTRA_FIELDS" exists:
INSERT INTO "public"."EXTRA_FIELDS" ("SEQNO", "TABLE_NAME", "FIELD_NAME", "DISPLAY_NAME", "CONTROL_NO", "CONTROL_SIZE", "CONTROL_TYPE", "DATA_SIZE", "DATA_TYPE", "EDITABLE", "TOOLTIP") SELECT m.n, 'TASKS', 'X_NUMERIK_POST', 'Numerik post', NULL, NULL, NULL, 255, NULL, 'N', 'This activity''s post in Numerik (exo-numerik)' FROM (SELECT COALESCE(MAX("SEQNO"), 0) + 1 AS n FROM "public"."EXTRA_FIELDS") AS m WHERE NOT EXISTS (SELECT 1 FROM "public"."EXTRA_FIELDS" WHERE "TABLE_NAME" = 'TASKS' AND "FIELD_NAME" = 'X_NUMERIK_POST');
ALTER TABLE "public"."TASKS" ADD COLUMN "X_NUMERIK_STATE" varchar(100) NULL;
-- only where "public"."EXTRA_FIELDS" exists:
INSERT INTO "public"."EXTRA_FIELDS" ("SEQNO", "TABLE_NAME", "FIELD_NAME", "DISPLAY_NAME", "CONTROL_NO", "CONTROL_SIZE", "CONTROL_TYPE", "DATA_SIZE", "DATA_TYPE", "EDITABLE", "TOOLTIP") SELECT m.n, 'TASKS', 'X_NUMERIK_STATE', 'Numerik sync', NULL, NULL, NULL, 100, NULL, 'N', 'Whether this activity is in Numerik, waiting, or stopped (exo-numerik)' FROM (SELECT COALESCE(MAX("SEQNO"), 0) + 1 AS n FROM "public"."EXTRA_FIELDS") AS m WHERE NOT EXISTS (SELECT 1 FROM "public"."EXTRA_FIELDS" WHERE "TABLE_NAME" = 'TASKS' AND "FIELD_NAME" = 'X_NUMERIK_STATE');
ALTER TABLE "public"."X_NUMERIK_POST_LINK" ADD COLUMN "POST_URL" varchar(400) NULL;
ALTER TABLE "public"."X_NUMERIK_CUSTOMER_LINK" ADD COLUMN "SOURCE" varchar(10) NULL;
ALTER TABLE "public"."X_NUMERIK_LOG" ADD COLUMN "RESOLVED_BY" varchar(100) NULL;
ALTER TABLE "public"."X_NUMERIK_LOG" ADD COLUMN "RESOLUTION" varchar(400) NULL;
create index "X_NUMERIK_LOG_ACTIVITY" on "public"."X_NUMERIK_LOG" ("ACTIVITY_SEQNO");
create index "X_NUMERIK_LOG_POST" on "public"."X_NUMERIK_LOG" ("POST_ID");

-- ===== 0006-bulk-capture (up): X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row
SET LOCAL lock_timeout = '5s';
CREATE SEQUENCE "public"."X_NUMERIK_QUEUE_SETS_SEQ" AS bigint CACHE 100;
create table "public"."X_NUMERIK_QUEUE_SETS" ("ID" bigint not null default nextval('"public"."X_NUMERIK_QUEUE_SETS_SEQ"'), "OPERATION" varchar(1) not null, "KEYS" text not null, "FANNED_OUT" integer not null, "QUEUED_AT" timestamptz not null, constraint "X_NUMERIK_QUEUE_SETS_PK" primary key ("ID"));
ALTER TABLE "public"."X_NUMERIK_QUEUE_SETS" ALTER COLUMN "KEYS" SET STORAGE EXTERNAL;
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_INS" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"();
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_UPD" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"();
DROP TRIGGER "X_NUMERIK_TASKS_CAPTURE_DEL" ON "public"."TASKS";
DROP FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"();
CREATE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM "x_numerik_new") = 1 THEN
        INSERT INTO "public"."X_NUMERIK_QUEUE" ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")
            SELECT i."SEQNO", 'I', 'ready', 0, now(), now()
            FROM "x_numerik_new" AS i
            WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on';
    ELSE
        INSERT INTO "public"."X_NUMERIK_QUEUE_SETS" ("OPERATION", "KEYS", "FANNED_OUT", "QUEUED_AT")
            SELECT 'I', CAST(json_agg(i."SEQNO") AS text), 0, now()
            FROM "x_numerik_new" AS i
            WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on'
            HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "X_NUMERIK_TASKS_CAPTURE_INS" AFTER INSERT ON "public"."TASKS" REFERENCING NEW TABLE AS "x_numerik_new" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_INS"();
CREATE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM "x_numerik_new") = 1 THEN
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
    ELSE
        INSERT INTO "public"."X_NUMERIK_QUEUE_SETS" ("OPERATION", "KEYS", "FANNED_OUT", "QUEUED_AT")
            SELECT 'U', CAST(json_agg(COALESCE(i."SEQNO", d."SEQNO")) AS text), 0, now()
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
                OR i."EVENTTYPE" IS DISTINCT FROM d."EVENTTYPE")
            HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "X_NUMERIK_TASKS_CAPTURE_UPD" AFTER UPDATE ON "public"."TASKS" REFERENCING OLD TABLE AS "x_numerik_old" NEW TABLE AS "x_numerik_new" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_UPD"();
CREATE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM "x_numerik_old") = 1 THEN
        INSERT INTO "public"."X_NUMERIK_QUEUE" ("ACTIVITY_SEQNO", "OPERATION", "STATE", "ATTEMPTS", "QUEUED_AT", "NEXT_ATTEMPT_AT")
            SELECT d."SEQNO", 'D', 'ready', 0, now(), now()
            FROM "x_numerik_old" AS d
            WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on';
    ELSE
        INSERT INTO "public"."X_NUMERIK_QUEUE_SETS" ("OPERATION", "KEYS", "FANNED_OUT", "QUEUED_AT")
            SELECT 'D', CAST(json_agg(d."SEQNO") AS text), 0, now()
            FROM "x_numerik_old" AS d
            WHERE COALESCE(current_setting('exo_numerik.echo', true), '') <> 'on'
            HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "X_NUMERIK_TASKS_CAPTURE_DEL" AFTER DELETE ON "public"."TASKS" REFERENCING OLD TABLE AS "x_numerik_old" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_TASKS_CAPTURE_DEL"();

-- ===== 0007-create-intent-content (up): X_NUMERIK_CREATE_INTENT.CONTENT: the content each post is created with (nullable)
SET LOCAL lock_timeout = '5s';
alter table "public"."X_NUMERIK_CREATE_INTENT" add column "CONTENT" text null;

-- ===== 0008-post-link-sending (up): X_NUMERIK_POST_LINK.SENDING: the agreement a send in flight would record (nullable)
SET LOCAL lock_timeout = '5s';
alter table "public"."X_NUMERIK_POST_LINK" add column "SENDING" text null;

-- ===== 0009-post-link-ref (up): X_NUMERIK_POST_LINK.POST_REF: the post's external_ref as Numerik last gave it (nullable: not known yet)
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."X_NUMERIK_POST_LINK" ADD COLUMN "POST_REF" varchar(400) NULL;
