-- mark a transaction as the inbound writer (the capture trigger skips its writes)
DECLARE @tx bigint = CURRENT_TRANSACTION_ID(); EXEC sp_set_session_context @key = N'exo_numerik.echo', @value = @tx;
EXEC sp_set_session_context @key = N'exo_numerik.echo', @value = NULL; SET LOCK_TIMEOUT -1;
-- one record's commit: lock waits bounded, the record's application lock, the row re-read under an update lock
SET LOCK_TIMEOUT 5000; DECLARE @r int; EXEC @r = sp_getapplock @Resource = ?, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 5000; SELECT @r AS [granted];
select [SEQNO], [DETAILS] from [dbo].[TASKS] WITH (UPDLOCK, ROWLOCK) where [SEQNO] = ?
-- insert an activity and read its SEQNO back, with a trigger on TASKS
insert into [dbo].[TASKS] ([ACTIVITY_TYPE], [ASSIGNED_BY], [ASSIGNED_TO], [COMPANYID], [COMPLETED], [COMPLETED_DATETIME], [COMPLETED_PERCENT], [CREATEDATE], [CREATEDBY], [DELETED_FLAG], [DETAILS], [END_DATETIME], [EVENTTYPE], [JOBNO], [MODIFIEDDATE], [OPTIONS], [PRIORITY], [START_DATETIME], [STATUS], [SUBJECT], [SUBS_HDR_SEQNO], [SU_SEQNO], [SYNC_ACTIVITY], [TYPE]) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?); SELECT CAST(SCOPE_IDENTITY() AS int) AS [SEQNO]
-- an activity's post link and sync state, for a batch at once (nothing else of the row)
UPDATE [dbo].[TASKS] SET [X_NUMERIK_POST] = CASE [SEQNO] WHEN ? THEN ? ELSE [X_NUMERIK_POST] END, [X_NUMERIK_STATE] = CASE [SEQNO] WHEN ? THEN ? WHEN ? THEN ? ELSE [X_NUMERIK_STATE] END WHERE [SEQNO] IN (?, ?)
