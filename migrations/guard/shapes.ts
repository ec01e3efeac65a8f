import { ECHO_KEY } from '../../db/dialect/mssql/runtime.js';
import { checkParsed } from './ast.js';
import { EXO_TABLE_EXTRA_FIELDS, EXO_TABLE_TASKS, isExoTable, requireOurs } from './names.js';
import { IDENT, QNAME, normalise, parseQualified, splitStatements, unquote } from './sql-text.js';
import { GuardRefusal, type Effect, type GuardContext } from './verdict.js';

/**
 * Statements node-sql-parser cannot read (sequences, sequence defaults, triggers, plpgsql functions,
 * lock escalation, conditional T-SQL). Each shape is matched whole and strictly: a statement that
 * starts like one of them but does not match it exactly is refused, never passed to a looser rule.
 */
interface Shape {
  dialect: GuardContext['dialect'];
  head: RegExp;
  full: RegExp;
  form: string;
  check(m: RegExpMatchArray, sql: string, ctx: GuardContext): Effect;
}

const re = (source: string) => new RegExp(`^${source}$`, 'is');
const EVENT = '(?:INSERT|UPDATE|DELETE)';

/** Statements a trigger body may hold besides writes to our tables: nothing here reads or writes data. */
const CONTROL: Record<GuardContext['dialect'], string[]> = {
  mssql: [
    'IF @@ROWCOUNT_BIG = 0 RETURN',
    'DECLARE @rows bigint = @@ROWCOUNT_BIG',
    'IF @rows = 0 RETURN',
    'SET NOCOUNT ON',
    `DECLARE @echo sql_variant = SESSION_CONTEXT(N'${ECHO_KEY}')`,
    'IF @echo = CURRENT_TRANSACTION_ID() RETURN',
  ],
  postgres: ['RETURN NULL', 'END IF'],
};

/**
 * The one branch a capture trigger takes (a statement of one row, or more): the statement inside
 * each arm is checked like any other body statement.
 */
const BRANCHES: Record<GuardContext['dialect'], RegExp[]> = {
  mssql: [/^IF @rows = 1 (.+)$/is, /^ELSE (.+)$/is],
  postgres: [/^IF \(SELECT count\(\*\) FROM "x_numerik_(?:new|old)"\) = 1 THEN (.+)$/is, /^ELSE (.+)$/is],
};

function checkBody(body: string, sql: string, ctx: GuardContext): void {
  if (ctx.dialect === 'postgres' && body.includes('$$')) throw new GuardRefusal(sql, 'the function body must not contain $$');
  const statements = splitStatements(body);
  if (!statements.length) throw new GuardRefusal(sql, 'the body is empty');
  const control = CONTROL[ctx.dialect].map((c) => normalise(c).toUpperCase());
  for (const whole of statements) {
    if (control.includes(normalise(whole).toUpperCase())) continue;
    const statement = BRANCHES[ctx.dialect].map((arm) => arm.exec(normalise(whole))?.[1]).find(Boolean) ?? whole;
    try {
      checkParsed(statement, ctx, { triggerBody: true });
    } catch (error) {
      if (error instanceof GuardRefusal) throw new GuardRefusal(sql, `in the body: ${error.reason} (${normalise(statement).slice(0, 120)})`);
      throw error;
    }
  }
}

function onTasks(ctx: GuardContext, text: string, sql: string): void {
  if (!isExoTable(ctx, parseQualified(text), EXO_TABLE_TASKS)) {
    throw new GuardRefusal(sql, `triggers may only be created on ${ctx.schema}.${EXO_TABLE_TASKS}, not on ${text}`);
  }
}

/** A revert's refusal while one of our tables still holds work: it reads that table and nothing else. */
const refusesWhileRows: Shape['check'] = (m, sql, ctx) => ({ action: 'check', kind: 'row', name: requireOurs(ctx, parseQualified(m[1]!), 'table', sql) });

