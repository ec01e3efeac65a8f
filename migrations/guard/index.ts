import type { Dialect, Statement } from '../../db/dialect/dialect.js';
import { checkParsed } from './ast.js';
import { checkShape } from './shapes.js';
import { hasComment } from './sql-text.js';
import { GuardRefusal, type Effect, type GuardContext } from './verdict.js';

export { GuardRefusal, type Effect, type GuardContext } from './verdict.js';

/** Several refusals at once, so a reviewer sees every problem of a plan in one run. */
export class GuardError extends Error {
  override name = 'GuardError';
  constructor(readonly refusals: GuardRefusal[]) {
    super(`the migration guard refused ${refusals.length} statement(s):\n${refusals.map((r) => r.message).join('\n')}`);
  }
}

export function guardContext(dialect: Dialect): GuardContext {
  return { dialect: dialect.name, parserMode: dialect.parserMode, schema: dialect.schema };
}

/**
 * Proves one statement touches only exo-numerik objects (plus the TASKS column, the TASKS triggers
 * and the one EXTRA_FIELDS row). Anything it cannot prove is refused, with the statement and why.
 */
export function checkStatement(statement: Statement, ctx: GuardContext): Effect {
  const { sql } = statement;
  if (!sql.trim()) throw new GuardRefusal(sql, 'empty statement');
  if (hasComment(sql)) throw new GuardRefusal(sql, 'comments are not allowed inside statements: they can hide SQL from review');
  if (statement.when && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(statement.when.tableExists)) {
    throw new GuardRefusal(sql, `bad condition table name "${statement.when.tableExists}"`);
  }
  return checkShape(sql, ctx) ?? checkParsed(sql, ctx, {});
}

/** Checks every statement; throws one GuardError listing all refusals. */
export function guardStatements(statements: readonly Statement[], ctx: GuardContext): Effect[] {
  const effects: Effect[] = [];
  const refusals: GuardRefusal[] = [];
  for (const statement of statements) {
    try {
      effects.push(checkStatement(statement, ctx));
    } catch (error) {
      if (!(error instanceof GuardRefusal)) throw error;
      refusals.push(error);
    }
  }
  if (refusals.length) throw new GuardError(refusals);
  return effects;
}
