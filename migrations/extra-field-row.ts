import type { Dialect } from '../db/dialect/dialect.js';
import { TASKS } from '../db/exo/tasks.js';
import type { ExtraFieldOptions } from './migration.js';

export const EXTRA_FIELDS = 'EXTRA_FIELDS';

/** The WHERE of exactly one of our registration rows (the guard accepts nothing looser). */
export function isOurRow(d: Dialect, column: string): string {
  return `${d.quote('TABLE_NAME')} = ${d.literal(TASKS)} AND ${d.quote('FIELD_NAME')} = ${d.literal(column)}`;
}

/**
 * The EXTRA_FIELDS row that shows one of our TASKS columns on an activity's Extra Fields tab.
 * Shared by the migrations that add such a column: the golden plan pins each one's statements, so
 * a change here that altered a released migration would fail there (and the drift check).
 */
export function registerRow(d: Dialect, column: string, field: ExtraFieldOptions): string {
  const values: [string, string][] = [
    ['SEQNO', 'm.n'],
    ['TABLE_NAME', d.literal(TASKS)],
    ['FIELD_NAME', d.literal(column)],
    ['DISPLAY_NAME', d.literal(field.displayName)],
    ['CONTROL_NO', d.literal(field.controlNo)],
    ['CONTROL_SIZE', d.literal(field.controlSize)],
    ['CONTROL_TYPE', d.literal(field.controlType)],
    ['DATA_SIZE', d.literal(field.dataSize)],
    ['DATA_TYPE', d.literal(field.dataType)],
    ['EDITABLE', d.literal(field.editable)],
    ['TOOLTIP', d.literal(field.tooltip)],
  ];
  const table = d.qualified(EXTRA_FIELDS);
  // EXTRA_FIELDS.SEQNO is not IDENTITY: the next number is taken inside the migration's transaction.
  return (
    `INSERT INTO ${table} (${values.map(([c]) => d.quote(c)).join(', ')}) ` +
    `SELECT ${values.map(([, v]) => v).join(', ')} ` +
    `FROM (SELECT COALESCE(MAX(${d.quote('SEQNO')}), 0) + 1 AS n FROM ${table}) AS m ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ${isOurRow(d, column)})`
  );
}

/** Adds the column and, where Exo has EXTRA_FIELDS, its registration row. */
export function addExtraField(d: Dialect, column: string, type: string, field: ExtraFieldOptions) {
  return [d.addColumn(TASKS, column, d.exoType(type)), d.ifTableExists(EXTRA_FIELDS, registerRow(d, column, field))];
}

/** Exactly what addExtraField added, in reverse. */
export function dropExtraField(d: Dialect, column: string) {
  return [d.ifTableExists(EXTRA_FIELDS, `DELETE FROM ${d.qualified(EXTRA_FIELDS)} WHERE ${isOurRow(d, column)}`), d.dropColumn(TASKS, column)];
}
