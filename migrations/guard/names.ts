import { OUR_TASKS_COLUMNS, TASKS } from '../../db/exo/tasks.js';
import { OUR_PREFIX } from '../../db/plugin/objects.js';
import type { QualifiedName } from './sql-text.js';
import { GuardRefusal, type GuardContext } from './verdict.js';

/** The only Exo objects a migration may touch, and how. */
export const EXO_TABLE_TASKS = TASKS;
export const EXO_TABLE_EXTRA_FIELDS = 'EXTRA_FIELDS';
/** Our extra fields: the columns a migration may add to TASKS, and register in EXTRA_FIELDS. */
export const EXO_EXTRA_COLUMNS: readonly string[] = OUR_TASKS_COLUMNS;
const EXTRA_COLUMNS_TEXT = EXO_EXTRA_COLUMNS.join(', ');

export function extraColumnOf(name: string | undefined): string | undefined {
  return EXO_EXTRA_COLUMNS.find((c) => c === name?.toUpperCase());
}

export const extraColumnsText = () => EXTRA_COLUMNS_TEXT;

const OURS = new RegExp(`^${OUR_PREFIX}[A-Z0-9_]+$`);

export function isOurs(name: string): boolean {
  return OURS.test(name);
}

/** Fails unless `q` is schema-qualified with the configured schema. */
export function inSchema(ctx: GuardContext, q: QualifiedName, statement: string): void {
  if (!q.schema) {
    throw new GuardRefusal(statement, `"${q.name}" is not schema-qualified; it could resolve to another schema`);
  }
  if (q.schema.toLowerCase() !== ctx.schema.toLowerCase()) {
    throw new GuardRefusal(statement, `"${q.schema}.${q.name}" is outside the configured schema "${ctx.schema}"`);
  }
}

/** Fails unless `q` names one of our objects in the configured schema. */
export function requireOurs(ctx: GuardContext, q: QualifiedName, what: string, statement: string): string {
  inSchema(ctx, q, statement);
  if (!isOurs(q.name)) {
    throw new GuardRefusal(statement, `${what} "${q.name}" is not an exo-numerik object (${OUR_PREFIX}*)`);
  }
  return q.name;
}

export function isExoTable(ctx: GuardContext, q: QualifiedName, table: string): boolean {
  if (!q.schema || q.schema.toLowerCase() !== ctx.schema.toLowerCase()) return false;
  return ctx.dialect === 'mssql' ? q.name.toUpperCase() === table : q.name === table;
}
