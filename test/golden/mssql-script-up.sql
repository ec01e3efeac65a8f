-- exo-numerik migration script: migrate up, SQL Server 2016 or later, schema dbo
-- Migrations: 0001-plugin-tables, 0002-change-capture, 0003-folder-field, 0004-create-intents, 0005-record-fields, 0006-bulk-capture, 0007-create-intent-content, 0008-post-link-sending, 0009-post-link-ref
-- Run with: sqlcmd -S <server> -d <Exo database> -E -b -i <this file>   (or open in SSMS and press F5)
-- Each migration is one transaction. If any statement fails, that transaction is rolled back,
-- an error is raised, and nothing after it runs (SET NOEXEC ON).
-- Every statement passed the exo-numerik migration guard.
SET XACT_ABORT ON;
SET NOCOUNT ON;
-- Do not queue behind a long Exo query holding TASKS: give up after 5 s and run again later.
SET LOCK_TIMEOUT 5000;
GO

-- ===== 0001-plugin-tables (up): X_NUMERIK_* tables: migrations, settings, log, post/customer/staff/type links, inbox
BEGIN TRANSACTION;
GO
CREATE TABLE [dbo].[X_NUMERIK_MIGRATIONS] ([NAME] nvarchar(200) not null, [CHECKSUM] nvarchar(64) not null, [APPLIED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_MIGRATIONS_PK] PRIMARY KEY ([NAME]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_SETTINGS] ([SETTING_KEY] nvarchar(100) not null, [SETTING_VALUE] nvarchar(max) not null, [UPDATED_AT] datetime2 not null, [UPDATED_BY] nvarchar(100) null, CONSTRAINT [X_NUMERIK_SETTINGS_PK] PRIMARY KEY ([SETTING_KEY]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE SEQUENCE [dbo].[X_NUMERIK_LOG_SEQ] AS bigint START WITH 1 INCREMENT BY 1 CACHE 100;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_LOG] ([ID] bigint not null, [LOGGED_AT] datetime2 not null, [DIRECTION] nvarchar(10) not null, [KIND] nvarchar(20) not null, [ACTIVITY_SEQNO] int null, [POST_ID] nvarchar(64) null, [REASON] nvarchar(400) not null, [DETAIL] nvarchar(max) null, [RESOLVED_AT] datetime2 null, CONSTRAINT [X_NUMERIK_LOG_PK] PRIMARY KEY ([ID]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE INDEX [X_NUMERIK_LOG_KIND] ON [dbo].[X_NUMERIK_LOG] ([KIND], [LOGGED_AT]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_LOG] ADD CONSTRAINT [X_NUMERIK_LOG_ID_DF] DEFAULT (NEXT VALUE FOR [dbo].[X_NUMERIK_LOG_SEQ]) FOR [ID];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_POST_LINK] ([ACTIVITY_SEQNO] int not null, [POST_ID] nvarchar(64) not null, [POST_TYPE] nvarchar(10) not null, [ORIGIN] nvarchar(10) not null, [STATE] nvarchar(20) not null, [EXO_HASH] nvarchar(64) null, [EXO_CONTENT] nvarchar(max) null, [EXO_ASSIGNED_TO] int null, [NUMERIK_VERSION] int null, [NUMERIK_HASH] nvarchar(64) null, [NUMERIK_CONTENT] nvarchar(max) null, [CREATED_AT] datetime2 not null, [SYNCED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_POST_LINK_PK] PRIMARY KEY ([ACTIVITY_SEQNO]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] ADD CONSTRAINT [X_NUMERIK_POST_LINK_POST] UNIQUE ([POST_ID]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK] ([ACCOUNT_TYPE] nvarchar(1) not null, [ACCNO] int not null, [CUSTOMER_ID] nvarchar(64) not null, [CUSTOMER_NAME] nvarchar(200) null, [UPDATED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_CUSTOMER_LINK_PK] PRIMARY KEY ([ACCOUNT_TYPE], [ACCNO]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK] ADD CONSTRAINT [X_NUMERIK_CUSTOMER_LINK_CUSTOMER] UNIQUE ([CUSTOMER_ID]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_STAFF_LINK] ([STAFFNO] int not null, [USER_ID] nvarchar(64) not null, [EMAIL] nvarchar(200) null, [SOURCE] nvarchar(10) not null, [UPDATED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_STAFF_LINK_PK] PRIMARY KEY ([STAFFNO]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_STAFF_LINK] ADD CONSTRAINT [X_NUMERIK_STAFF_LINK_USER] UNIQUE ([USER_ID]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_TYPE_TAG] ([TYPE_SEQNO] int not null, [TAG_NAME] nvarchar(100) not null, [TAG_ID] nvarchar(64) null, [SOURCE] nvarchar(10) not null, [UPDATED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_TYPE_TAG_PK] PRIMARY KEY ([TYPE_SEQNO]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE INDEX [X_NUMERIK_TYPE_TAG_TAG] ON [dbo].[X_NUMERIK_TYPE_TAG] ([TAG_NAME]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE SEQUENCE [dbo].[X_NUMERIK_INBOX_SEQ] AS bigint START WITH 1 INCREMENT BY 1 CACHE 100;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_INBOX] ([ID] bigint not null, [EVENT_ID] nvarchar(100) not null, [EVENT_TYPE] nvarchar(40) not null, [POST_ID] nvarchar(64) not null, [POST_VERSION] int null, [SOURCE] nvarchar(10) not null, [RECEIVED_AT] datetime2 not null, [STATE] nvarchar(10) not null, [ATTEMPTS] int not null, [NEXT_ATTEMPT_AT] datetime2 not null, [CLAIMED_BY] nvarchar(100) null, [LEASE_UNTIL] datetime2 null, [LAST_ERROR] nvarchar(2000) null, CONSTRAINT [X_NUMERIK_INBOX_PK] PRIMARY KEY ([ID]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_INBOX] ADD CONSTRAINT [X_NUMERIK_INBOX_EVENT] UNIQUE ([EVENT_ID]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_INBOX] ADD CONSTRAINT [X_NUMERIK_INBOX_ID_DF] DEFAULT (NEXT VALUE FOR [dbo].[X_NUMERIK_INBOX_SEQ]) FOR [ID];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0001-plugin-tables', N'08589612a302a3ccbdd94aea4dab73b3dbe296ad7776aa0c423c0bc1d7f0e032', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0001-plugin-tables failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0002-change-capture (up): X_NUMERIK_QUEUE (keyed by a SEQUENCE) and the change-capture trigger(s) on TASKS
BEGIN TRANSACTION;
GO
CREATE SEQUENCE [dbo].[X_NUMERIK_QUEUE_SEQ] AS bigint START WITH 1 INCREMENT BY 1 CACHE 100;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_QUEUE] ([ID] bigint not null, [ACTIVITY_SEQNO] int not null, [OPERATION] nvarchar(1) not null, [STATE] nvarchar(10) not null, [ATTEMPTS] int not null, [QUEUED_AT] datetime2 not null, [NEXT_ATTEMPT_AT] datetime2 not null, [CLAIMED_BY] nvarchar(100) null, [LEASE_UNTIL] datetime2 null, [LAST_ERROR] nvarchar(2000) null, CONSTRAINT [X_NUMERIK_QUEUE_PK] PRIMARY KEY ([ID]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_QUEUE] ADD CONSTRAINT [X_NUMERIK_QUEUE_ID_DF] DEFAULT (NEXT VALUE FOR [dbo].[X_NUMERIK_QUEUE_SEQ]) FOR [ID];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_QUEUE] SET (LOCK_ESCALATION = DISABLE);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
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
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0002-change-capture', N'5e4198bb875d2b6ba53368a8253f5b856afb3398b03f67d280d46ab2974890c2', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0002-change-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0003-folder-field (up): TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row
BEGIN TRANSACTION;
GO
ALTER TABLE [dbo].[TASKS] ADD [X_NUMERIK_FOLDER] VARCHAR(255) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0003-folder-field failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL INSERT INTO [dbo].[EXTRA_FIELDS] ([SEQNO], [TABLE_NAME], [FIELD_NAME], [DISPLAY_NAME], [CONTROL_NO], [CONTROL_SIZE], [CONTROL_TYPE], [DATA_SIZE], [DATA_TYPE], [EDITABLE], [TOOLTIP]) SELECT m.n, N'TASKS', N'X_NUMERIK_FOLDER', N'Numerik attachments', NULL, NULL, NULL, 255, NULL, N'N', N'Folder of the Numerik attachments of this activity (exo-numerik)' FROM (SELECT COALESCE(MAX([SEQNO]), 0) + 1 AS n FROM [dbo].[EXTRA_FIELDS]) AS m WHERE NOT EXISTS (SELECT 1 FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_FOLDER');
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0003-folder-field failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0003-folder-field', N'0e604d6fadd65f678e290c73612a326440eb777d4e518e120105908e11bec9b4', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0003-folder-field failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0004-create-intents (up): X_NUMERIK_CREATE_INTENT: the token each post the sync creates carries, recorded before the create
BEGIN TRANSACTION;
GO
CREATE TABLE [dbo].[X_NUMERIK_CREATE_INTENT] ([ACTIVITY_SEQNO] int not null, [TOKEN] nvarchar(64) not null, [CREATED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_CREATE_INTENT_PK] PRIMARY KEY ([ACTIVITY_SEQNO]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0004-create-intents failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0004-create-intents', N'3b3b5c15d3be69d643a810e384b35f8c3934fd26297c2cd1a88260d026e148dd', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0004-create-intents failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0005-record-fields (up): TASKS.X_NUMERIK_POST and TASKS.X_NUMERIK_STATE (nullable, metadata-only) with their EXTRA_FIELDS rows; columns for post URLs, manual customer links, resolutions; log indexes by activity and post
BEGIN TRANSACTION;
GO
ALTER TABLE [dbo].[TASKS] ADD [X_NUMERIK_POST] VARCHAR(255) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL INSERT INTO [dbo].[EXTRA_FIELDS] ([SEQNO], [TABLE_NAME], [FIELD_NAME], [DISPLAY_NAME], [CONTROL_NO], [CONTROL_SIZE], [CONTROL_TYPE], [DATA_SIZE], [DATA_TYPE], [EDITABLE], [TOOLTIP]) SELECT m.n, N'TASKS', N'X_NUMERIK_POST', N'Numerik post', NULL, NULL, NULL, 255, NULL, N'N', N'This activity''s post in Numerik (exo-numerik)' FROM (SELECT COALESCE(MAX([SEQNO]), 0) + 1 AS n FROM [dbo].[EXTRA_FIELDS]) AS m WHERE NOT EXISTS (SELECT 1 FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_POST');
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[TASKS] ADD [X_NUMERIK_STATE] VARCHAR(100) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL INSERT INTO [dbo].[EXTRA_FIELDS] ([SEQNO], [TABLE_NAME], [FIELD_NAME], [DISPLAY_NAME], [CONTROL_NO], [CONTROL_SIZE], [CONTROL_TYPE], [DATA_SIZE], [DATA_TYPE], [EDITABLE], [TOOLTIP]) SELECT m.n, N'TASKS', N'X_NUMERIK_STATE', N'Numerik sync', NULL, NULL, NULL, 100, NULL, N'N', N'Whether this activity is in Numerik, waiting, or stopped (exo-numerik)' FROM (SELECT COALESCE(MAX([SEQNO]), 0) + 1 AS n FROM [dbo].[EXTRA_FIELDS]) AS m WHERE NOT EXISTS (SELECT 1 FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_NUMERIK_STATE');
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] ADD [POST_URL] NVARCHAR(400) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_CUSTOMER_LINK] ADD [SOURCE] NVARCHAR(10) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_LOG] ADD [RESOLVED_BY] NVARCHAR(100) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_LOG] ADD [RESOLUTION] NVARCHAR(400) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE INDEX [X_NUMERIK_LOG_ACTIVITY] ON [dbo].[X_NUMERIK_LOG] ([ACTIVITY_SEQNO]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE INDEX [X_NUMERIK_LOG_POST] ON [dbo].[X_NUMERIK_LOG] ([POST_ID]);
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0005-record-fields', N'1e4ada7e1f018ab2092adaf1dd2afc922bfb5ff56a48cb568e29b8b24ebfa11f', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0005-record-fields failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0006-bulk-capture (up): X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row
BEGIN TRANSACTION;
GO
CREATE SEQUENCE [dbo].[X_NUMERIK_QUEUE_SETS_SEQ] AS bigint START WITH 1 INCREMENT BY 1 CACHE 100;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
CREATE TABLE [dbo].[X_NUMERIK_QUEUE_SETS] ([ID] bigint not null, [OPERATION] nvarchar(1) not null, [KEYS] nvarchar(max) not null, [FANNED_OUT] int not null, [QUEUED_AT] datetime2 not null, CONSTRAINT [X_NUMERIK_QUEUE_SETS_PK] PRIMARY KEY ([ID]));
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_QUEUE_SETS] ADD CONSTRAINT [X_NUMERIK_QUEUE_SETS_ID_DF] DEFAULT (NEXT VALUE FOR [dbo].[X_NUMERIK_QUEUE_SETS_SEQ]) FOR [ID];
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
ALTER TABLE [dbo].[X_NUMERIK_QUEUE_SETS] SET (LOCK_ESCALATION = DISABLE);
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
    DECLARE @rows bigint = @@ROWCOUNT_BIG;
    IF @rows = 0 RETURN;
    SET NOCOUNT ON;
    DECLARE @echo sql_variant = SESSION_CONTEXT(N'exo_numerik.echo');
    IF @echo = CURRENT_TRANSACTION_ID() RETURN;
    IF @rows = 1
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
    ELSE
        INSERT INTO [dbo].[X_NUMERIK_QUEUE_SETS] ([OPERATION], [KEYS], [FANNED_OUT], [QUEUED_AT])
            SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM deleted) THEN 'I' WHEN NOT EXISTS (SELECT 1 FROM inserted) THEN 'D' ELSE 'U' END,
                s.[KEYS], 0, SYSUTCDATETIME()
            FROM (SELECT (SELECT COALESCE(i.[SEQNO], d.[SEQNO]) AS [k]
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
                    OR (i.[EVENTTYPE] <> d.[EVENTTYPE] OR (i.[EVENTTYPE] IS NULL AND d.[EVENTTYPE] IS NOT NULL) OR (i.[EVENTTYPE] IS NOT NULL AND d.[EVENTTYPE] IS NULL))
                FOR JSON PATH) AS [KEYS]) AS s
            WHERE s.[KEYS] IS NOT NULL;
END;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0006-bulk-capture', N'3244853cce1d6d1aa242fd1154f7a006f19a9e7c158ddb1ce73bcf3205a88f4e', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0006-bulk-capture failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0007-create-intent-content (up): X_NUMERIK_CREATE_INTENT.CONTENT: the content each post is created with (nullable)
BEGIN TRANSACTION;
GO
ALTER TABLE [dbo].[X_NUMERIK_CREATE_INTENT] ADD [CONTENT] nvarchar(max) null;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0007-create-intent-content failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0007-create-intent-content', N'601d7cba800d7df05d472252fadc09cbe3b62fbee3fb45cebda5fd5fe842a010', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0007-create-intent-content failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0008-post-link-sending (up): X_NUMERIK_POST_LINK.SENDING: the agreement a send in flight would record (nullable)
BEGIN TRANSACTION;
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] ADD [SENDING] nvarchar(max) null;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0008-post-link-sending failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0008-post-link-sending', N'ea4a218412a5e735febdbb54c35f0a62b969b58faf48425447f49a1173986ed7', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0008-post-link-sending failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

-- ===== 0009-post-link-ref (up): X_NUMERIK_POST_LINK.POST_REF: the post's external_ref as Numerik last gave it (nullable: not known yet)
BEGIN TRANSACTION;
GO
ALTER TABLE [dbo].[X_NUMERIK_POST_LINK] ADD [POST_REF] NVARCHAR(400) NULL;
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0009-post-link-ref failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
INSERT INTO [dbo].[X_NUMERIK_MIGRATIONS] ([NAME], [CHECKSUM], [APPLIED_AT]) VALUES (N'0009-post-link-ref', N'2d77854a28682bd348b33737c0025e18e652c87659659d40e5abae87a7feb1ba', SYSUTCDATETIME());
GO
IF @@ERROR <> 0 AND @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
IF @@TRANCOUNT = 0 BEGIN RAISERROR(N'exo-numerik: 0009-post-link-ref failed and was rolled back; the rest of this script does not run.', 16, 1); SET NOEXEC ON; END
GO
COMMIT TRANSACTION;
GO

SET NOEXEC OFF;
GO
