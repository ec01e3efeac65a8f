import { describe, expect, it } from 'vitest';
import { mssqlDialect } from '../../db/dialect/mssql/index.js';
import { postgresDialect } from '../../db/dialect/postgres/index.js';
import { checkStatement, guardContext, guardStatements, GuardError, GuardRefusal } from '../../migrations/guard/index.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../../migrations/migration.js';
import { historyStatement, plan } from '../../migrations/plan.js';
import { MIGRATIONS } from '../../migrations/steps/index.js';

const mssql = guardContext(mssqlDialect('dbo'));
const postgres = guardContext(postgresDialect('public'));

function refusal(sql: string, ctx = mssql): string {
  try {
    checkStatement({ sql }, ctx);
  } catch (error) {
    if (error instanceof GuardRefusal) return error.reason;
    throw error;
  }
  throw new Error(`the guard allowed: ${sql}`);
}

const TRIGGER_HEAD = 'CREATE TRIGGER [dbo].[X_NUMERIK_T] ON [dbo].[TASKS] AFTER INSERT AS BEGIN SET NOCOUNT ON;';

describe('the migration guard refuses what it cannot prove safe (T-SQL)', () => {
  it.each([
    ['DROP TABLE TASKS', /not schema-qualified/],
    ['DROP TABLE [dbo].[TASKS]', /"TASKS" is not an exo-numerik object/],
    ['ALTER TABLE [dbo].[DR_ACCS] ADD [X] int NULL', /ALTER TABLE of Exo table DR_ACCS/],
    ['DELETE FROM [dbo].[TASKS]', /DELETE on Exo table TASKS/],
    ["UPDATE [dbo].[STAFF] SET [NAME] = 'x'", /UPDATE on Exo table STAFF/],
    ['TRUNCATE TABLE [dbo].[TASKS]', /TRUNCATE .*not a statement a migration may run/],
    ['TRUNCATE TABLE [dbo].[X_NUMERIK_QUEUE]', /TRUNCATE .*not a statement a migration may run/],
    [
      'CREATE TRIGGER [dbo].[X_NUMERIK_T] ON [dbo].[DR_ACCS] AFTER INSERT AS BEGIN SET NOCOUNT ON; END',
      /triggers may only be created on dbo.TASKS/,
    ],
    [`${TRIGGER_HEAD} UPDATE [dbo].[TASKS] SET [SUBJECT] = 'x'; END`, /a trigger may only write exo-numerik tables, not TASKS/],
    [`${TRIGGER_HEAD} DELETE FROM [dbo].[STAFF]; END`, /a trigger may only write exo-numerik tables, not STAFF/],
    [`${TRIGGER_HEAD} IF @rows = 1 DELETE FROM [dbo].[STAFF]; END`, /a trigger may only write exo-numerik tables, not STAFF/],
    [`${TRIGGER_HEAD} IF @rows = 1 INSERT INTO [dbo].[X_NUMERIK_QUEUE] ([ID]) VALUES (1); ELSE UPDATE [dbo].[TASKS] SET [SUBJECT] = 'x'; END`, /not TASKS/],
    [`${TRIGGER_HEAD} IF @rows > 0 INSERT INTO [dbo].[X_NUMERIK_QUEUE] ([ID]) VALUES (1); END`, /only INSERT\/UPDATE\/DELETE/],
    [`${TRIGGER_HEAD} DROP TABLE [dbo].[X_NUMERIK_QUEUE]; END`, /only INSERT\/UPDATE\/DELETE/],
    [`${TRIGGER_HEAD} SELECT * FROM [dbo].[TASKS]; END`, /only INSERT\/UPDATE\/DELETE/],
    [`${TRIGGER_HEAD} EXEC sp_executesql N'DROP TABLE TASKS'; END`, /cannot read it/],
    ['CREATE TRIGGER [dbo].[EXO_AUDIT] ON [dbo].[TASKS] AFTER INSERT AS BEGIN SET NOCOUNT ON; END', /trigger "EXO_AUDIT" is not an exo-numerik object/],
    ['CREATE OR ALTER TRIGGER [dbo].[X_NUMERIK_T] ON [dbo].[TASKS] AFTER INSERT AS BEGIN SET NOCOUNT ON; END', /one accepted form/],
    ['CREATE TRIGGER [dbo].[X_NUMERIK_T] ON [dbo].[TASKS] INSTEAD OF INSERT AS BEGIN SET NOCOUNT ON; END', /one accepted form/],
    ['DROP TRIGGER [dbo].[EXO_AUDIT]', /not an exo-numerik object/],
    ['this is not SQL', /cannot read it|one statement expected/],
    ['CREATE TABLE [dbo].[X_NUMERIK_A] ([A] int', /cannot read it, so it cannot be proven safe/],
    ['CREATE TABLE [dbo].[X_NUMERIK_A] ([A] int) DROP TABLE [dbo].[TASKS]', /cannot read it|one statement expected/],
    ['CREATE TABLE [dbo].[X_NUMERIK_A] ([A] int); DROP TABLE [dbo].[TASKS]', /one statement expected, found 2/],
    ['CREATE TABLE [dbo].[X_NUMERIK_A] ([A] int) -- harmless?', /comments are not allowed/],
    ['CREATE TABLE [sales].[X_NUMERIK_A] ([A] int)', /outside the configured schema "dbo"/],
    ['CREATE TABLE [dbo].[CUSTOM] ([A] int)', /table "CUSTOM" is not an exo-numerik object/],
    [
      'CREATE TABLE [dbo].[X_NUMERIK_A] ([A] int, CONSTRAINT [X_NUMERIK_A_FK] FOREIGN KEY ([A]) REFERENCES [dbo].[TASKS] ([SEQNO]))',
      /cannot read it/,
    ],
    ['CREATE INDEX [X_NUMERIK_I] ON [dbo].[TASKS] ([SUBJECT])', /table "TASKS" is not an exo-numerik object/],
    ['CREATE INDEX [IX_TASKS] ON [dbo].[X_NUMERIK_QUEUE] ([ID])', /index "IX_TASKS" is not an exo-numerik object/],
    ['ALTER TABLE [dbo].[TASKS] ADD [NOTES2] varchar(10) NULL', /only ADD\/DROP of one of the columns X_NUMERIK_FOLDER, X_NUMERIK_POST, X_NUMERIK_STATE is allowed/],
    ['ALTER TABLE [dbo].[TASKS] ADD [X_NUMERIK_FOLDER] varchar(255) NOT NULL', /must be added as NULL without a default/],
    ['ALTER TABLE [dbo].[TASKS] DROP COLUMN [SUBJECT]', /only ADD\/DROP of one of the columns X_NUMERIK_FOLDER, X_NUMERIK_POST, X_NUMERIK_STATE is allowed/],
    ['ALTER TABLE [dbo].[TASKS] SET (LOCK_ESCALATION = DISABLE)', /"TASKS" is not an exo-numerik object/],
    ['CREATE SEQUENCE [dbo].[EXO_SEQ] AS bigint START WITH 1 INCREMENT BY 1 CACHE 100', /sequence "EXO_SEQ"/],
    ['CREATE SEQUENCE [dbo].[X_NUMERIK_S] AS int START WITH 1 INCREMENT BY 1 CACHE 100', /one accepted form/],
    [
      'ALTER TABLE [dbo].[TASKS] ADD CONSTRAINT [X_NUMERIK_DF] DEFAULT (NEXT VALUE FOR [dbo].[X_NUMERIK_S]) FOR [SEQNO]',
      /table "TASKS" is not an exo-numerik object/,
    ],
    ["INSERT INTO [dbo].[EXTRA_FIELDS] ([SEQNO], [TABLE_NAME], [FIELD_NAME], [EDITABLE]) VALUES (1, N'DR_ACCS', N'X_NUMERIK_FOLDER', N'N')", /only the row of one of our fields \(TASKS: X_NUMERIK_FOLDER, X_NUMERIK_POST, X_NUMERIK_STATE\)/],
    ["INSERT INTO [dbo].[EXTRA_FIELDS] ([SEQNO], [TABLE_NAME], [FIELD_NAME], [EDITABLE]) VALUES (1, N'TASKS', N'X_NUMERIK_OTHER', N'N')", /only the row of one of our fields/],
    ["INSERT INTO [dbo].[EXTRA_FIELDS] ([SEQNO], [TABLE_NAME], [FIELD_NAME], [EDITABLE]) VALUES (1, N'TASKS', N'x_numerik_state', N'N')", /only the row of one of our fields/],
    ['ALTER TABLE [dbo].[TASKS] ADD [X_NUMERIK_OTHER] varchar(10) NULL', /only ADD\/DROP of one of the columns/],
    ["DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS'", /must be exactly WHERE/],
    ["DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' AND [FIELD_NAME] = N'X_REGION'", /must be exactly WHERE/],
    ["DELETE FROM [dbo].[EXTRA_FIELDS] WHERE [TABLE_NAME] = N'TASKS' OR [FIELD_NAME] = N'X_NUMERIK_FOLDER'", /must be exactly WHERE/],
    ["UPDATE [dbo].[EXTRA_FIELDS] SET [DISPLAY_NAME] = N'x'", /UPDATE on Exo table EXTRA_FIELDS/],
    ["IF OBJECT_ID(N'dbo.STAFF', N'U') IS NOT NULL DELETE FROM [dbo].[STAFF]", /may only test dbo.EXTRA_FIELDS/],
    ["IF OBJECT_ID(N'dbo.EXTRA_FIELDS', N'U') IS NOT NULL DELETE FROM [dbo].[TASKS]", /DELETE on Exo table TASKS/],
    ["IF 1 = 1 DROP TABLE [dbo].[TASKS]", /one accepted form/],
    ['GRANT SELECT ON [dbo].[TASKS] TO [public]', /one statement expected/],
  ])('%s', (sql, reason) => {
    expect(refusal(sql)).toMatch(reason);
  });
});

