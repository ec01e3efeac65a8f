import { createRequire } from 'node:module';
import type sqlParserModule from 'node-sql-parser';
import {
  extraColumnOf,
  extraColumnsText,
  EXO_TABLE_EXTRA_FIELDS,
  EXO_TABLE_TASKS,
  isExoTable,
  isOurs,
  requireOurs,
} from './names.js';
import type { QualifiedName } from './sql-text.js';
import { GuardRefusal, type Effect, type GuardContext } from './verdict.js';

let loaded: InstanceType<typeof sqlParserModule.Parser> | undefined;
/** Loaded on first use: its grammars are large, and only migration commands need them. */
function parser(): InstanceType<typeof sqlParserModule.Parser> {
  loaded ??= new (createRequire(import.meta.url)('node-sql-parser') as typeof sqlParserModule).Parser();
  return loaded;
}

type Node = Record<string, unknown>;

/** Identifiers come back as plain strings (transactsql) or `{ expr: { value } }` (postgresql). */
function ident(x: unknown): string {
  if (typeof x === 'string') return x;
  const n = x as Node | null;
  if (n && 'column' in n) return ident(n.column);
  if (n && 'expr' in n) return ident(n.expr);
  if (n && typeof n.value === 'string') return n.value;
  return '';
}

/** A string literal's value; identifiers in double quotes are not literals. */
function literal(x: unknown): string | undefined {
  const n = x as Node | null;
  if (n && ['single_quote_string', 'var_string', 'natural_string', 'string'].includes(String(n.type))) return String(n.value);
  return undefined;
}

function tableRef(x: unknown): QualifiedName {
  const n = (x ?? {}) as Node;
  return { schema: typeof n.db === 'string' && n.db ? n.db : undefined, name: ident(n.table) };
}

/** No foreign keys at all: one pointing at an Exo table would constrain Exo's own deletes. */
function hasForeignKey(ast: unknown): boolean {
  const text = JSON.stringify(ast);
  return /"reference_definition":\{/.test(text) || /"constraint_type":"[^"]*foreign/i.test(text);
}

export interface ParsedRules {
  /** Inside a trigger or function body only writes to our own tables are allowed. */
  triggerBody?: boolean;
}

function parse(sql: string, ctx: GuardContext): Node {
  let ast: unknown;
  try {
    ast = parser().astify(sql, { database: ctx.parserMode });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
    throw new GuardRefusal(sql, `node-sql-parser (${ctx.parserMode}) cannot read it, so it cannot be proven safe: ${first}`);
  }
  const list = Array.isArray(ast) ? ast : [ast];
  if (list.length !== 1) throw new GuardRefusal(sql, `one statement expected, found ${list.length}`);
  return list[0] as Node;
}

/** Every table the parser says is written must be ours, or the one Exo table this statement may touch. */
function crossCheckTableList(sql: string, ctx: GuardContext, allowedExo: string | undefined): void {
  let list: string[];
  try {
    list = parser().tableList(sql, { database: ctx.parserMode });
  } catch {
    return;
  }
  for (const entry of list) {
    const [type, , table] = entry.split('::');
    if (!type || type.toLowerCase() === 'select' || !table) continue;
    if (isOurs(table) || (allowedExo && table.toUpperCase() === allowedExo)) continue;
    throw new GuardRefusal(sql, `it writes ${table} (${type.toLowerCase()}), which is not an exo-numerik object`);
  }
}

function checkAlter(ast: Node, sql: string, ctx: GuardContext): Effect {
  const target = tableRef((ast.table as unknown[])[0]);
  if (isOurs(target.name)) {
    requireOurs(ctx, target, 'table', sql);
    return { action: 'alter', kind: 'table', name: target.name };
  }
  if (!isExoTable(ctx, target, EXO_TABLE_TASKS)) {
    throw new GuardRefusal(sql, `ALTER TABLE of Exo table ${target.name} is not allowed`);
  }
  const actions = (ast.expr as Node[]) ?? [];
  const action = actions[0];
  const column = extraColumnOf(action ? ident(action.column) : undefined);
  const only = `on ${EXO_TABLE_TASKS} only ADD/DROP of one of the columns ${extraColumnsText()} is allowed`;
  if (actions.length !== 1 || action?.resource !== 'column' || !column) throw new GuardRefusal(sql, only);
  if (action.action === 'add') {
    // NULL and no default: a metadata-only change that rewrites no Exo row and constrains no Exo write.
    const nullable = (action.nullable as Node | null)?.type;
    if (nullable !== 'null' || action.default_val) {
      throw new GuardRefusal(sql, `${column} must be added as NULL without a default`);
    }
    return { action: 'create', kind: 'column', table: EXO_TABLE_TASKS, name: column };
  }
  if (action.action === 'drop') return { action: 'drop', kind: 'column', table: EXO_TABLE_TASKS, name: column };
  throw new GuardRefusal(sql, only);
}

/** The INSERT of one of our fields' registration row: TABLE_NAME 'TASKS', FIELD_NAME one of our columns. */
function checkExtraFieldsInsert(ast: Node, sql: string): void {
  const columns = ((ast.columns as unknown[]) ?? []).map((c) => ident(c).toUpperCase());
  const values = ast.values as Node;
  let row: unknown[];
  if (values?.type === 'select') row = ((values.columns as Node[]) ?? []).map((c) => c.expr);
  else if (values?.type === 'values' && (values.values as unknown[]).length === 1) row = ((values.values as Node[])[0]!.value as unknown[]) ?? [];
  else throw new GuardRefusal(sql, `only one ${EXO_TABLE_EXTRA_FIELDS} row may be inserted`);
  const valueOf = (col: string) => literal(row[columns.indexOf(col)]);
  const field = valueOf('FIELD_NAME');
  if (valueOf('TABLE_NAME') !== EXO_TABLE_TASKS || !field || extraColumnOf(field) !== field) {
    throw new GuardRefusal(sql, `only the row of one of our fields (${EXO_TABLE_TASKS}: ${extraColumnsText()}) may be inserted into ${EXO_TABLE_EXTRA_FIELDS}`);
  }
}

