-- exo-numerik: migrate down on SQL Server, schema dbo
-- Every statement, as the runner sends it; each passed the migration guard. Each migration runs
-- in one transaction, together with its row in X_NUMERIK_MIGRATIONS.

-- ===== 0009-post-link-ref (down): X_NUMERIK_POST_LINK.POST_REF: the post's external_ref as Numerik last gave it (nullable: not known yet)
SET LOCK_TIMEOUT 5000;
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] DROP COLUMN [POST_REF];
SET LOCK_TIMEOUT -1;

-- ===== 0008-post-link-sending (down): X_NUMERIK_POST_LINK.SENDING: the agreement a send in flight would record (nullable)
SET LOCK_TIMEOUT 5000;
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] DROP COLUMN [SENDING];
SET LOCK_TIMEOUT -1;

-- ===== 0007-create-intent-content (down): X_NUMERIK_CREATE_INTENT.CONTENT: the content each post is created with (nullable)
SET LOCK_TIMEOUT 5000;
ALTER TABLE [dbo].[X_NUMERIK_CREATE_INTENT] DROP COLUMN [CONTENT];
SET LOCK_TIMEOUT -1;

-- ===== 0006-bulk-capture (down): X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row
-- before these statements, `exo-numerik migrate down` splits the sets still waiting in X_NUMERIK_QUEUE_SETS into queue rows
SET LOCK_TIMEOUT 5000;
DROP TRIGGER [dbo].[X_NUMERIK_TASKS_CAPTURE];
CREATE TRIGGER [dbo].[X_NUMERIK_TASKS_CAPTURE] ON [dbo].[TASKS] AFTER INSERT, UPDATE, DELETE AS
BEGIN
    IF @@ROWCOUNT_BIG = 0 RETURN;
    SET NOCOUNT ON;
    DECLARE @echo sql_variant = SESSION_CONTEXT(N'exo_numerik.echo');
    IF @echo = CURRENT_TRANSACTION_ID() RETURN;
    INSERT INTO [dbo].[X_NUMERIK_QUEUE] ([ACTIVITY_SEQNO], [OPERATION], [STATE], [ATTEMPTS], [QUEUED_AT], [NEXT_ATTEMPT_AT])
        SELECT COALESCE(i.[SEQNO], d.[SEQNO]),
            CASE WHEN d.[SEQNO] IS NULL THEN 'I' WHEN i.[SEQNO] IS NULL THEN 'D' ELSE 'U' END,
            'ready', 0, SYSUTCDATETIME(), SYSUTCDATETIME()
        FROM inserted AS i
        FULL OUTER JOIN deleted AS d ON d.[SEQNO] = i.[SEQNO]
        WHERE i.[SEQNO] IS NULL OR d.[SEQNO] IS NULL
            OR (CAST(i.[SUBJECT] AS varbinary(60)) <> CAST(d.[SUBJECT] AS varbinary(60)) OR (i.[SUBJECT] IS NULL AND d.[SUBJECT] IS NOT NULL) OR (i.[SUBJECT] IS NOT NULL AND d.[SUBJECT] IS NULL))
            OR (CAST(i.[DETAILS] AS varbinary(5500)) <> CAST(d.[DETAILS] AS varbinary(5500)) OR (i.[DETAILS] IS NULL AND d.[DETAILS] IS NOT NULL) OR (i.[DETAILS] IS NOT NULL AND d.[DETAILS] IS NULL))
            OR (CAST(i.[COMPANYID] AS varbinary(50)) <> CAST(d.[COMPANYID] AS varbinary(50)) OR (i.[COMPANYID] IS NULL AND d.[COMPANYID] IS NOT NULL) OR (i.[COMPANYID] IS NOT NULL AND d.[COMPANYID] IS NULL))
            OR (i.[ASSIGNED_TO] <> d.[ASSIGNED_TO] OR (i.[ASSIGNED_TO] IS NULL AND d.[ASSIGNED_TO] IS NOT NULL) OR (i.[ASSIGNED_TO] IS NOT NULL AND d.[ASSIGNED_TO] IS NULL))
            OR (CAST(i.[COMPLETED] AS varbinary(1)) <> CAST(d.[COMPLETED] AS varbinary(1)) OR (i.[COMPLETED] IS NULL AND d.[COMPLETED] IS NOT NULL) OR (i.[COMPLETED] IS NOT NULL AND d.[COMPLETED] IS NULL))
            OR (i.[COMPLETED_DATETIME] <> d.[COMPLETED_DATETIME] OR (i.[COMPLETED_DATETIME] IS NULL AND d.[COMPLETED_DATETIME] IS NOT NULL) OR (i.[COMPLETED_DATETIME] IS NOT NULL AND d.[COMPLETED_DATETIME] IS NULL))
            OR (i.[START_DATETIME] <> d.[START_DATETIME] OR (i.[START_DATETIME] IS NULL AND d.[START_DATETIME] IS NOT NULL) OR (i.[START_DATETIME] IS NOT NULL AND d.[START_DATETIME] IS NULL))
            OR (i.[END_DATETIME] <> d.[END_DATETIME] OR (i.[END_DATETIME] IS NULL AND d.[END_DATETIME] IS NOT NULL) OR (i.[END_DATETIME] IS NOT NULL AND d.[END_DATETIME] IS NULL))
            OR (i.[TYPE] <> d.[TYPE] OR (i.[TYPE] IS NULL AND d.[TYPE] IS NOT NULL) OR (i.[TYPE] IS NOT NULL AND d.[TYPE] IS NULL))
            OR (i.[STATUS] <> d.[STATUS] OR (i.[STATUS] IS NULL AND d.[STATUS] IS NOT NULL) OR (i.[STATUS] IS NOT NULL AND d.[STATUS] IS NULL))
            OR (i.[ACTIVITY_TYPE] <> d.[ACTIVITY_TYPE] OR (i.[ACTIVITY_TYPE] IS NULL AND d.[ACTIVITY_TYPE] IS NOT NULL) OR (i.[ACTIVITY_TYPE] IS NOT NULL AND d.[ACTIVITY_TYPE] IS NULL))
            OR (CAST(i.[DELETED_FLAG] AS varbinary(1)) <> CAST(d.[DELETED_FLAG] AS varbinary(1)) OR (i.[DELETED_FLAG] IS NULL AND d.[DELETED_FLAG] IS NOT NULL) OR (i.[DELETED_FLAG] IS NOT NULL AND d.[DELETED_FLAG] IS NULL))
            OR (i.[EVENTTYPE] <> d.[EVENTTYPE] OR (i.[EVENTTYPE] IS NULL AND d.[EVENTTYPE] IS NOT NULL) OR (i.[EVENTTYPE] IS NOT NULL AND d.[EVENTTYPE] IS NULL));
