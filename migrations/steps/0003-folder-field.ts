import type { Dialect } from '../../db/dialect/dialect.js';
import { FOLDER_COLUMN, FOLDER_COLUMN_TYPE, TASKS } from '../../db/exo/tasks.js';
import type { ExtraFieldOptions, Migration } from '../migration.js';

const EXTRA_FIELDS = 'EXTRA_FIELDS';

function isOurRow(d: Dialect): string {
  return `${d.quote('TABLE_NAME')} = ${d.literal(TASKS)} AND ${d.quote('FIELD_NAME')} = ${d.literal(FOLDER_COLUMN)}`;
}

function registerRow(d: Dialect, field: ExtraFieldOptions): string {
  const values: [string, string][] = [
    ['SEQNO', 'm.n'],
    ['TABLE_NAME', d.literal(TASKS)],
    ['FIELD_NAME', d.literal(FOLDER_COLUMN)],
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
    `WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ${isOurRow(d)})`
  );
}

/** The hyperlink column on TASKS and, where Exo has EXTRA_FIELDS, the row that shows it to users. */
export const folderField: Migration = {
  name: '0003-folder-field',
  summary: 'TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row',
  up: (d, o) => [
    d.addColumn(TASKS, FOLDER_COLUMN, d.exoType(FOLDER_COLUMN_TYPE)),
    d.ifTableExists(EXTRA_FIELDS, registerRow(d, o.extraField)),
  ],
  down: (d) => [
    d.ifTableExists(EXTRA_FIELDS, `DELETE FROM ${d.qualified(EXTRA_FIELDS)} WHERE ${isOurRow(d)}`),
    d.dropColumn(TASKS, FOLDER_COLUMN),
  ],
};
