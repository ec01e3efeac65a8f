import { FOLDER_COLUMN, FOLDER_COLUMN_TYPE } from '../../db/exo/tasks.js';
import { addExtraField, dropExtraField } from '../extra-field-row.js';
import type { Migration } from '../migration.js';

/** The hyperlink column on TASKS and, where Exo has EXTRA_FIELDS, the row that shows it to users. */
export const folderField: Migration = {
  name: '0003-folder-field',
  summary: 'TASKS.X_NUMERIK_FOLDER (nullable, metadata-only) and its EXTRA_FIELDS registration row',
  up: (d, o) => addExtraField(d, FOLDER_COLUMN, FOLDER_COLUMN_TYPE, o.extraField),
  down: (d) => dropExtraField(d, FOLDER_COLUMN),
};
