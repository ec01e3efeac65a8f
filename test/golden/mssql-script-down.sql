-- exo-numerik migration script: migrate down, SQL Server 2016 or later, schema dbo
-- Migrations: 0009-post-link-ref, 0008-post-link-sending, 0007-create-intent-content, 0006-bulk-capture, 0005-record-fields, 0004-create-intents, 0003-folder-field, 0002-change-capture, 0001-plugin-tables
-- Run with: sqlcmd -S <server> -d <Exo database> -E -b -i <this file>   (or open in SSMS and press F5)
-- Each migration is one transaction. If any statement fails, that transaction is rolled back,
-- an error is raised, and nothing after it runs (SET NOEXEC ON).
-- Every statement passed the exo-numerik migration guard.
SET XACT_ABORT ON;
SET NOCOUNT ON;
-- Do not queue behind a long Exo query holding TASKS: give up after 5 s and run again later.
SET LOCK_TIMEOUT 5000;
GO

-- ===== 0009-post-link-ref (down): X_NUMERIK_POST_LINK.POST_REF: the post's external_ref as Numerik last gave it (nullable: not known yet)
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0009-post-link-ref';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0009-post-link-ref failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] DROP COLUMN [POST_REF];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0009-post-link-ref failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0008-post-link-sending (down): X_NUMERIK_POST_LINK.SENDING: the agreement a send in flight would record (nullable)
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0008-post-link-sending';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0008-post-link-sending failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] DROP COLUMN [SENDING];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0008-post-link-sending failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0007-create-intent-content (down): X_NUMERIK_CREATE_INTENT.CONTENT: the content each post is created with (nullable)
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0007-create-intent-content';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0007-create-intent-content failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_CREATE_INTENT] DROP COLUMN [CONTENT];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0007-create-intent-content failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0006-bulk-capture (down): X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row
-- `exo-numerik migrate down` splits the sets still waiting in X_NUMERIK_QUEUE_SETS into queue rows; this script cannot, so run that first
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0006-bulk-capture';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TRIGGER [dbo].[X_NUMERIK_TASKS_CAPTURE];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
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
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF EXISTS (SELECT 1 FROM [dbo].[X_NUMERIK_QUEUE_SETS]) THROW 50000, N'X_NUMERIK_QUEUE_SETS still holds changes of bulk Exo statements not yet split into X_NUMERIK_QUEUE: reverting 0006-bulk-capture now would lose them. Let the worker run (`exo-numerik sync`) or revert with `exo-numerik migrate down`, which splits them first, then revert again.', 1;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_QUEUE_SETS];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP SEQUENCE [dbo].[X_NUMERIK_QUEUE_SETS_SEQ];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0005-record-fields (down): TASKS.X_NUMERIK_POST and TASKS.X_NUMERIK_STATE (nullable, metadata-only) with their EXTRA_FIELDS rows; columns for post URLs, manual customer links, resolutions; log indexes by activity and post
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0005-record-fields';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP INDEX [X_NUMERIK_LOG_POST] ON [dbo].[X_NUMERIK_LOG];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP INDEX [X_NUMERIK_LOG_ACTIVITY] ON [dbo].[X_NUMERIK_LOG];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_LOG] DROP COLUMN [RESOLUTION];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_LOG] DROP COLUMN [RESOLVED_BY];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK] DROP COLUMN [SOURCE];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] DROP COLUMN [POST_URL];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_STATE';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[TASKS] DROP COLUMN [X_NUMERIK_STATE];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_POST';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[TASKS] DROP COLUMN [X_NUMERIK_POST];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0004-create-intents (down): X_NUMERIK_CREATE_INTENT: the token each post the sync creates carries, recorded before the create
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0004-create-intents';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0004-create-intents failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_CREATE_INTENT];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0004-create-intents failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0003-folder-field (down): TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0003-folder-field';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0003-folder-field failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_FOLDER';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0003-folder-field failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[TASKS] DROP COLUMN [X_NUMERIK_FOLDER];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0003-folder-field failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0002-change-capture (down): X_NUMERIK_QUEUE (keyed by a SEQUENCE) and the change-capture trigger(s) on TASKS
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0002-change-capture';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TRIGGER [dbo].[X_NUMERIK_TASKS_CAPTURE];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_QUEUE];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP SEQUENCE [dbo].[X_NUMERIK_QUEUE_SEQ];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0001-plugin-tables (down): X_NUMERIK_* tables: migrations, settings, log, post/customer/staff/type links, inbox
BEGIN TRANSACTION;
GO
DELETE FROM [dbo].[X_NUMERIK_MIGRATIONS] WHERE [NAME] = N'0001-plugin-tables';
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_INBOX];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP SEQUENCE [dbo].[X_NUMERIK_INBOX_SEQ];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_TYPE_TAG];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_STAFF_LINK];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_POST_LINK];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_LOG];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP SEQUENCE [dbo].[X_NUMERIK_LOG_SEQ];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_SETTINGS];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
DROP TABLE [dbo].[X_NUMERIK_MIGRATIONS];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

SET NOEXEC OFF;
GO
