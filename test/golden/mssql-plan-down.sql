-- exo-numerik: migrate down on SQL Server, schema dbo
-- Every statement, as the runner sends it; each passed the migration guard. Each migration runs
-- in one transaction, together with its row in X_NUMERIK_MIGRATIONS.

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
