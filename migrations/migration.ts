import type { Dialect, Statement } from '../db/dialect/dialect.js';

/**
 * The EXTRA_FIELDS row that makes X_NUMERIK_FOLDER visible on an activity's Extra Fields tab.
 * Exo does not document these columns (exo-schema.md §2): copy the values of a field created with
 * Exo Configurator on a test database into the configuration; these defaults are a guess.
 */
export interface ExtraFieldOptions {
  displayName: string;
  controlNo: number | null;
  controlSize: number | null;
  controlType: number | null;
  dataType: string | null;
  dataSize: number | null;
  editable: 'Y' | 'N';
  tooltip: string | null;
}

export interface MigrationOptions {
  extraField: ExtraFieldOptions;
}

export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = {
  extraField: {
    displayName: 'Numerik attachments',
    controlNo: null,
    controlSize: null,
    controlType: null,
    dataType: null,
    dataSize: 255,
    editable: 'N',
    tooltip: 'Folder of the Numerik attachments of this activity (exo-numerik)',
  },
};

/** A migration is data: its statements per dialect, printable and checkable without a database. */
export interface Migration {
  name: string;
  summary: string;
  up(dialect: Dialect, options: MigrationOptions): Statement[];
  down(dialect: Dialect, options: MigrationOptions): Statement[];
}