const SHAPES: Shape[] = [
  {
    dialect: 'mssql',
    head: /^CREATE\s+SEQUENCE\b/i,
    full: re(`CREATE SEQUENCE (${QNAME}) AS bigint START WITH 1 INCREMENT BY 1 CACHE \\d+`),
    form: 'CREATE SEQUENCE <schema>.<X_NUMERIK_*> AS bigint START WITH 1 INCREMENT BY 1 CACHE <n>',
    check: (m, sql, ctx) => ({ action: 'create', kind: 'sequence', name: requireOurs(ctx, parseQualified(m[1]!), 'sequence', sql) }),
  },
  {
    dialect: 'postgres',
    head: /^CREATE\s+SEQUENCE\b/i,
    full: re(`CREATE SEQUENCE (${QNAME}) AS bigint CACHE \\d+`),
    form: 'CREATE SEQUENCE <schema>.<X_NUMERIK_*> AS bigint CACHE <n>',
    check: (m, sql, ctx) => ({ action: 'create', kind: 'sequence', name: requireOurs(ctx, parseQualified(m[1]!), 'sequence', sql) }),
  },
  ...(['mssql', 'postgres'] as const).map(
    (dialect): Shape => ({
      dialect,
      head: /^DROP\s+SEQUENCE\b/i,
      full: re(`DROP SEQUENCE (${QNAME})`),
      form: 'DROP SEQUENCE <schema>.<X_NUMERIK_*>',
      check: (m, sql, ctx) => ({ action: 'drop', kind: 'sequence', name: requireOurs(ctx, parseQualified(m[1]!), 'sequence', sql) }),
    }),
  ),
  {
    dialect: 'mssql',
    head: /^ALTER\s+TABLE\s+\S+\s+ADD\s+CONSTRAINT\s+\S+\s+DEFAULT\s*\(\s*NEXT\s+VALUE/i,
    full: re(`ALTER TABLE (${QNAME}) ADD CONSTRAINT (${IDENT}) DEFAULT \\(NEXT VALUE FOR (${QNAME})\\) FOR (${IDENT})`),
    form: 'ALTER TABLE <X_NUMERIK_*> ADD CONSTRAINT <X_NUMERIK_*> DEFAULT (NEXT VALUE FOR <X_NUMERIK_*>) FOR <column>',
    check: (m, sql, ctx) => {
      const table = requireOurs(ctx, parseQualified(m[1]!), 'table', sql);
      requireOurs(ctx, { schema: ctx.schema, name: unquote(m[2]!) }, 'constraint', sql);
      requireOurs(ctx, parseQualified(m[3]!), 'sequence', sql);
      return { action: 'alter', kind: 'table', name: table };
    },
  },
  {
    dialect: 'mssql',
    head: /^ALTER\s+TABLE\s+\S+\s+SET\s*\(/i,
    full: re(`ALTER TABLE (${QNAME}) SET \\(LOCK_ESCALATION = DISABLE\\)`),
    form: 'ALTER TABLE <X_NUMERIK_*> SET (LOCK_ESCALATION = DISABLE)',
    check: (m, sql, ctx) => ({ action: 'alter', kind: 'table', name: requireOurs(ctx, parseQualified(m[1]!), 'table', sql) }),
  },
  {
    dialect: 'mssql',
    head: /^(CREATE|ALTER)(\s+OR\s+ALTER)?\s+TRIGGER\b/i,
    full: re(`CREATE TRIGGER (${QNAME}) ON (${QNAME}) AFTER ${EVENT}(?: ?, ?${EVENT})* AS BEGIN (.*) END`),
    form: 'CREATE TRIGGER <X_NUMERIK_*> ON <schema>.TASKS AFTER <events> AS BEGIN <statements> END',
    check: (m, sql, ctx) => {
      const name = requireOurs(ctx, parseQualified(m[1]!), 'trigger', sql);
      onTasks(ctx, m[2]!, sql);
      checkBody(m[3]!, sql, ctx);
      return { action: 'create', kind: 'trigger', name, table: EXO_TABLE_TASKS };
    },
  },
  {
    dialect: 'mssql',
    head: /^DROP\s+TRIGGER\b/i,
    full: re(`DROP TRIGGER (${QNAME})`),
    form: 'DROP TRIGGER <schema>.<X_NUMERIK_*>',
    check: (m, sql, ctx) => ({
      action: 'drop',
      kind: 'trigger',
      name: requireOurs(ctx, parseQualified(m[1]!), 'trigger', sql),
      table: EXO_TABLE_TASKS,
    }),
  },
  {
    dialect: 'mssql',
    head: /^IF\s+EXISTS\b/i,
    full: re(`IF EXISTS \\(SELECT 1 FROM (${QNAME})\\) THROW 50000, N'([^']*)', 1`),
    form: "IF EXISTS (SELECT 1 FROM <X_NUMERIK_*>) THROW 50000, N'<message>', 1",
    check: refusesWhileRows,
  },
  {
    dialect: 'postgres',
    head: /^DO\b/i,
    full: re(`DO \\$\\$ BEGIN IF EXISTS \\(SELECT 1 FROM (${QNAME})\\) THEN RAISE EXCEPTION USING MESSAGE = '([^'$]*)'; END IF; END \\$\\$`),
    form: "DO $$ BEGIN IF EXISTS (SELECT 1 FROM <X_NUMERIK_*>) THEN RAISE EXCEPTION USING MESSAGE = '<message>'; END IF; END $$",
    check: refusesWhileRows,
  },
  {
    dialect: 'mssql',
    head: /^IF\b/i,
    full: re(`IF OBJECT_ID\\(N'(\\w+)\\.(\\w+)', N'U'\\) IS NOT NULL ((?:INSERT|DELETE) .*)`),
    form: "IF OBJECT_ID(N'<schema>.EXTRA_FIELDS', N'U') IS NOT NULL <INSERT or DELETE of the folder field's row>",
    check: (m, sql, ctx) => {
      if (!isExoTable(ctx, { schema: m[1]!, name: m[2]! }, EXO_TABLE_EXTRA_FIELDS)) {
        throw new GuardRefusal(sql, `a conditional statement may only test ${ctx.schema}.${EXO_TABLE_EXTRA_FIELDS}`);
      }
      const effect = checkParsed(m[3]!, ctx, {});
      if (effect.table !== EXO_TABLE_EXTRA_FIELDS) throw new GuardRefusal(sql, 'the statement must write the table its condition tests');
      return effect;
    },
  },
  {
    dialect: 'postgres',
    head: /^CREATE\s+(OR\s+REPLACE\s+)?FUNCTION\b/i,
    full: re(`CREATE FUNCTION (${QNAME})\\(\\) RETURNS trigger LANGUAGE plpgsql AS \\$\\$ BEGIN (.*) END \\$\\$`),
    form: 'CREATE FUNCTION <schema>.<X_NUMERIK_*>() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN <statements> END $$',
    check: (m, sql, ctx) => {
      const name = requireOurs(ctx, parseQualified(m[1]!), 'function', sql);
      checkBody(m[2]!, sql, ctx);
      return { action: 'create', kind: 'function', name };
    },
  },
  {
    dialect: 'postgres',
    head: /^ALTER\s+TABLE\s+\S+\s+ALTER\s+COLUMN\s+\S+\s+SET\s+STORAGE\b/i,
    full: re(`ALTER TABLE (${QNAME}) ALTER COLUMN (${IDENT}) SET STORAGE EXTERNAL`),
    form: 'ALTER TABLE <schema>.<X_NUMERIK_*> ALTER COLUMN <column> SET STORAGE EXTERNAL',
    check: (m, sql, ctx) => ({ action: 'alter', kind: 'table', name: requireOurs(ctx, parseQualified(m[1]!), 'table', sql) }),
  },
  {
    dialect: 'postgres',
    head: /^DROP\s+FUNCTION\b/i,
    full: re(`DROP FUNCTION (${QNAME})\\(\\)`),
    form: 'DROP FUNCTION <schema>.<X_NUMERIK_*>()',
    check: (m, sql, ctx) => ({ action: 'drop', kind: 'function', name: requireOurs(ctx, parseQualified(m[1]!), 'function', sql) }),
  },
  {
    dialect: 'postgres',
    head: /^CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER\b/i,
    full: re(
      `CREATE TRIGGER (${IDENT}) AFTER ${EVENT} ON (${QNAME}) REFERENCING (?:OLD TABLE AS ${IDENT} )?(?:NEW TABLE AS ${IDENT} )?` +
        `FOR EACH STATEMENT EXECUTE FUNCTION (${QNAME})\\(\\)`,
    ),
    form: 'CREATE TRIGGER <X_NUMERIK_*> AFTER <event> ON <schema>.TASKS REFERENCING … FOR EACH STATEMENT EXECUTE FUNCTION <schema>.<X_NUMERIK_*>()',
    check: (m, sql, ctx) => {
      const name = requireOurs(ctx, { schema: ctx.schema, name: unquote(m[1]!) }, 'trigger', sql);
      onTasks(ctx, m[2]!, sql);
      requireOurs(ctx, parseQualified(m[3]!), 'function', sql);
      return { action: 'create', kind: 'trigger', name, table: EXO_TABLE_TASKS };
    },
  },
  {
    dialect: 'postgres',
    head: /^DROP\s+TRIGGER\b/i,
    full: re(`DROP TRIGGER (${IDENT}) ON (${QNAME})`),
    form: 'DROP TRIGGER <X_NUMERIK_*> ON <schema>.TASKS',
    check: (m, sql, ctx) => {
      const name = requireOurs(ctx, { schema: ctx.schema, name: unquote(m[1]!) }, 'trigger', sql);
      onTasks(ctx, m[2]!, sql);
      return { action: 'drop', kind: 'trigger', name, table: EXO_TABLE_TASKS };
    },
  },
];

/** The effect of `sql` if it has one of the special shapes, or undefined when no shape claims it. */
export function checkShape(sql: string, ctx: GuardContext): Effect | undefined {
  const text = normalise(sql);
  const shape = SHAPES.find((s) => s.dialect === ctx.dialect && s.head.test(text));
  if (!shape) return undefined;
  const m = text.match(shape.full);
  if (!m) throw new GuardRefusal(sql, `not of the one accepted form: ${shape.form}`);
  return shape.check(m, sql, ctx);
}