describe('the migration guard refuses what it cannot prove safe (PostgreSQL)', () => {
  const fn = (body: string) =>
    `CREATE FUNCTION "public"."X_NUMERIK_F"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NULL; END $$`;
  it.each([
    ['DROP TABLE "public"."TASKS"', /"TASKS" is not an exo-numerik object/],
    ['ALTER TABLE "public"."DR_ACCS" ADD COLUMN "X" integer NULL', /ALTER TABLE of Exo table DR_ACCS/],
    ['DELETE FROM "public"."TASKS"', /DELETE on Exo table TASKS/],
    ['UPDATE "public"."STAFF" SET "NAME" = \'x\'', /UPDATE on Exo table STAFF/],
    ['TRUNCATE "public"."TASKS"', /cannot read it|not a statement a migration may run/],
    [fn('INSERT INTO "public"."TASKS" ("SUBJECT") VALUES (\'x\')'), /a trigger may only write exo-numerik tables, not TASKS/],
    [fn('UPDATE "public"."STAFF" SET "NAME" = \'x\''), /a trigger may only write exo-numerik tables, not STAFF/],
    ['ALTER TABLE "public"."TASKS" ALTER COLUMN "DETAILS" SET STORAGE EXTERNAL', /"TASKS" is not an exo-numerik object/],
    ['ALTER TABLE "public"."X_NUMERIK_QUEUE_SETS" ALTER COLUMN "KEYS" SET STORAGE PLAIN', /one accepted form/],
    [fn('IF (SELECT count(*) FROM "x_numerik_new") = 1 THEN UPDATE "public"."STAFF" SET "NAME" = \'x\'; END IF'), /not STAFF/],
    [fn('IF (SELECT count(*) FROM "x_numerik_new") = 1 THEN INSERT INTO "public"."X_NUMERIK_QUEUE" ("ID") VALUES (1); ELSE DELETE FROM "public"."TASKS"; END IF'), /not TASKS/],
    [
      'CREATE TRIGGER "X_NUMERIK_T" AFTER INSERT ON "public"."STAFF" REFERENCING NEW TABLE AS "n" FOR EACH STATEMENT EXECUTE FUNCTION "public"."X_NUMERIK_F"()',
      /triggers may only be created on public.TASKS/,
    ],
    [
      'CREATE TRIGGER "X_NUMERIK_T" AFTER INSERT ON "public"."TASKS" REFERENCING NEW TABLE AS "n" FOR EACH STATEMENT EXECUTE FUNCTION "public"."exo_audit"()',
      /function "exo_audit" is not an exo-numerik object/,
    ],
    [
      'CREATE TRIGGER "X_NUMERIK_T" AFTER INSERT ON "public"."TASKS" FOR EACH ROW EXECUTE FUNCTION "public"."X_NUMERIK_F"()',
      /one accepted form/,
    ],
    ['DROP FUNCTION "public"."exo_audit"()', /not an exo-numerik object/],
    ['DROP TRIGGER "exo_audit" ON "public"."TASKS"', /not an exo-numerik object/],
    ['CREATE OR REPLACE FUNCTION "public"."X_NUMERIK_F"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$', /one accepted form/],
    ['ALTER TABLE "public"."TASKS" ADD COLUMN "X_NUMERIK_FOLDER" varchar(255) NOT NULL', /must be added as NULL without a default/],
    ['DROP INDEX "public"."TASKS_PK"', /index "TASKS_PK" is not an exo-numerik object/],
    ['CREATE TABLE "public"."X_NUMERIK_A" ("A" integer REFERENCES "public"."TASKS" ("SEQNO"))', /foreign keys are not allowed/],
    [
      'ALTER TABLE "public"."X_NUMERIK_A" ADD CONSTRAINT "X_NUMERIK_A_FK" FOREIGN KEY ("A") REFERENCES "public"."TASKS" ("SEQNO")',
      /foreign keys are not allowed/,
    ],
  ])('%s', (sql, reason) => {
    expect(refusal(sql, postgres)).toMatch(reason);
  });
});