/** The DELETE of exactly one such row: WHERE TABLE_NAME = 'TASKS' AND FIELD_NAME = '<our column>', nothing else. */
function checkExtraFieldsDelete(ast: Node, sql: string): void {
  const where = ast.where as Node | null;
  const terms = new Map<string, string | undefined>();
  const collect = (n: Node | null | undefined): boolean => {
    if (!n) return false;
    if (n.type === 'binary_expr' && n.operator === 'AND') return collect(n.left as Node) && collect(n.right as Node);
    if (n.type === 'binary_expr' && n.operator === '=') {
      terms.set(ident(n.left).toUpperCase(), literal(n.right));
      return (n.left as Node)?.type === 'column_ref';
    }
    return false;
  };
  const ok =
    collect(where) &&
    terms.size === 2 &&
    terms.get('TABLE_NAME') === EXO_TABLE_TASKS &&
    extraColumnOf(terms.get('FIELD_NAME')) === terms.get('FIELD_NAME');
  if (!ok) {
    throw new GuardRefusal(sql, `a DELETE from ${EXO_TABLE_EXTRA_FIELDS} must be exactly WHERE TABLE_NAME = 'TASKS' AND FIELD_NAME = '<one of ${extraColumnsText()}>'`);
  }
}

function checkWrite(ast: Node, sql: string, ctx: GuardContext, rules: ParsedRules): Effect {
  const target = tableRef((ast.table as unknown[])[0]);
  if (isOurs(target.name)) {
    requireOurs(ctx, target, 'table', sql);
    crossCheckTableList(sql, ctx, undefined);
    return { action: 'write', kind: 'row', name: target.name, table: target.name };
  }
  const verb = String(ast.type).toUpperCase();
  if (rules.triggerBody) throw new GuardRefusal(sql, `a trigger may only write exo-numerik tables, not ${target.name}`);
  if (!isExoTable(ctx, target, EXO_TABLE_EXTRA_FIELDS) || (ast.type !== 'insert' && ast.type !== 'delete')) {
    throw new GuardRefusal(sql, `${verb} on Exo table ${target.name} is not allowed`);
  }
  if (ast.type === 'insert') checkExtraFieldsInsert(ast, sql);
  else checkExtraFieldsDelete(ast, sql);
  crossCheckTableList(sql, ctx, EXO_TABLE_EXTRA_FIELDS);
  return { action: 'write', kind: 'row', name: EXO_TABLE_EXTRA_FIELDS, table: EXO_TABLE_EXTRA_FIELDS };
}

/** Checks a statement node-sql-parser can read, by its AST (the table list alone misses targets). */
export function checkParsed(sql: string, ctx: GuardContext, rules: ParsedRules): Effect {
  const ast = parse(sql, ctx);
  if (hasForeignKey(ast)) throw new GuardRefusal(sql, 'foreign keys are not allowed (one on an Exo table would constrain Exo)');
  const type = String(ast.type);
  if (['insert', 'update', 'delete'].includes(type)) return checkWrite(ast, sql, ctx, rules);
  if (rules.triggerBody) throw new GuardRefusal(sql, `only INSERT/UPDATE/DELETE of exo-numerik tables may run in a trigger, not ${type.toUpperCase()}`);
  const keyword = String(ast.keyword ?? '');
  if (type === 'create' && keyword === 'table') {
    const name = requireOurs(ctx, tableRef((ast.table as unknown[])[0]), 'table', sql);
    if (ast.as || ast.query_expr) throw new GuardRefusal(sql, 'CREATE TABLE … AS SELECT is not allowed');
    return { action: 'create', kind: 'table', name };
  }
  if (type === 'create' && keyword === 'index') {
    const table = requireOurs(ctx, tableRef(ast.table), 'table', sql);
    const name = requireOurs(ctx, { schema: ctx.schema, name: ident(ast.index) }, 'index', sql);
    return { action: 'create', kind: 'index', name, table };
  }
  if (type === 'drop' && keyword === 'table') {
    const names = (ast.name as unknown[]) ?? [];
    if (names.length !== 1) throw new GuardRefusal(sql, 'drop one table per statement');
    return { action: 'drop', kind: 'table', name: requireOurs(ctx, tableRef(names[0]), 'table', sql) };
  }
  if (type === 'drop' && keyword === 'index') {
    const name = ast.name as Node;
    if (ast.table) {
      const table = requireOurs(ctx, tableRef(ast.table), 'table', sql);
      return { action: 'drop', kind: 'index', name: requireOurs(ctx, { schema: ctx.schema, name: ident(name) }, 'index', sql), table };
    }
    const schema = typeof name.table === 'string' ? name.table : undefined;
    return { action: 'drop', kind: 'index', name: requireOurs(ctx, { schema, name: ident(name.column) }, 'index', sql) };
  }
  if (type === 'alter' && keyword === 'table') return checkAlter(ast, sql, ctx);
  throw new GuardRefusal(sql, `${type.toUpperCase()}${keyword ? ' ' + keyword.toUpperCase() : ''} is not a statement a migration may run`);
}
