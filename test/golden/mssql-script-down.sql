-- exo-numerik migration script: migrate down, SQL Server 2016 or later, schema dbo
-- Migrations: 0005-record-fields, 0004-create-intents, 0003-folder-field, 0002-change-capture, 0001-plugin-tables
-- Run with: sqlcmd -S <server> -d <Exo database> -E -b -i <this file>   (or open in SSMS and press F5)
-- Each migration is one transaction. If any statement fails, that transaction is rolled back,
-- an error is raised, and nothing after it runs (SET NOEXEC ON).
-- Every statement passed the exo-numerik migration guard.
SET XACT_ABORT ON;
SET NOCOUNT ON;
-- Do not queue behind a long Exo query holding TASKS: give up after 5 s and run again later.
SET LOCK_TIMEOUT 5000;
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