describe('the migration guard', () => {
  it('allows every statement every migration produces, up and down, on both dialects', () => {
    for (const dialect of [mssqlDialect('dbo'), postgresDialect('public'), mssqlDialect('exo'), postgresDialect('t_1')]) {
      for (const direction of ['up', 'down'] as const) {
        const planned = plan(dialect, DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, direction);
        expect(planned.flatMap((m) => m.statements).length).toBeGreaterThan(0);
        for (const m of planned) {
          expect(m.effects).toHaveLength(m.statements.length);
          guardStatements([historyStatement(dialect, m)], guardContext(dialect));
        }
      }
    }
  });

  it('reads the target of each statement from the AST, not from the table list', () => {
    const effects = guardStatements(
      [
        { sql: 'CREATE INDEX [X_NUMERIK_Q_I] ON [dbo].[X_NUMERIK_Q] ([A])' },
        { sql: 'ALTER TABLE [dbo].[TASKS] ADD [X_NUMERIK_FOLDER] VARCHAR(255) NULL' },
      ],
      mssql,
    );
    expect(effects).toEqual([
      { action: 'create', kind: 'index', name: 'X_NUMERIK_Q_I', table: 'X_NUMERIK_Q' },
      { action: 'create', kind: 'column', name: 'X_NUMERIK_FOLDER', table: 'TASKS' },
    ]);
  });

  it('names every refused statement of a plan at once', () => {
    const attempt = () =>
      guardStatements([{ sql: 'DROP TABLE [dbo].[TASKS]' }, { sql: 'CREATE TABLE [dbo].[X_NUMERIK_A] ([A] int)' }, { sql: 'DROP TABLE [dbo].[STAFF]' }], mssql);
    expect(attempt).toThrow(GuardError);
    try {
      attempt();
    } catch (error) {
      const e = error as GuardError;
      expect(e.refusals.map((r) => r.statement)).toEqual(['DROP TABLE [dbo].[TASKS]', 'DROP TABLE [dbo].[STAFF]']);
      expect(e.message).toContain('statement: DROP TABLE [dbo].[TASKS]');
    }
  });

  it('accepts each special shape exactly, and refuses a look-alike aimed at an Exo object', () => {
    const trigger = plan(mssqlDialect('dbo'), DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'up')
      .flatMap((m) => m.statements)
      .find((s) => s.sql.startsWith('CREATE TRIGGER'))!;
    expect(checkStatement(trigger, mssql)).toMatchObject({ kind: 'trigger', table: 'TASKS' });
    const aimedAtStaff = trigger.sql.replace('INSERT INTO [dbo].[X_NUMERIK_QUEUE]', 'INSERT INTO [dbo].[STAFF]');
    expect(refusal(aimedAtStaff)).toMatch(/not STAFF/);
    const bulk = plan(mssqlDialect('dbo'), DEFAULT_MIGRATION_OPTIONS, MIGRATIONS, 'up')
      .flatMap((m) => m.statements)
      .findLast((s) => s.sql.startsWith('CREATE TRIGGER'))!;
    expect(bulk.sql).toContain('X_NUMERIK_QUEUE_SETS');
    expect(checkStatement(bulk, mssql)).toMatchObject({ kind: 'trigger', table: 'TASKS' });
    expect(refusal(bulk.sql.replace('INSERT INTO [dbo].[X_NUMERIK_QUEUE_SETS]', 'INSERT INTO [dbo].[DR_ACCS]'))).toMatch(/not DR_ACCS/);
    const onDebtors = trigger.sql.replace('ON [dbo].[TASKS]', 'ON [dbo].[DR_ACCS]');
    expect(refusal(onDebtors)).toMatch(/only be created on dbo.TASKS/);
  });

  it("accepts a revert's refusal while our table holds work, reading only that table", () => {
    for (const [dialect, ctx] of [[mssqlDialect('dbo'), mssql], [postgresDialect('public'), postgres]] as const) {
      const [check] = dialect.refuseWhileRows('X_NUMERIK_QUEUE_SETS', 'sets wait: run the worker first');
      expect(checkStatement(check!, ctx)).toEqual({ action: 'check', kind: 'row', name: 'X_NUMERIK_QUEUE_SETS' });
      expect(refusal(check!.sql.replace('X_NUMERIK_QUEUE_SETS', 'TASKS'), ctx)).toMatch(/table "TASKS" is not an exo-numerik object/);
      expect(refusal(check!.sql.replace('SELECT 1 FROM', 'DELETE FROM'), ctx)).toMatch(/not of the one accepted form/);
      expect(() => dialect.refuseWhileRows('X_NUMERIK_QUEUE_SETS', "it's")).toThrow(/must not contain/);
    }
    const [pg] = postgresDialect('public').refuseWhileRows('X_NUMERIK_QUEUE_SETS', 'sets wait');
    expect(refusal(pg!.sql.replace("END IF; END $$", "END IF; DELETE FROM \"public\".\"TASKS\"; END $$"), postgres)).toMatch(/not of the one accepted form/);
  });
});