END;
IF EXISTS (SELECT 1 FROM [dbo].[X_NUMERIK_QUEUE_SETS]) THROW 50000, N'X_NUMERIK_QUEUE_SETS still holds changes of bulk Exo statements not yet split into X_NUMERIK_QUEUE: reverting 0006-bulk-capture now would lose them. Let the worker run (`exo-numerik sync`) or revert with `exo-numerik migrate down`, which splits them first, then revert again.', 1;
DROP TABLE [dbo].[X_NUMERIK_QUEUE_SETS];
DROP SEQUENCE [dbo].[X_NUMERIK_QUEUE_SETS_SEQ];
SET LOCK_TIMEOUT -1;

-- ===== 0005-record-fields (down): TASKS.X_NUMERIK_POST and TASKS.X_NUMERIK_STATE (nullable, metadata-only) with their EXTRA_FIELDS rows; columns for post URLs, manual customer links, resolutions; log indexes by activity and post
SET LOCK_TIMEOUT 5000;
DROP INDEX [X_NUMERIK_LOG_POST] ON [dbo].[X_NUMERIK_LOG];
DROP INDEX [X_NUMERIK_LOG_ACTIVITY] ON [dbo].[X_NUMERIK_LOG];
ALTER TABLE [dbo].[X_NUMERIK_LOG] DROP COLUMN [RESOLUTION];
ALTER TABLE [dbo].[X_NUMERIK_LOG] DROP COLUMN [RESOLVED_BY];
ALTER TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK] DROP COLUMN [SOURCE];
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] DROP COLUMN [POST_URL];
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_STATE';
ALTER TABLE [dbo].[TASKS] DROP COLUMN [X_NUMERIK_STATE];
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_POST';
ALTER TABLE [dbo].[TASKS] DROP COLUMN [X_NUMERIK_POST];
SET LOCK_TIMEOUT -1;

-- ===== 0004-create-intents (down): X_NUMERIK_CREATE_INTENT: the token each post the sync creates carries, recorded before the create
SET LOCK_TIMEOUT 5000;
DROP TABLE [dbo].[X_NUMERIK_CREATE_INTENT];
SET LOCK_TIMEOUT -1;

-- ===== 0003-folder-field (down): TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row
SET LOCK_TIMEOUT 5000;
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_FOLDER';
ALTER TABLE [dbo].[TASKS] DROP COLUMN [X_NUMERIK_FOLDER];
SET LOCK_TIMEOUT -1;

-- ===== 0002-change-capture (down): X_NUMERIK_QUEUE (keyed by a SEQUENCE) and the change-capture trigger(s) on TASKS
SET LOCK_TIMEOUT 5000;
DROP TRIGGER [dbo].[X_NUMERIK_TASKS_CAPTURE];
DROP TABLE [dbo].[X_NUMERIK_QUEUE];
DROP SEQUENCE [dbo].[X_NUMERIK_QUEUE_SEQ];
SET LOCK_TIMEOUT -1;

-- ===== 0001-plugin-tables (down): X_NUMERIK_* tables: migrations, settings, log, post/customer/staff/type links, inbox
SET LOCK_TIMEOUT 5000;
DROP TABLE [dbo].[X_NUMERIK_INBOX];
DROP SEQUENCE [dbo].[X_NUMERIK_INBOX_SEQ];
DROP TABLE [dbo].[X_NUMERIK_TYPE_TAG];
DROP TABLE [dbo].[X_NUMERIK_STAFF_LINK];
DROP TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK];
DROP TABLE [dbo].[X_NUMERIK_POST_LINK];
DROP TABLE [dbo].[X_NUMERIK_LOG];
DROP SEQUENCE [dbo].[X_NUMERIK_LOG_SEQ];
DROP TABLE [dbo].[X_NUMERIK_SETTINGS];
DROP TABLE [dbo].[X_NUMERIK_MIGRATIONS];
SET LOCK_TIMEOUT -1;
